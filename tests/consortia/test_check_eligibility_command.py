"""``manage.py check_eligibility``: documented exit statuses, DESIGN §9's JSON, clear messages for bad input."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consortia.models import EligibilityThresholds

from .builders import RULE_ORDER

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


def documented_exit_statuses() -> dict[str, int]:
    """The examples table of docs/eligibility.md: | `file.json` | what it shows | exit |."""
    text = (ROOT / "docs" / "eligibility.md").read_text(encoding="utf-8")
    section = text.split("## Examples", 1)[1]
    return {name: int(code) for name, code in re.findall(r"^\| `([\w.-]+\.json)` \|.*\| (\d) \|$", section, re.M)}


def run(*args, stdin=None):
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("check_eligibility", *args, stdout=stdout, stderr=stderr, stdin=stdin)
        status = 0
    except SystemExit as exit:
        status = exit.code
    return status, stdout.getvalue(), stderr.getvalue()


def test_every_example_is_documented():
    assert sorted(documented_exit_statuses()) == sorted(path.name for path in EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("name, expected", sorted(documented_exit_statuses().items()))
def test_each_example_gives_its_documented_exit_status(reference_data, name, expected):
    status, stdout, stderr = run(str(EXAMPLES / name))
    assert status == expected, stdout + stderr
    assert "Traceback" not in stdout + stderr


def test_the_table_names_every_rule_and_the_verdict(reference_data):
    status, stdout, _ = run(str(EXAMPLES / "bad-member-uscc.json"))
    assert status == 1
    assert "结论：不符合备案条件" in stdout
    for code in RULE_ORDER:
        assert code in stdout
    assert "参与单位“南京长江电子装备有限公司”的统一社会信用代码 91320113MA1T6FD2PB 无效" in stdout
    assert "研发投入强度 5.96%" in stdout
    assert "所用阈值：参与单位不少于 2 家" in stdout


def test_json_output_matches_design_section_9_field_for_field(reference_data):
    status, stdout, stderr = run("--json", str(EXAMPLES / "no-academic-member-justified.json"))
    assert (status, stderr) == (0, "")
    lines = stdout.splitlines()
    assert len(lines) == 1
    output = json.loads(lines[0])
    assert list(output) == ["eligible", "results", "priority"]
    assert output["eligible"] is True
    assert [result["code"] for result in output["results"]] == RULE_ORDER
    for result in output["results"]:
        assert list(result) == ["code", "clause", "severity", "outcome", "message"]
        assert result["severity"] in {"block", "justify", "advise"}
        assert result["outcome"] in {"pass", "fail", "justified"}
    by_code = {result["code"]: result for result in output["results"]}
    assert by_code["ACADEMIC_MEMBER"] | {"message": ""} == {
        "code": "ACADEMIC_MEMBER",
        "clause": "三（五）",
        "severity": "justify",
        "outcome": "justified",
        "message": "",
    }
    assert by_code["GOVERNANCE"]["outcome"] == "fail"
    assert by_code["GOVERNANCE"]["severity"] == "advise"
    assert output["priority"] == {
        "lead_kind": "enterprise",
        "revenue_prev_year": 18600,
        "rd_expense_prev_year": 980,
        "rd_intensity_percent": 5.27,
        "rd_intensity_band": {"revenue_above": 5000, "revenue_up_to": 20000, "min_percent": 4},
        "rd_intensity_meets_band": True,
        "platform_level": None,
        "platform_category": None,
    }


def test_json_output_is_stable_between_runs(reference_data):
    first = run("--json", str(EXAMPLES / "period-too-long.json"))
    second = run("--json", str(EXAMPLES / "period-too-long.json"))
    assert first == second
    assert first[0] == 1


def test_several_files_give_one_json_object_per_line_in_order(reference_data):
    names = ["platform-led-eligible.json", "period-too-long.json", "enterprise-led-eligible.json"]
    status, stdout, _ = run("--json", *(str(EXAMPLES / name) for name in names))
    assert status == 1
    outputs = [json.loads(line) for line in stdout.splitlines()]
    assert [output["eligible"] for output in outputs] == [True, False, True]
    assert outputs[0]["priority"]["platform_category"] == "manufacturing-innovation-centre"


def test_a_dash_reads_standard_input(reference_data):
    text = (EXAMPLES / "repeated-uscc.json").read_text(encoding="utf-8")
    status, stdout, _ = run("--json", "-", stdin=io.StringIO(text))
    assert status == 1
    legal = next(r for r in json.loads(stdout)["results"] if r["code"] == "LEGAL_ENTITY")
    assert legal["outcome"] == "fail"
    assert "91320113MA1T6FD2PA 重复出现 2 次" in legal["message"]


def test_invalid_input_names_the_file_and_the_offending_path_and_exits_2(reference_data):
    path = str(EXAMPLES / "invalid-member-kind.json")
    status, stdout, stderr = run(path)
    assert status == 2
    assert stdout == ""
    assert stderr.strip() == f"{path}: members[2].kind: 必须是 enterprise、university、institute、platform、other 之一"


def test_text_that_is_not_json_is_reported_with_its_line(reference_data):
    status, _, stderr = run(str(EXAMPLES / "not-json.json"))
    assert status == 2
    assert "not-json.json: $: 不是有效的 JSON：第 " in stderr


def test_a_missing_file_is_unreadable_input(reference_data, tmp_path):
    status, _, stderr = run(str(tmp_path / "nowhere.json"))
    assert status == 2
    assert "nowhere.json: 无法读取：文件不存在" in stderr


def test_a_file_that_is_not_utf8_is_unreadable_input(reference_data, tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes('{"name": "南京"}'.encode("gbk"))
    status, _, stderr = run(str(path))
    assert status == 2
    assert "不是 UTF-8 编码的文本" in stderr


def test_a_byte_order_mark_is_accepted(reference_data, tmp_path):
    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "enterprise-led-eligible.json").read_bytes())
    assert run(str(path))[0] == 0


def test_invalid_input_wins_over_ineligible_input_and_the_valid_files_are_still_reported(reference_data):
    status, stdout, stderr = run("--json", str(EXAMPLES / "period-too-long.json"), str(EXAMPLES / "not-json.json"))
    assert status == 2
    assert json.loads(stdout)["eligible"] is False
    assert "not-json.json" in stderr


def test_the_command_reads_the_current_thresholds(reference_data):
    EligibilityThresholds.objects.filter(pk=1).update(members_min=5)
    status, stdout, _ = run("--json", str(EXAMPLES / "enterprise-led-eligible.json"))
    assert status == 1
    assert json.loads(stdout)["results"][0]["outcome"] == "fail"


def test_the_command_stores_nothing(reference_data):
    with CaptureQueriesContext(connection) as queries:
        run(*(str(path) for path in sorted(EXAMPLES.glob("*.json"))))
    statements = [query["sql"].lstrip().split()[0].upper() for query in queries.captured_queries]
    assert statements
    assert set(statements) <= {"SELECT"}


def test_the_real_command_line_prints_no_traceback_for_invalid_input(tmp_path):
    # The whole door: a new process, as an operator runs it. Invalid input never needs the database.
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", VAR_DIR=str(tmp_path / "var"))
    process = subprocess.run(
        [sys.executable, "manage.py", "check_eligibility", str(EXAMPLES / "not-json.json"), "-"],
        cwd=ROOT,
        env=env,
        input='{"format": "consortium-filing/1", "members": [{"kind": "company"}]}',
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
    assert "not-json.json: $: 不是有效的 JSON" in process.stderr
    assert "（标准输入）: members[0].kind: 必须是 enterprise" in process.stderr
    assert process.stdout == ""


def test_the_real_command_line_on_a_migrated_database(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}", VAR_DIR=str(tmp_path / "var"))

    def manage(*args, stdin=None):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert manage("migrate", "--noinput").returncode == 0
    assert manage("load_reference_data").returncode == 0
    eligible = manage("check_eligibility", "-", stdin=(EXAMPLES / "platform-led-eligible.json").read_text("utf-8"))
    assert (eligible.returncode, eligible.stderr) == (0, "")
    assert "结论：符合备案条件" in eligible.stdout
    too_long = manage("check_eligibility", "--json", str(EXAMPLES / "period-too-long.json"))
    assert too_long.returncode == 1
    assert json.loads(too_long.stdout)["results"][RULE_ORDER.index("PERIOD")]["outcome"] == "fail"
