"""`make mutation` (docs/testing.md): the saved test database each mutant's run starts from, and the table it prints."""

import json
import os
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import OWN_TESTS_OF_APP

ROOT = Path(__file__).resolve().parent.parent


def mutmut_setting(name: str) -> list[str]:
    """A setting of ``[tool.mutmut]`` in pyproject.toml."""
    with open(ROOT / "pyproject.toml", "rb") as pyproject:
        return tomllib.load(pyproject)["tool"]["mutmut"][name]


MARKED_TEST = """
from django.db import connection


def test_the_database_is_the_saved_one(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM saved_marker")
        assert cursor.fetchone() == ("from the snapshot",)
"""

PLAIN_TEST = """
from portal.models import Authority


def test_reference_tables_exist(db):
    assert Authority.objects.count() >= 0
"""


def pytest_command(test_file: Path) -> list[str]:
    """The suite's fixtures for a test file outside tests/, through a conftest beside it."""
    (test_file.parent / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n", encoding="utf-8")
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "pyproject.toml", str(test_file)]


def run_pytest(test_file: Path, snapshot_folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        pytest_command(test_file),
        cwd=ROOT,
        env={**_env(), "PORTAL_TEST_DB_SNAPSHOT": str(snapshot_folder)},
        capture_output=True,
        text=True,
    )


def _env() -> dict[str, str]:
    """This run's environment on SQLite, the only database the snapshot is kept for."""
    return {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}


def test_the_first_run_saves_the_migrated_database_and_later_runs_start_from_it(tmp_path):
    folder = tmp_path / "snapshots"
    first = tmp_path / "test_plain.py"
    first.write_text(PLAIN_TEST, encoding="utf-8")
    result = run_pytest(first, folder)
    assert result.returncode == 0, result.stdout + result.stderr
    (snapshot,) = folder.glob("test-db-*.sqlite3")
    with sqlite3.connect(snapshot) as saved:
        applied = saved.execute("SELECT count(*) FROM django_migrations WHERE app = 'reviews'").fetchone()[0]
        saved.execute("CREATE TABLE saved_marker (note TEXT)")
        saved.execute("INSERT INTO saved_marker VALUES ('from the snapshot')")
    saved.close()
    assert applied == len(list((ROOT / "reviews" / "migrations").glob("0*.py")))

    # The marker exists only in the saved file: a run that rebuilt the database by migrations would not find it.
    second = tmp_path / "test_marked.py"
    second.write_text(MARKED_TEST, encoding="utf-8")
    result = run_pytest(second, folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert list(folder.iterdir()) == [snapshot]


def test_without_the_setting_each_run_builds_its_database_by_migrations(tmp_path):
    marked = tmp_path / "test_marked.py"
    marked.write_text(MARKED_TEST, encoding="utf-8")
    result = subprocess.run(
        pytest_command(marked),
        cwd=ROOT,
        env={key: value for key, value in _env().items() if key != "PORTAL_TEST_DB_SNAPSHOT"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "no such table: saved_marker" in result.stdout


def write_results(folder: Path, module: str, exit_codes: dict[str, int | None]) -> None:
    meta = folder / "mutants" / f"{module.replace('.', '/')}.py.meta"
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps({"exit_code_by_key": exit_codes}), encoding="utf-8")


def mutation_table(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "bin" / "mutation-table.py"), *args],
        cwd=folder,
        capture_output=True,
        text=True,
    )


