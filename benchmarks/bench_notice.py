"""Rendering time of a one-page filing notice (备案通知书) and of a four-member application form (备案申报书, several
pages). Target: under 2 s a document on one core.

Run by ``python -m benchmarks`` (after django.setup()); prints the median and the slowest of ten renders of each.
"""

import hashlib
import json
import logging
import statistics
import time
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks.pages import Figure
from reviews.notice import NoticeData, notice_sha256, render_filing_notice

RUNS = 10
TARGET_SECONDS = 2.0

NOTICE = NoticeData(
    filing_number="宁创联备〔2026〕007号",
    consortium_name="南京市第三代半导体器件创新联合体",
    lead_unit_name="南京芯晶半导体科技股份有限公司",
    member_names=["南京大学", "东南大学", "江苏第三代半导体研究院有限公司", "中国电子科技集团公司第五十五研究所"],
    industry_field_name="第三代半导体",
    start_date=date(2026, 12, 1),
    end_date=date(2029, 11, 30),
    filed_on=date(2026, 11, 25),
)


EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "enterprise-led-eligible.json"


def example_submission():
    """An unsaved submission of the documented example filing (four members, three tasks), its details filled in as
    ``snapshots.filing_details`` would and its eligibility evaluated against this database, as at submission."""
    from consortia.eligibility import context_from_database, evaluate, filing_from_document
    from consortia.models import Submission
    from consortia.services import evaluation_record
    from portal.models import User

    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    units = [document["lead"]["name"], *(member["name"] for member in document["members"])]
    details = {
        "goals": document["summary"],
        "council_chair": document["lead"]["head"],
        "operating_mechanism": "理事会每季度召开一次；知识产权按投入比例共享，收益按约定分配。",
        "tasks": [
            {
                "title": task["title"],
                "milestones": "第一年完成方案验证；第二年样品；第三年批量。",
                "responsible_units": units[:2],
            }
            for task in document["tasks"]
        ],
        "funding": [
            {"organisation": unit, "year": year, "self_raised": 120.5, "government": 30, "financial": 10.25}
            for unit in units
            for year in (2027, 2028, 2029)
        ],
        "documents": [
            {
                "id": n,
                "kind": "other",
                "name": f"附件{n}.pdf",
                "size": 2048 * n,
                "sha256": hashlib.sha256(bytes([n])).hexdigest(),
            }
            for n in range(1, 5)
        ],
    }
    evaluation = evaluate(filing_from_document(document), context_from_database())
    return Submission(
        number=1,
        submitted_at=datetime(2026, 11, 2, 1, 30, tzinfo=UTC),
        submitted_by=User(username="lead", first_name="陈志远"),
        document=document,
        details=details,
        eligibility=evaluation_record(evaluation),
    )


def timed(label: str, render) -> Figure:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        pdf = render()
        timings.append(time.perf_counter() - started)
    median, slowest = statistics.median(timings), max(timings)
    verdict = "ok" if median < TARGET_SECONDS else f"SLOWER than the {TARGET_SECONDS:.0f} s target"
    print(
        f"{label}: {RUNS} renders, median {median:.3f} s, max {slowest:.3f} s, "
        f"{len(pdf) / 1024:.0f} kB, sha256 {notice_sha256(pdf)[:12]} — {verdict}"
    )
    return Figure("notice", f"{label} (median of {RUNS})", seconds=median, verdict=verdict)


def main() -> list[Figure]:
    from consortia.application_form import render_application_form

    # WeasyPrint reports each layout step at INFO; ten renders of that would bury the result.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    notice = timed("filing notice", lambda: render_filing_notice(NOTICE))
    submission = example_submission()
    return [notice, timed("application form", lambda: render_application_form(submission))]


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    main()
