import hashlib
import os
import sqlite3
import uuid
from collections import Counter
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import translation

from portal.celery import app as celery_app
from portal.services import load_reference_data


def _migrated_database_snapshot() -> Path | None:
    """Where `make mutation` keeps the migrated test database (PORTAL_TEST_DB_SNAPSHOT names the folder), named by
    a digest of every migration, so that a changed migration makes a new one. None when not asked or not SQLite."""
    from django.apps import apps
    from django.conf import settings

    folder = os.environ.get("PORTAL_TEST_DB_SNAPSHOT")
    if not folder or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return None
    digest = hashlib.sha256()
    for app in apps.get_app_configs():
        for migration in sorted(Path(app.path).glob("migrations/*.py")):
            digest.update(migration.name.encode() + migration.read_bytes())
    return Path(folder) / f"test-db-{digest.hexdigest()[:16]}.sqlite3"


if os.environ.get("PORTAL_TEST_DB_SNAPSHOT"):

    @pytest.fixture(scope="session")
    def django_db_setup(request, django_test_environment, django_db_blocker):
        """Mutation testing runs a few tests per mutant, each run in a fresh process; building the test database by
        every migration would be most of each run's time. The first run saves the migrated in-memory database; the
        others copy it back, which is the same database without the wait."""
        from django.conf import settings
        from django.db import connection
        from django.test.utils import setup_databases, teardown_databases

        snapshot = _migrated_database_snapshot()
        with django_db_blocker.unblock():
            if snapshot is None or not snapshot.exists():
                db_cfg = setup_databases(verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=[])
                if snapshot is not None:
                    snapshot.parent.mkdir(parents=True, exist_ok=True)
                    partial = snapshot.with_suffix(f".{os.getpid()}")
                    with sqlite3.connect(partial) as saved:
                        connection.connection.backup(saved)
                    saved.close()
                    partial.replace(snapshot)
            else:
                old_name = connection.settings_dict["NAME"]
                test_name = connection.creation._get_test_db_name()
                connection.close()
                settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = test_name
                connection.ensure_connection()
                with sqlite3.connect(snapshot) as saved:
                    saved.backup(connection.connection)
                saved.close()
                db_cfg = [(connection, old_name, True)]
        yield
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=0)


# A mutant counts as killed only by its own app's tests (make mutation, docs/testing.md): what an app does is stated
# where the app is tested, and a run stays within the hour instead of running every page test for every mutant.
OWN_TESTS_OF_APP = {
    "consortia": ("tests/consortia/", "tests/workflow/", "tests/lifecycle/", "tests/filing/"),
    "reviews": ("tests/reviews/",),
    "annual_reports": ("tests/annual_reports/",),
    "monitoring": ("tests/monitoring/",),
    "portal": ("tests/portal/",),
    "api": ("tests/api/",),
    "public": ("tests/public/",),
}


SLOW_TEST_SECONDS = 1.0


def pytest_collection_modifyitems(config, items):
    """Under a mutant (mutmut names it in MUTANT_UNDER_TEST, e.g. ``reviews.services.x_notice_data__mutmut_3``), keep
    the tests of the mutated app only, narrowest first; in mutmut's clean run (MUTANT_UNDER_TEST empty), the tests
    some mutant runs."""
    mutant = os.environ.get("MUTANT_UNDER_TEST")
    if mutant is None:
        return
    # What each test calls and how long it took are those of mutmut's stats run, which this process, forked from
    # mutmut's, holds (empty in the stats run itself).
    from mutmut.state import state

    stats = state()
    if "__mutmut_" in mutant:
        own_tests = OWN_TESTS_OF_APP.get(_app(mutant), ())
        _keep_only(config, items, lambda nodeid: nodeid.startswith(own_tests))
        _likeliest_first(items, stats, _killers(mutant))
    elif mutant == "" and stats.tests_by_mangled_function_name:
        # The clean run is there to see pass the tests that mutants' verdicts rest on: a test that calls none of its
        # app's mutated functions (a third of the suite) can kill no mutant.
        some_mutant_runs = {
            test
            for function, tests in stats.tests_by_mangled_function_name.items()
            for test in tests
            if test.startswith(OWN_TESTS_OF_APP.get(_app(function), ()))
        }
        _keep_only(config, items, some_mutant_runs.__contains__)


