"""Eligibility engine throughput. Target: at least 5,000 evaluations a second on one core.

Filings of realistic size: a lead and 8 members, 5 research tasks, realistic Chinese text; about one in five breaks a
condition (a wrong check character, a period a day too long, no justification...), so failing paths are measured too.
Prints: evaluations per second (rules and priority indicators on a built filing), documents per second through
parse + schema validation + build, and the time of ``check_eligibility`` on a folder of 1,000 files, in process and
as a new process the way an operator runs it.

Run by ``python -m benchmarks`` (which sets up a throwaway database first).
"""

import contextlib
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import call_command

from benchmarks.pages import Figure
from consortia.eligibility import context_from_database, evaluate, read_filing
from portal.uscc import check_character

TARGET_PER_SECOND = 5000
EVALUATIONS = 20_000
DOCUMENTS = 2_000
FOLDER_FILES = 1_000
ROOT = Path(__file__).resolve().parent.parent

FIELDS = ["third-gen-semiconductors", "integrated-circuits", "robotics", "biomedicine", "new-materials", "smart-grid"]
DISTRICTS = ["320115", "320102", "320113", "320111", "320114", "320106", "JBXQ"]
ENTERPRISE_WORDS = ["芯源", "长江", "紫峰", "秦淮", "麒麟", "江北", "栖霞", "鼓楼", "浦江", "钟山", "玄武", "燕子矶"]
TRADES = ["半导体科技", "电子装备", "新材料", "智能装备", "生物医药", "电力自动化", "精密机械", "封测材料"]


def uscc(rng: random.Random, category: str = "91") -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = category + "320115" + "".join(rng.choice(alphabet) for _ in range(9))
    return first17 + check_character(first17)


def enterprise_member(rng: random.Random, number: int) -> dict:
    name = f"南京{rng.choice(ENTERPRISE_WORDS)}{rng.choice(TRADES)}有限公司{number}部"
    return {
        "name": name,
        "uscc": uscc(rng),
        "kind": "enterprise",
        "chain_position": rng.choice(["upstream", "midstream", "downstream"]),
        "independent_legal_entity": True,
        "capability": f"研发团队 {rng.randint(30, 300)} 人，建有省级工程技术研究中心，上一年研发投入 "
        f"{rng.randint(300, 5000)} 万元，拥有发明专利 {rng.randint(10, 200)} 项。",
        "role": "负责关键装备和核心零部件的国产化研制、工艺验证和批量应用。",
    }


def academic_member(rng: random.Random, kind: str) -> dict:
    return {
        "name": f"江苏{rng.choice(ENTERPRISE_WORDS)}{'理工大学' if kind == 'university' else '研究院'}",
        "uscc": uscc(rng, category="12"),
        "kind": kind,
        "chain_position": "n/a",
        "independent_legal_entity": True,
        "capability": f"研究团队 {rng.randint(20, 80)} 人，其中教授和研究员 {rng.randint(5, 20)} 人；"
        f"拥有 {rng.randint(500, 3000)} 平方米实验室和中试平台。",
        "role": "负责机理研究、器件结构设计和可靠性评价。",
    }


def task(rng: random.Random, number: int) -> dict:
    return {
        "title": f"关键核心技术攻关任务 {number}",
        "kind": rng.choice(["choke-point", "first-mover", "frontier"]),
        "objectives": "突破制约产业发展的关键工艺瓶颈，形成自主可控的成套技术并在成员企业产线完成批量验证。",
        "indicators": f"关键性能指标达到国际同类产品水平；申请发明专利 {rng.randint(5, 30)} 项；新增产值 "
        f"{rng.randint(1, 20)} 亿元。",
        "milestones": ["第一年：完成方案设计", "第二年：完成中试验证", "第三年：完成批量应用"],
    }


