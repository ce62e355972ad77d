"""A row of the portfolio list and of its members sheet at their edges (issue 14 items 2 and 3): a filing revised
after more than one submission shows its latest, with that submission's field; no current member counts zero; a
lead unit with no jurisdiction has no authority; a name in Latin letters is found by any part of it; members are
listed in the order they joined, whoever was entered first; a filing not yet filed lists every member it has had."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from consortia.models import Consortium, Membership, Submission
from consortia.states import Status
from monitoring.selectors import portfolio as portfolio_of
from monitoring.selectors import portfolio_rows
from portal.models import IndustryField
from tests.factories import organisation, submitted_filing
from tests.lifecycle import factories

pytestmark = pytest.mark.django_db

URL = reverse("monitoring:portfolio")


def rows_of(user, **filters) -> list:
    return list(portfolio_rows(portfolio_of(user).filter(**filters)))


def test_a_filing_revised_after_two_submissions_shows_the_latest_with_its_field(demo_users):
    lead, city = demo_users["lead-a"], demo_users["city"]
    revised = submitted_filing(lead_user=lead, name="第一次提交的名称", seed=7600)
    first = Submission.objects.get(consortium=revised)
    biomedicine = IndustryField.objects.get(code="biomedicine")
    Submission.objects.create(
        consortium=revised,
        number=2,
        submitted_by=lead,
        document={**first.document, "name": "第二次提交的名称", "field": biomedicine.code},
        eligibility={},
    )
    Consortium.objects.filter(pk=revised.pk).update(status=Status.RETURNED, name="未提交的名称")

    (row,) = rows_of(city, pk=revised.pk)
    assert (row.name, row.field) == ("第二次提交的名称", "生物医药")
    assert row.members == len(first.document["members"]) == len(row.members_submitted)


def test_a_submission_without_a_name_or_field_shows_the_filings_name_and_no_field(demo_users):
    lead = demo_users["lead-a"]
    revised = submitted_filing(lead_user=lead, name="备案名称", seed=7650)
    first = Submission.objects.get(consortium=revised)
    Submission.objects.create(
        consortium=revised,
        number=2,
        submitted_by=lead,
        document={**first.document, "name": "", "field": None, "technology_kinds": ["frontier", "unknown-kind"]},
        eligibility={},
    )
    Consortium.objects.filter(pk=revised.pk).update(status=Status.WITHDRAWN)

    (row,) = rows_of(demo_users["city"], pk=revised.pk)
    assert (row.name, row.field, row.technology_kinds) == ("备案名称", None, ["引领未来发展的基础前沿技术"])


def test_a_draft_never_submitted_shows_its_live_facts_to_an_administrator(demo_users):
    from tests.factories import complete_filing

    draft = complete_filing(lead_user=demo_users["lead-a"], name="尚未提交的草稿", seed=7660)
    (row,) = rows_of(demo_users["admin"], pk=draft.pk)
    # The code for the API's rows (api.serializers), the label for the list and the sheets.
    assert (row.name, row.members_submitted, row.status, row.status_label) == ("尚未提交的草稿", None, "draft", "草稿")
    assert row.members == Membership.objects.filter(consortium=draft, left_on__isnull=True).count()


def test_a_consortium_whose_members_all_left_counts_none(demo_users):
    member = factories.organisation()
    consortium = factories.active_consortium(lead=demo_users["lead-a"], end_date=date(2028, 1, 1), members=[member])
    Membership.objects.filter(consortium=consortium).update(left_on=date(2026, 2, 1))
    (row,) = rows_of(demo_users["city"], pk=consortium.pk)
    assert row.members == 0


def test_each_row_counts_its_own_current_members(demo_users):
    lead = demo_users["lead-a"]
    one = factories.active_consortium(lead=lead, end_date=date(2028, 1, 1), members=[factories.organisation()])
    three = [factories.organisation() for _ in range(3)]
    two = factories.active_consortium(lead=lead, end_date=date(2028, 1, 2), members=three)
    Membership.objects.filter(consortium=two, organisation=three[0]).update(left_on=date(2026, 2, 1))
    none = factories.active_consortium(lead=lead, end_date=date(2028, 1, 3))

    rows = rows_of(demo_users["city"], pk__in=[one.pk, two.pk, none.pk])

    assert {row.pk: row.members for row in rows} == {one.pk: 1, two.pk: 2, none.pk: 0}


def test_a_lead_unit_without_a_jurisdiction_has_no_authority_on_its_row(demo_users):
    lead = factories.lead_user(factories.organisation(name="无属地的牵头单位"))
    consortium = factories.active_consortium(lead=lead, end_date=date(2028, 1, 1))
    (row,) = rows_of(demo_users["admin"], pk=consortium.pk)
    assert (row.lead_name, row.authority, row.recognised_on, row.field) == ("无属地的牵头单位", None, None, None)


def test_a_name_in_latin_letters_is_found_by_any_part_of_it(demo_users, login):
    """Also a part made only of letters a USCC could hold ("acme"): it is looked for in names as well as USCCs."""
    member = factories.organisation(name="Acme Zijin Photonics Co., Ltd.")
    consortium = factories.active_consortium(lead=demo_users["lead-a"], end_date=date(2028, 1, 1), members=[member])
    client = login(demo_users["city"])
    for text in ("acme", "ACME", "photonics", "ZIJIN", "Co., Ltd"):
        names = [row.name for row in client.get(URL, {"q": text}).context["page"].object_list]
        assert names == [consortium.name], text


def members_sheet(client, params) -> list[list[str]]:
    response = client.get(URL, {**params, "export": "csv", "sheet": "members"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))[1:]


def test_members_are_listed_in_the_order_they_joined_not_the_order_they_were_entered(demo_users, login):
    early, late, undated = (factories.organisation(name=name) for name in ("后加入的单位", "先加入的单位", "无日期"))
    consortium = factories.active_consortium(
        lead=demo_users["lead-a"], end_date=date(2028, 1, 1), members=[early, late, undated]
    )
    Membership.objects.filter(consortium=consortium, organisation=early).update(joined_on=date(2026, 9, 1))
    Membership.objects.filter(consortium=consortium, organisation=late).update(joined_on=date(2026, 3, 1))
    rows = members_sheet(login(demo_users["city"]), {"q": consortium.name})
    assert [row[2] for row in rows] == ["无日期", "先加入的单位", "后加入的单位"]


def test_a_filing_not_yet_filed_lists_every_member_it_has_had(demo_users, login):
    in_review = submitted_filing(lead_user=demo_users["lead-b"], name="审核中的联合体", seed=7680)
    Consortium.objects.filter(pk=in_review.pk).update(status=Status.CITY_REVIEW)
    leaving = organisation(7690, name="审核中退出的单位")
    Membership.objects.create(consortium=in_review, organisation=leaving, left_on=date(2026, 4, 1))
    rows = members_sheet(login(demo_users["city"]), {"q": "审核中的联合体"})
    assert [row[2:] for row in rows if row[2] == "审核中退出的单位"] == [
        ["审核中退出的单位", leaving.uscc, "企业", "", "", "2026-04-01"]
    ]
    assert len(rows) == Membership.objects.filter(consortium=in_review).count()