def _app(dotted_name: str) -> str:
    return dotted_name.split(".")[0]


def _keep_only(config, items, kept) -> None:
    others = [item for item in items if not kept(item.nodeid)]
    if others:
        config.hook.pytest_deselected(items=others)
        items[:] = [item for item in items if kept(item.nodeid)]


def _likeliest_first(items, stats, killers: Path | None) -> None:
    """mutmut stops at the first failure, so the tests most likely to fail go first: those that killed earlier mutants
    of the same function, most kills first, then the narrowest, those that call the fewest of the mutated functions (a
    rule's unit tests before the pages that run every rule); a test of many seconds (a thousand reports written, a
    command on a database of its own) goes last whatever it calls or killed."""
    seconds = stats.duration_by_test
    breadth = Counter(test for tests in stats.tests_by_mangled_function_name.values() for test in tests)
    kills = Counter(killers.read_text(encoding="utf-8").splitlines()) if killers and killers.exists() else Counter()
    items.sort(
        key=lambda item: (seconds.get(item.nodeid, 0.0) > SLOW_TEST_SECONDS, -kills[item.nodeid], breadth[item.nodeid])
    )


def _killers(mutant: str) -> Path | None:
    """The file that names, a line per kill, the tests that killed mutants of ``mutant``'s function, in the folder
    PORTAL_MUTATION_KILLERS names (``make mutation`` sets it); None when not asked. Mutants of one function change the
    same lines, so the test that caught one most often catches the next."""
    folder = os.environ.get("PORTAL_MUTATION_KILLERS")
    return Path(folder) / mutant.rsplit("__mutmut_", 1)[0] if folder else None


def pytest_runtest_logreport(report):
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if report.failed and "__mutmut_" in mutant and (killers := _killers(mutant)):
        killers.parent.mkdir(parents=True, exist_ok=True)
        # One short line appended: the two mutants running at once can share a file without a lock.
        with killers.open("a", encoding="utf-8") as file:
            file.write(report.nodeid + "\n")


@pytest.fixture(scope="session", autouse=True)
def _isolated_task_queue(tmp_path_factory):
    """Tasks published by tests go to a queue of this run's own, never to the one a developer's worker reads."""
    celery_app.conf.task_default_queue = f"portal-tests-{uuid.uuid4().hex[:8]}"
    if celery_app.conf.broker_url.startswith("filesystem://"):
        folder = tmp_path_factory.mktemp("celery-broker")
        celery_app.conf.broker_transport_options = {
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),
            "store_processed": False,
            # The transport polls its folder; the default second per message makes a backlog slow to drain.
            "polling_interval": 0.05,
        }
    yield


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker in a thread, on this run's queue. Tasks published by earlier tests (their rows long gone)
    are purged first, so the worker starts on what this test queues."""
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture(autouse=True)
def _fast_hashing_and_outbox(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _no_second_factor_required(settings):
    """Most tests sign city staff and admins in without a second factor; tests/portal/test_two_factor.py and the
    two-factor journey turn it on. The settings fixture changes the process's settings, so a live server sees it too."""
    settings.TWO_FACTOR_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language, whatever ran before it: a page asked for in English leaves
    English active in the thread (LocaleMiddleware activates a language and nothing deactivates it), and mutmut's
    clean run puts the tests in an order of its own."""
    translation.deactivate()


@pytest.fixture
def reference_data(db):
    load_reference_data()


@pytest.fixture
def demo_users(reference_data):
    from portal.demo import seed_demo

    return {user.username: user for user in seed_demo()}
