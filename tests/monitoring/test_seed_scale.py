"""``manage.py seed_scale`` (issue 14 item 6): DESIGN §10's portfolio in proportion — here at 200 consortia — over
every authority and field, consistent where the pages read it, and refused where it must not run."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min
from django.utils import timezone

from annual_reports.models import AnnualReport, ReportStatus
from consortia.models import (
    Consortium,
    DishonestyRecord,
    Membership,
    ProvincialRecognition,
    Revocation,
    Submission,
    WorkflowEvent,
)
from consortia.states import FILED, Status
from monitoring.scale import JIANGNING, Volume
from portal.models import Authority, IndustryField, Organisation

SIZE = 200


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_scale", "--consortia", str(SIZE), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings, demo_users):
    settings.DEBUG = True  # pytest-django runs with DEBUG off, which the command refuses


@pytest.fixture
def seeded(debug) -> str:
    return seed()


def test_every_count_is_in_proportion_to_the_consortia(seeded):
    assert Consortium.objects.count() == SIZE
    assert Membership.objects.count() == 6 * SIZE
    assert AnnualReport.objects.count() == 3 * SIZE
    assert WorkflowEvent.objects.count() == 20 * SIZE
    # Every consortium has members of its own, none twice; the spread is around six.
    per_consortium = Membership.objects.values("consortium").annotate(n=Count("organisation", distinct=True))
    assert per_consortium.count() == SIZE
    sizes = per_consortium.aggregate(fewest=Min("n"), most=Max("n"))
    assert 3 <= sizes["fewest"] < 6 < sizes["most"] <= 10
    assert "consortia                      200" in seeded
    assert "annual reports                 600" in seeded


def test_every_authority_and_field_has_consortia_and_the_big_ones_more(seeded):
    by_authority = dict(Consortium.objects.values_list("lead_organisation__jurisdiction__code").annotate(n=Count("pk")))
    by_field = dict(Consortium.objects.values_list("field__code").annotate(n=Count("pk")))
    assert set(by_authority) == set(Authority.objects.values_list("code", flat=True))
    assert set(by_field) == set(IndustryField.objects.values_list("code", flat=True))
    assert by_authority[JIANGNING] == max(by_authority.values())
    assert by_authority[JIANGNING] > 3 * by_authority["320118"]  # 高淳区
    assert by_field["ai-software"] > 3 * by_field["synthetic-biology"]


def test_statuses_follow_the_plan_and_only_the_planned_district_review_is_in_jiangning(seeded):
    volume = Volume.of(SIZE)
    by_status = dict(Consortium.objects.values_list("status").annotate(n=Count("pk")))
    in_jiangning = Consortium.objects.filter(lead_organisation__jurisdiction__code=JIANGNING)
    assert in_jiangning.filter(status=Status.DISTRICT_REVIEW).count() == volume.jiangning_district_review
    for status, count in volume.plan.items():
        extra = volume.jiangning_district_review if status == Status.DISTRICT_REVIEW else 0
        assert by_status.get(status, 0) == count + extra, status
    today = timezone.localdate()
    assert not Consortium.objects.filter(status=Status.ACTIVE, end_date__lt=today).exists()
    assert not Consortium.objects.filter(status=Status.EXPIRED, end_date__gte=today).exists()
    assert not Consortium.objects.filter(status__in=FILED, filing_number=None).exists()


def test_reports_are_those_of_each_filed_consortiums_period_and_overdue_only_after_the_deadline(seeded):
    today = timezone.localdate()
    reports = AnnualReport.objects.select_related("campaign", "consortium")
    for report in reports:
        consortium, campaign = report.consortium, report.campaign
        assert consortium.status in FILED
        assert consortium.start_date.year <= campaign.year <= min(consortium.end_date, today).year
        if report.overdue_since:
            assert campaign.deadline < today and report.overdue_since > campaign.deadline
        elif campaign.deadline < today:
            assert report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
        assert (report.submitted_at is None) == (report.status == ReportStatus.TO_FILL)
    statuses = set(reports.values_list("status", flat=True))
    assert statuses == set(ReportStatus.values)
    assert reports.filter(overdue_since__isnull=False).exists()


def test_each_submission_describes_its_own_consortium_and_passed_the_rules(seeded):
    submitted = Consortium.objects.exclude(submitted_at=None)
    assert Submission.objects.values("consortium").distinct().count() == submitted.count()
    for submission in Submission.objects.select_related("consortium__lead_organisation"):
        consortium = submission.consortium
        assert submission.document["name"] == consortium.name
        assert submission.document["lead"]["uscc"] == consortium.lead_organisation.uscc
        members = set(consortium.memberships.values_list("organisation__uscc", flat=True))
        assert {member["uscc"] for member in submission.document["members"]} == members
        assert submission.eligibility["eligible"] is True


def test_recognitions_revocations_and_dishonesty_records(seeded):
    revoked = Consortium.objects.filter(status=Status.REVOKED)
    assert Revocation.objects.count() == revoked.count() > 0
    assert set(DishonestyRecord.objects.exclude(revocation=None).values_list("organisation", flat=True)) == set(
        revoked.values_list("lead_organisation", flat=True)
    )
    assert DishonestyRecord.objects.filter(revocation=None).count() == Volume.of(SIZE).member_records
    recognised = ProvincialRecognition.objects.select_related("consortium")
    assert recognised.count() == Volume.of(SIZE).recognitions
    assert all(r.consortium.filed_on < r.recognised_on < timezone.localdate() for r in recognised)


def test_refused_with_debug_off(settings, demo_users):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=0"):
        seed()
    assert not Consortium.objects.exists()


def test_refused_below_the_smallest_size(debug):
    with pytest.raises(CommandError, match="不能小于 100"):
        call_command("seed_scale", "--consortia", "99", stdout=io.StringIO())
    assert not Consortium.objects.exists()


def test_refused_on_a_database_with_consortia_unless_forced(seeded):
    with pytest.raises(CommandError, match=f"已有 {SIZE} 个联合体"):
        seed()
    assert Consortium.objects.count() == SIZE
    seed("--force", "--seed", "7")
    assert Consortium.objects.count() == 2 * SIZE
    assert AnnualReport.objects.count() == 6 * SIZE
    # Each year's filing numbers go on from where the first run left them: no gap, none twice.
    for year in Consortium.objects.exclude(filed_on=None).dates("filed_on", "year"):
        numbers = sorted(
            int(number.split("〕")[1].removesuffix("号"))
            for number in Consortium.objects.filter(filing_number__contains=f"〔{year.year}〕").values_list(
                "filing_number", flat=True
            )
        )
        assert numbers == list(range(1, len(numbers) + 1)), year
    assert Organisation.objects.values("uscc").distinct().count() == Organisation.objects.count()