def generate_document(rng: random.Random, number: int) -> dict:
    members = [academic_member(rng, "university"), academic_member(rng, "institute")]
    members += [enterprise_member(rng, index) for index in range(6)]
    start_year = rng.choice([2026, 2027])
    document = {
        "format": "consortium-filing/1",
        "name": f"南京市{rng.choice(TRADES)}创新联合体（第 {number} 号）",
        "field": rng.choice(FIELDS),
        "technology_kinds": ["choke-point", "frontier"],
        "summary": "围绕产业链关键核心技术，联合上下游企业、高校和科研院所开展协同攻关。" * 3,
        "period": {"start": f"{start_year}-01-01", "end": f"{start_year + 2}-12-31"},
        "lead": {
            "name": f"南京{rng.choice(ENTERPRISE_WORDS)}{rng.choice(TRADES)}股份有限公司",
            "uscc": uscc(rng),
            "kind": "enterprise",
            "jurisdiction": rng.choice(DISTRICTS),
            "head": "陈志远",
            "revenue_prev_year": round(rng.uniform(2000, 90000), 2),
            "rd_expense_prev_year": round(rng.uniform(50, 5000), 2),
            "platform": None,
        },
        "members": members,
        "governance": {
            "council": True,
            "council_chair_is_lead_head": rng.random() > 0.2,
            "chief_experts": ["秦文博"],
            "advisory_committee": ["周立衡", "顾敏", "沈浩然"],
        },
        "tasks": [task(rng, index) for index in range(1, 6)],
        "agreement": {"attached": True, "signed_on": "2026-10-28", "all_parties_signed": True},
        "justifications": {},
    }
    flaw = rng.randrange(10)
    if flaw == 0:
        code = members[4]["uscc"]
        members[4]["uscc"] = code[:17] + ("0" if code[17] != "0" else "1")
    elif flaw == 1:
        document["period"]["end"] = f"{start_year + 3}-01-01"
    elif flaw == 2:
        document["members"] = members[2:]  # no university or institute, no justification
    return document


def documents(count: int, seed: int = 2026) -> list[str]:
    rng = random.Random(seed)
    return [json.dumps(generate_document(rng, number), ensure_ascii=False) for number in range(count)]


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s"


def bench_evaluations(context) -> Figure:
    texts = documents(500)
    filings = [read_filing(text) for text in texts]
    eligible = sum(evaluate(filing, context).eligible for filing in filings)
    started = time.perf_counter()
    for index in range(EVALUATIONS):
        evaluate(filings[index % len(filings)], context)
    seconds = time.perf_counter() - started
    per_second = EVALUATIONS / seconds
    verdict = "ok" if per_second >= TARGET_PER_SECOND else f"SLOWER than the {TARGET_PER_SECOND:,} /s target"
    print(
        f"evaluate: {EVALUATIONS:,} evaluations (lead + 8 members, 5 tasks; {eligible}/{len(filings)} distinct "
        f"filings eligible) in {seconds:.2f} s = {rate(EVALUATIONS, seconds)}, "
        f"{seconds / EVALUATIONS * 1e6:.0f} µs each — {verdict}"
    )
    return Figure("eligibility", "evaluations (lead + 8 members, 5 tasks)", per_second=per_second, verdict=verdict)


def bench_documents() -> Figure:
    texts = documents(DOCUMENTS, seed=7)
    started = time.perf_counter()
    for text in texts:
        read_filing(text)
    seconds = time.perf_counter() - started
    print(f"read_filing (parse + schema validation + build): {DOCUMENTS:,} documents = {rate(DOCUMENTS, seconds)}")
    return Figure("eligibility", "read_filing (parse, validate, build)", per_second=DOCUMENTS / seconds)


def bench_command_on_a_folder() -> Figure:
    with tempfile.TemporaryDirectory(prefix="filings-") as folder:
        paths = []
        for number, text in enumerate(documents(FOLDER_FILES, seed=11)):
            path = Path(folder) / f"filing-{number:04d}.json"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        for flags in ([], ["--json"]):
            started = time.perf_counter()
            status = _call(*flags, *paths)
            seconds = time.perf_counter() - started
            print(
                f"check_eligibility {' '.join(flags) or '(table)'} on {FOLDER_FILES:,} files, in process: "
                f"{seconds:.2f} s (exit {status})"
            )
        started = time.perf_counter()
        process = subprocess.run(
            [sys.executable, "manage.py", "check_eligibility", "--json", *paths],
            cwd=ROOT,
            env=os.environ.copy(),
            capture_output=True,
            timeout=600,
        )
        seconds = time.perf_counter() - started
        lines = process.stdout.count(b"\n")
        print(
            f"check_eligibility --json on {FOLDER_FILES:,} files, new process with Django start-up: {seconds:.2f} s "
            f"(exit {process.returncode}, {lines:,} lines)"
        )
    return Figure("eligibility", f"check_eligibility --json, {FOLDER_FILES:,} files", seconds=seconds)


def _call(*args) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            call_command("check_eligibility", *args, stdout=io.StringIO(), stderr=io.StringIO())
        except SystemExit as exit:
            return exit.code
    return 0


def main() -> list[Figure]:
    context = context_from_database()
    return [bench_evaluations(context), bench_documents(), bench_command_on_a_folder()]