def test_the_table_counts_each_modules_mutants_by_what_became_of_them(tmp_path):
    write_results(
        tmp_path,
        "reviews.services",
        {
            "reviews.services.x_a__mutmut_1": 1,
            "reviews.services.x_a__mutmut_2": 0,
            "reviews.services.x_b__mutmut_1": 36,
        },
    )
    write_results(
        tmp_path,
        "consortia.states",
        {
            "consortia.states.x_c__mutmut_1": 1,
            "consortia.states.x_c__mutmut_2": 33,
            "consortia.states.x_c__mutmut_3": None,
        },
    )
    write_results(tmp_path, "portal.jobs", {"portal.jobs.x_d__mutmut_1": None})

    result = mutation_table(tmp_path, "--survivors")
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "| module | mutants | killed | survived | timed out | no tests | not checked | other | killed of checked |",
        "|---|---|---|---|---|---|---|---|---|",
        "| consortia.states | 3 | 1 | 0 | 0 | 1 | 1 | 0 | 50.0 % |",
        "| portal.jobs | 1 | 0 | 0 | 0 | 0 | 1 | 0 | — |",
        "| reviews.services | 3 | 1 | 1 | 1 | 0 | 0 | 0 | 66.7 % |",
        "| **total** | 7 | 2 | 1 | 1 | 1 | 2 | 0 | 60.0 % |",
    ]
    # A module with no mutant checked yet has a row and no score; the survivors are named.
    assert lines[-5:] == [
        "Survivors:",
        "    reviews.services.x_a__mutmut_2",
        "",
        "No tests of their app call them:",
        "    consortia.states.x_c__mutmut_2",
    ]

    one_app = mutation_table(tmp_path, "consortia").stdout.splitlines()
    assert one_app[2:] == [
        "| consortia.states | 3 | 1 | 0 | 0 | 1 | 1 | 0 | 50.0 % |",
        "| **total** | 3 | 1 | 0 | 0 | 1 | 1 | 0 | 50.0 % |",
    ]


def test_the_table_says_what_to_do_before_any_run(tmp_path):
    result = mutation_table(tmp_path)
    assert result.returncode == 1
    assert "run `make mutation` first" in result.stderr


THREE_APPS_TESTS = ["tests/reviews/test_period.py", "tests/portal/test_uscc.py", "tests/lifecycle/test_jobs.py"]


def run_under(mutant: str, *arguments: str, pythonpath: Path | None = None, killers: Path | None = None):
    """pytest on ``arguments`` in a process that tries ``mutant``, as mutmut's would."""
    extra = {"PYTHONPATH": str(pythonpath)} if pythonpath else {}
    if killers:
        extra["PORTAL_MUTATION_KILLERS"] = str(killers)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *arguments],
        cwd=ROOT,
        env={**_env(), "MUTANT_UNDER_TEST": mutant, **extra},
        capture_output=True,
        text=True,
    )


def collected_under(mutant: str, *arguments: str, **options) -> list[str]:
    """The test ids pytest collects from ``arguments`` in a process that tries ``mutant``, in the order it runs them."""
    result = run_under(mutant, "--collect-only", *arguments, **options)
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_a_mutant_is_tried_against_its_own_apps_tests_only():
    def collected(mutant: str) -> list[str]:
        return sorted({line.split("::")[0] for line in collected_under(mutant, *THREE_APPS_TESTS)})

    assert collected("reviews.services.x_notice_data__mutmut_3") == ["tests/reviews/test_period.py"]
    assert collected("consortia.lifecycle.jobs.x_expire_consortia__mutmut_1") == ["tests/lifecycle/test_jobs.py"]
    # Outside a mutant's run (mutmut's stats run, a clean run before any stats, or make test) every test is kept.
    assert len(collected("stats")) == 3
    assert len(collected("")) == 3


def test_mutmut_runs_the_tests_of_the_apps_that_have_mutants_and_no_others():
    selection = mutmut_setting("pytest_add_cli_args_test_selection")
    folders = [f"{argument}/" for argument in selection if argument.startswith("tests/")]
    assert sorted(folders) == sorted(folder for own in OWN_TESTS_OF_APP.values() for folder in own)


TIMED_BY_STATS = """
from mutmut.state import state

state().duration_by_test.update({TIMES})
for test, functions in {CALLS}.items():
    for function in functions:
        state().tests_by_mangled_function_name[function].add(test)
"""


