"""The inbox's previews (portal/templatetags/previews.py): shortened at a pause, never inside a date, a number or a
filing number, where ``truncatechars`` cuts at any character."""

import re

import pytest
from django.template import Context, Template
from django.template.defaultfilters import truncatechars
from django.urls import reverse

from portal import services
from portal.templatetags.previews import preview

APPROVAL = (
    "南京市科学技术局 对“南京市新一代人工智能创新联合体”的备案申请作出决定：准予备案。"
    "备案编号：宁创联备〔2026〕001号，建设期 2026-12-01 至 2029-11-30。可在平台下载备案通知书。"
)
REMINDER = "“南京市生物医药创新联合体”（备案编号 宁创联备〔2025〕012号）的建设期将于 2026-03-31 届满，还有 30 天。"
FIGURES = "财政资助 1,500.5 万元，自筹 3,000 万元，占比 33.3%，依《指引》（宁科规〔2025〕2号）执行。"
# What must stay whole wherever a preview ends.
WHOLE = re.compile(r"\d{4}-\d{2}-\d{2}|[\u4e00-\u9fff]{2,4}〔\d{4}〕\d+号|\d[\d,.]*%?")


def cut_inside(original: str, shortened: str) -> list[str]:
    """The dates, numbers and filing numbers of ``original`` that ``shortened`` splits."""
    kept = len(shortened.removesuffix("…"))
    return [m.group() for m in WHOLE.finditer(original) if m.start() < kept < m.end()]


@pytest.mark.parametrize("text", [APPROVAL, REMINDER, FIGURES])
@pytest.mark.parametrize("length", range(8, 110))
def test_a_preview_never_splits_a_date_a_number_or_a_filing_number(text, length):
    shortened = preview(text, length)
    assert len(shortened) <= length
    assert text.startswith(shortened.removesuffix("…"))
    assert cut_inside(text, shortened) == []


@pytest.mark.parametrize(
    ("text", "length", "expected"),
    [
        # truncatechars would give "…备案编号：宁创联备〔20…" and "…建设期 2026-1…".
        (APPROVAL, 56, "南京市科学技术局 对“南京市新一代人工智能创新联合体”的备案申请作出决定：准予备案。备案编号…"),
        (APPROVAL, 72, APPROVAL[: APPROVAL.index("001号") + 4] + "，建设期…"),
        (APPROVAL, 80, APPROVAL[: APPROVAL.index(" 2029")] + "…"),
        (REMINDER, 30, "“南京市生物医药创新联合体”（备案编号…"),
        (FIGURES, 12, "财政资助…"),
        # No pause before the allowance: a Chinese word may be cut, a token never.
        ("江苏省南京市玄武区珠江路一二三四五六七八九十号科技大厦", 12, "江苏省南京市玄武区珠江…"),
        ("一二三四五六七八九2026-12-01", 15, "一二三四五六七八九…"),
    ],
)
def test_a_preview_ends_at_the_last_pause(text, length, expected):
    assert preview(text, length) == expected
    assert truncatechars(text, length) != expected


def test_a_short_text_is_kept_with_its_white_space_folded():
    assert preview("意见或理由：\n  请补充组建协议。", 80) == "意见或理由： 请补充组建协议。"


def test_a_single_token_longer_than_the_allowance_is_cut_inside():
    assert preview("62220213800138000123", 12) == "62220213800…"


def test_a_length_that_is_not_a_number_leaves_the_text_alone():
    assert preview("请登录平台进行初审。", "many") == "请登录平台进行初审。"


def test_the_filter_output_is_escaped_in_a_template():
    rendered = Template("{% load previews %}{{ body|preview:40 }}").render(Context({"body": "<b>加粗</b>：正文"}))
    assert rendered == "&lt;b&gt;加粗&lt;/b&gt;：正文"


@pytest.mark.django_db
def test_the_inbox_shows_the_filing_number_whole(client, demo_users):
    # The filing number straddles the 80th character, where truncatechars cuts.
    body = "经江宁区科技局初审推荐、市科技局审核，现将结果通知如下：" + APPROVAL
    lead = demo_users["lead-a"]
    services.notify(recipients=[lead], subject="备案审核结果：准予备案", body=body)
    client.force_login(lead)

    page = client.get(reverse("inbox")).content.decode()

    assert "宁创联备〔2026〕001号" not in truncatechars(body, 80)
    assert f"{body[: body.index('：宁创联备')]}…" in page
