"""``python -m benchmarks [NAME ...]``: run every ``benchmarks/bench_*.py`` (or those named, e.g. ``eligibility``)
against a throwaway SQLite database in a temporary folder, migrated and loaded with the reference data."""

import importlib
import os
import pkgutil
import sys
import tempfile
import time
import traceback
from pathlib import Path


def bench_modules(selected: list[str]) -> list[str]:
    names = sorted(
        info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]) if info.name.startswith("bench_")
    )
    if selected:
        wanted = {name if name.startswith("bench_") else f"bench_{name}" for name in selected}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"No such benchmark: {', '.join(sorted(unknown))} (have: {', '.join(names)})")
        names = [name for name in names if name in wanted]
    return names


def main(argv: list[str]) -> int:
    names = bench_modules(argv)
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
        # Before django.setup(): the settings read these once. Never the developer's database, whatever is configured.
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
        os.environ["VAR_DIR"] = folder
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        import django

        django.setup()
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"benchmarks: database ready in {time.perf_counter() - started:.1f} s ({folder})")
        failed = []
        for name in names:
            print(f"--- {name}")
            try:
                importlib.import_module(f"benchmarks.{name}").main()
            except Exception:
                traceback.print_exc()
                failed.append(name)
        if failed:
            print(f"benchmarks that crashed: {', '.join(failed)}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