def test_under_a_mutant_the_narrowest_tests_go_first_and_those_of_more_than_a_second_last(tmp_path):
    def collected(*options: str, mutant: str = "") -> list[str]:
        return collected_under(mutant, *options, THREE_APPS_TESTS[0], pythonpath=tmp_path)

    in_file_order = collected()
    slowest, slower, quick, broad, narrow = in_file_order[:5]
    # What mutmut's stats run would have measured, put where the mutant's process finds it.
    times = {slowest: 30.0, slower: 5.0, quick: 0.9}
    calls = {broad: ["f1", "f2", "f3"], narrow: ["f1"], slowest: ["f1"]}
    plugin = TIMED_BY_STATS.replace("{TIMES}", repr(times)).replace("{CALLS}", repr(calls))
    (tmp_path / "timed_by_stats.py").write_text(plugin, encoding="utf-8")

    timed = collected("-p", "timed_by_stats", mutant="reviews.services.x_notice_data__mutmut_3")
    # Calling nothing mutated counts as narrowest; ties keep the file's order; the slow ones go last whatever they call.
    assert timed == [quick, *in_file_order[5:], narrow, broad, slower, slowest]
    assert collected("-p", "timed_by_stats", mutant="stats") == in_file_order

    # Tests that killed earlier mutants of the same function go first, most kills first; the slow ones still last.
    killers = tmp_path / "killers"
    killers.mkdir()
    (killers / "reviews.services.x_notice_data").write_text(
        "\n".join([broad, in_file_order[5], broad, slowest, slowest, slowest]) + "\n", encoding="utf-8"
    )
    (killers / "reviews.services.x_queue").write_text(f"{narrow}\n", encoding="utf-8")
    mutant = "reviews.services.x_notice_data__mutmut_7"
    with_killers = collected_under(
        mutant, "-p", "timed_by_stats", THREE_APPS_TESTS[0], pythonpath=tmp_path, killers=killers
    )
    assert with_killers == [broad, in_file_order[5], quick, *in_file_order[6:], narrow, slowest, slower]


FAILS_AS_A_MUTANT_WOULD = """
def pytest_runtest_call(item):
    if item.nodeid == {NODEID!r}:
        raise AssertionError("the mutant changed what this test reads")
"""


def test_under_a_mutant_a_failing_test_is_kept_as_a_killer_of_its_function_and_a_passing_one_is_not(tmp_path):
    passing, failing = collected_under("", THREE_APPS_TESTS[0])[:2]
    (tmp_path / "fails_one.py").write_text(FAILS_AS_A_MUTANT_WOULD.replace("{NODEID!r}", repr(failing)))
    killers = tmp_path / "killers"
    arguments = ("-p", "fails_one", passing, failing)

    result = run_under("reviews.services.x_notice_data__mutmut_3", *arguments, pythonpath=tmp_path, killers=killers)
    assert "1 failed, 1 passed" in result.stdout, result.stdout[-3000:]
    assert (killers / "reviews.services.x_notice_data").read_text(encoding="utf-8") == f"{failing}\n"
    assert [path.name for path in killers.iterdir()] == ["reviews.services.x_notice_data"]

    # Outside a mutant's run (the stats and the clean run, make test) a failure is nobody's killer.
    (killers / "reviews.services.x_notice_data").unlink()
    for mutant in ("stats", ""):
        assert "1 failed" in run_under(mutant, *arguments, pythonpath=tmp_path, killers=killers).stdout
    assert list(killers.iterdir()) == []


def test_the_clean_run_sees_pass_the_tests_some_mutant_runs_and_no_others(tmp_path):
    reviews_tests = collected_under("", THREE_APPS_TESTS[0])
    portal_tests = collected_under("", THREE_APPS_TESTS[1])
    calls_own_app, calls_another_app = reviews_tests[:2]
    calls_own_and_another, *_ = portal_tests
    calls = {
        calls_own_app: ["reviews.services.x_notice_data"],
        calls_another_app: ["portal.services.x_record_audit"],
        calls_own_and_another: ["reviews.selectors.x_queue", "portal.services.x_record_audit"],
    }
    plugin = TIMED_BY_STATS.replace("{TIMES}", "{}").replace("{CALLS}", repr(calls))
    (tmp_path / "timed_by_stats.py").write_text(plugin, encoding="utf-8")

    clean = collected_under("", "-p", "timed_by_stats", *THREE_APPS_TESTS[:2], pythonpath=tmp_path)
    # The rest of the reviews file calls nothing mutated, as far as these stats say, so it is left out too.
    assert clean == [calls_own_app, calls_own_and_another]


