"""Rendering time of a one-page filing notice (备案通知书). Target: under 2 s a notice on one core.

Run by ``python -m benchmarks`` (after django.setup()); prints the median and the slowest of ten renders.
"""

import logging
import statistics
import time
from datetime import date

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


def main() -> None:
    # WeasyPrint reports each layout step at INFO; ten renders of that would bury the result.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        pdf = render_filing_notice(NOTICE)
        timings.append(time.perf_counter() - started)
    median, slowest = statistics.median(timings), max(timings)
    verdict = "ok" if median < TARGET_SECONDS else f"SLOWER than the {TARGET_SECONDS:.0f} s target"
    print(
        f"filing notice: {RUNS} renders, median {median:.3f} s, max {slowest:.3f} s, "
        f"{len(pdf) / 1024:.0f} kB, sha256 {notice_sha256(pdf)[:12]} — {verdict}"
    )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    main()
