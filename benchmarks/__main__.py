"""``python -m benchmarks [NAME ...]`` (``make bench``): run every ``benchmarks/bench_*.py`` (or those named, e.g.
``eligibility``) on a throwaway database, migrated and loaded with the reference data, and end with one table of
every benchmark's key figures (``pages.Figure``, what each module's ``main()`` returns).

The database: with ``DATABASE_URL`` naming a server (PostgreSQL), test_<its name>, created and dropped by Django's
test machinery (``pages.fresh_database`` makes the benchmarks' own beside it the same way), so the database the URL
names is never touched; otherwise a SQLite file in a temporary folder."""

import importlib
import os
import pkgutil
import platform
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


def on_a_server() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    return bool(url) and not url.startswith("sqlite")


def main(argv: list[str]) -> int:
    names = bench_modules(argv)
    server = on_a_server()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
        # Before django.setup(): the settings read these once.
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
        os.environ["VAR_DIR"] = folder  # media, exports and the Celery broker's folders
        if not server:
            os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from benchmarks.pages import database_in_environment, table

        started = time.perf_counter()
        configured = connection.settings_dict["NAME"]
        if server:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        else:
            call_command("migrate", interactive=False, verbosity=0)
        figures, failed = [], []
        try:
            call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(
                f"benchmarks: database {connection.settings_dict['NAME']} ({connection.vendor}) ready in "
                f"{time.perf_counter() - started:.1f} s"
            )
            with database_in_environment():  # what a benchmark runs as a new process works on it too
                for name in names:
                    print(f"--- {name}")
                    try:
                        figures += importlib.import_module(f"benchmarks.{name}").main() or []
                    except Exception:
                        traceback.print_exc()
                        failed.append(name)
            with connection.cursor() as cursor:
                cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
                version = cursor.fetchone()[0].split(" on ")[0]
        finally:
            if server:
                connection.creation.destroy_test_db(configured, verbosity=0)
        print(
            f"\n=== make bench on {connection.vendor} ({version}), Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs. Pages: p50/p95 of the interleaved requests, ×: the ratio to the inbox of the "
            f"same user in the same run (target 3×); queries of one request or job, a (b): at the larger size (at "
            f"the smaller)."
        )
        print(table(figures))
        if failed:
            print(f"benchmarks that crashed: {', '.join(failed)}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