NAME_EVERY_TEST_BACK = """
import json, sys, tomllib
import pytest


class Names:
    def pytest_collection_modifyitems(self, items):
        self.nodeids = [item.nodeid for item in items]


with open("pyproject.toml", "rb") as pyproject:
    selection = tomllib.load(pyproject)["tool"]["mutmut"]["pytest_add_cli_args_test_selection"]
first, again = Names(), Names()
quiet = ["-qq", "-p", "no:cacheprovider", "--collect-only"]
pytest.main(quiet + selection, plugins=[first])
code = pytest.main(quiet + first.nodeids, plugins=[again])
json.dump({"code": int(code), "first": first.nodeids, "again": again.nodeids}, sys.stderr)
"""


def test_every_test_keeps_its_name_and_can_be_named_back_to_pytest():
    """mutmut keeps, from one run to the next, the names of the tests that call each function, and hands them back
    to pytest in later sessions of its process. A name drawn at random changes between runs; one with a dict's text
    in brackets is not found by a later session. Either stops the run."""

    def named_back() -> dict:
        result = subprocess.run([sys.executable, "-c", NAME_EVERY_TEST_BACK], cwd=ROOT, env=_env(), capture_output=True)
        return json.loads(result.stderr.decode().splitlines()[-1])

    one_run, next_run = named_back(), named_back()
    assert len(one_run["first"]) > 2000
    assert (one_run["code"], one_run["again"]) == (0, one_run["first"])
    assert next_run["first"] == one_run["first"]


def test_the_tests_that_swap_the_logs_stream_pass_in_a_second_session_of_one_process():
    """mutmut's clean run is a second session of the process its stats ran in, when the stream the logging handler
    was configured with (the first session's captured stdout) is closed."""
    twice = (
        "import pytest, sys\n"
        "args = ['-q', '-p', 'no:cacheprovider', 'tests/portal/test_request_logging.py']\n"
        "sys.exit(10 * int(pytest.main(args)) + int(pytest.main(args)))\n"
    )
    result = subprocess.run([sys.executable, "-c", twice], cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


FAILING_ASSERT = """
def test_a_wrong_value_is_caught():
    assert sum([1, 2]) == 4
"""


def test_with_the_arguments_mutmut_adds_a_failing_assert_still_fails_its_test(tmp_path):
    """Plain asserts (no rewriting) save most of a short mutant's run; a failing one must still fail its test, or
    every mutant would survive."""
    arguments = mutmut_setting("pytest_add_cli_args")
    test_file = tmp_path / "test_failing.py"
    test_file.write_text(FAILING_ASSERT, encoding="utf-8")
    result = subprocess.run(
        [*pytest_command(test_file), *arguments], cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    assert "--assert=plain" in arguments
    assert (result.returncode, "1 failed" in result.stdout) == (1, True), result.stdout


LANGUAGE_LEFT_BEHIND = """
from django.conf import settings
from django.utils import translation


def test_one_that_leaves_english_active():
    translation.activate("en")


def test_the_next_starts_in_the_default_language():
    assert translation.get_language() == settings.LANGUAGE_CODE
"""


def test_a_test_starts_in_the_default_language_whatever_the_one_before_left_active(tmp_path):
    """mutmut's clean run orders the tests its own way; a service's Chinese message read in English failed it."""
    test_file = tmp_path / "test_languages.py"
    test_file.write_text(LANGUAGE_LEFT_BEHIND, encoding="utf-8")
    command = pytest_command(test_file)
    # The star import of pytest_command's conftest leaves out the suite's private fixtures; this one is named.
    (tmp_path / "conftest.py").write_text("from tests.conftest import _default_language  # noqa: F401\n")
    result = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert "2 passed" in result.stdout, result.stdout
