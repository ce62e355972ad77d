"""The read side of review (``reviews.selectors``), called directly: which consortia an officer's queue holds and
in how many queries, the submission count and submitted name of each row, the status tabs' counts, and the
dishonesty records a reviewer is shown for a submission's units."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from consortia.eligibility.context import DishonestyRecord as RecordInForce
from consortia.models import Consortium, DishonestyRecord, Submission
from portal.models import IndustryField
from reviews.selectors import records_in_force, review_queue, status_counts, with_submission_counts
from tests.factories import organisation

pytestmark = pytest.mark.django_db


def filed(name: str, *, lead_user, status="district_review") -> Consortium:
    """A consortium in ``status``; one in draft was never submitted."""
    return Consortium.objects.create(
        name=name,
        lead_organisation=lead_user.organisation,
        created_by=lead_user,
        status=status,
        field=IndustryField.objects.get(code="integrated-circuits"),
        submitted_at=None if status == "draft" else timezone.now(),
    )


def submission(consortium: Consortium, number: int, name: str) -> Submission:
    return Submission.objects.create(
        consortium=consortium,
        number=number,
        submitted_by=consortium.created_by,
        document={"name": name},
        eligibility={},
    )


@pytest.fixture
def queues(demo_users):
    """Two filings of a Jiangning lead unit, one of a Xuanwu lead unit, and a Jiangning draft."""
    return {
        "jiangning": filed("江宁甲", lead_user=demo_users["lead-a"]),
        "jiangning-city": filed("江宁乙", lead_user=demo_users["lead-a"], status="city_review"),
        "xuanwu": filed("玄武甲", lead_user=demo_users["lead-b"]),
        "draft": filed("江宁草稿", lead_user=demo_users["lead-a"], status="draft"),
    }


def test_the_queue_holds_what_the_officer_may_see_with_its_field_and_district_in_one_query(
    demo_users, queues, django_assert_num_queries
):
    with django_assert_num_queries(1):
        rows = sorted(
            (c.name, c.field.code, c.lead_organisation.jurisdiction.code) for c in review_queue(demo_users["jiangning"])
        )
    assert rows == [("江宁乙", "integrated-circuits", "320115"), ("江宁甲", "integrated-circuits", "320115")]
    assert sorted(c.name for c in review_queue(demo_users["city"])) == ["江宁乙", "江宁甲", "玄武甲"]


def test_each_row_counts_its_submissions_and_shows_the_name_of_the_latest(
    demo_users, queues, django_assert_num_queries
):
    """The latest is the highest number, whatever order the rows were written in; a filing never submitted shows
    its own name."""
    once, thrice = queues["jiangning"], queues["xuanwu"]
    submission(once, 1, "江宁甲（提交时）")
    submission(thrice, 1, "玄武第一次")
    submission(thrice, 3, "玄武第三次")
    submission(thrice, 2, "玄武第二次")
    consortia = list(Consortium.objects.filter(pk__in=[once.pk, thrice.pk, queues["jiangning-city"].pk]).order_by("pk"))

    with django_assert_num_queries(1):
        rows = with_submission_counts(consortia)

    assert [(c.name, c.submission_count, c.submitted_name) for c in rows] == [
        ("江宁甲", 1, "江宁甲（提交时）"),
        ("江宁乙", 0, "江宁乙"),
        ("玄武甲", 3, "玄武第三次"),
    ]


def test_a_queryset_of_rows_is_read_once_and_an_empty_page_costs_nothing_more(
    demo_users, queues, django_assert_num_queries
):
    submission(queues["xuanwu"], 1, "玄武")
    rows = with_submission_counts(Consortium.objects.filter(pk=queues["xuanwu"].pk))
    assert [(c.name, c.submission_count, c.submitted_name) for c in rows] == [("玄武甲", 1, "玄武")]
    with django_assert_num_queries(0):
        assert with_submission_counts([]) == []


def test_the_status_tabs_count_the_consortia_in_each_status(demo_users, queues):
    filed("玄武乙", lead_user=demo_users["lead-b"], status="city_review")
    filed("玄武丙", lead_user=demo_users["lead-b"], status="city_review")
    assert status_counts(review_queue(demo_users["city"])) == {"district_review": 2, "city_review": 3}
    assert status_counts(review_queue(demo_users["jiangning"])) == {"district_review": 1, "city_review": 1}
    assert status_counts(Consortium.objects.none()) == {}


def test_a_reviewer_sees_the_records_in_force_today_for_the_lead_unit_and_each_member(demo_users, submitted):
    """Reason and term, for the units of the submission; a record begun after it was submitted counts, one not yet
    begun, one ended early, one past its term and one of a unit outside the consortium do not."""
    city = demo_users["city"]
    today = date(2026, 12, 1)
    lead = demo_users["lead-a"].organisation
    university, company = (m.organisation for m in submitted.memberships.order_by("id"))
    outsider = organisation(4242, name="局外单位")

    def record(unit, reason, **fields):
        DishonestyRecord.objects.create(
            organisation=unit, reason=reason, recorded_by=city, **{"valid_from": date(2026, 1, 1), **fields}
        )

    record(lead, "虚报材料", valid_until=date(2027, 12, 31))
    record(company, "挪用经费", valid_from=today)
    record(company, "尚未开始", valid_from=today + timedelta(days=1))
    record(university, "已提前终止", ended_on=today, end_reason="复核撤销", ended_by=city)
    record(university, "已过期", valid_until=today - timedelta(days=1))
    record(university, "长期有效")
    record(outsider, "不相干")

    found = records_in_force(submitted.submissions.get(), today=today)

    assert sorted(found, key=lambda r: r.reason) == sorted(
        [
            RecordInForce(uscc=lead.uscc, name=lead.name, reason="虚报材料", until=date(2027, 12, 31)),
            RecordInForce(uscc=company.uscc, name=company.name, reason="挪用经费", until=None),
            RecordInForce(uscc=university.uscc, name=university.name, reason="长期有效", until=None),
        ],
        key=lambda r: r.reason,
    )
    # The day matters: before the company's record began, only the others.
    earlier = records_in_force(submitted.submissions.get(), today=today - timedelta(days=1))
    assert sorted(r.reason for r in earlier) == sorted(["已过期", "已提前终止", "虚报材料", "长期有效"])
