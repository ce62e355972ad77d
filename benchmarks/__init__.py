"""Benchmarks: ``python -m benchmarks`` (``make bench``) runs every ``bench_*.py`` module's ``main()``; each prints its
figures. They measure, they do not pass or fail."""
