"""The review page's comparison of a resubmission with the submission before it, row by row (issue 12)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from consortia.models import Consortium, Membership
from consortia.services import submit_filing
from reviews.services import review_filing
from tests.factories import organisation

pytestmark = pytest.mark.django_db


def row_cells(page: str, kind: str, key: str) -> list[tuple[str, str, str]]:
    """The (field, old, new) cells of the comparison's row ``key``, which must be marked ``kind``."""
    row = re.search(rf'<tbody data-row="{kind}" data-key="{re.escape(key)}">(.*?)</tbody>', page, re.S).group(1)
    cell = r'<tr data-field="([^"]+)">.*?data-value="old">(.*?)</td>.*?data-value="new">(.*?)</td>'
    return re.findall(cell, row)


def test_the_comparison_marks_each_added_or_changed_member_and_task_with_old_beside_new(submitted, demo_users):
    review_filing(
        consortium_id=submitted.pk,
        actor=demo_users["jiangning"],
        decision="return",
        comment="请调整参与单位和任务。",
        expected_status="district_review",
    )
    changed = submitted.memberships.select_related("organisation").order_by("pk").last()
    submitted.memberships.filter(pk=changed.pk).update(role="负责器件封装。")
    added = organisation(2000, name="示范封装公司")
    Membership.objects.create(
        consortium=submitted,
        organisation=added,
        independent_legal_entity=True,
        capability="封装线一条。",
        role="封装。",
    )
    submitted.tasks.update(indicators="HTGB 1000 小时无失效。")
    submit_filing(consortium_id=submitted.pk, actor=demo_users["lead-a"])
    client = Client()
    client.force_login(demo_users["jiangning"])
    page = client.get(reverse("reviews:review", args=[submitted.pk])).content.decode()

    sections = re.findall(r'data-section="(\w+)" data-changed="(\w+)"', page)
    assert [s for s, changed in sections if changed == "yes"] == ["members", "tasks"]
    assert row_cells(page, "changed", f"{changed.organisation.name}（{changed.organisation.uscc}）") == [
        ("承担的实质性研发工作", "负责材料研究。", "负责器件封装。")
    ]
    assert row_cells(page, "added", f"示范封装公司（{added.uscc}）") == [
        ("单位名称", "—", "示范封装公司"),
        ("单位类型", "—", "企业"),
        ("产业链位置", "—", "不适用"),
        ("独立法人", "—", "是"),
        ("研发能力或科研团队与实验条件", "—", "封装线一条。"),
        ("承担的实质性研发工作", "—", "封装。"),
    ]
    assert row_cells(page, "changed", "栅氧可靠性攻关") == [("考核指标", "—", "HTGB 1000 小时无失效。")]
    assert Consortium.objects.get(pk=submitted.pk).submissions.count() == 2
