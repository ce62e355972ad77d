"""The tables themselves refuse what must never be stored, whoever writes: negative amounts, a second report of a
consortium for the same year, a deadline before the period, a change to a submitted snapshot."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from annual_reports.models import AnnualReport, ReportCampaign, ReportJointProject, ReportReturn, ReportSubmission

pytestmark = pytest.mark.django_db


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_amounts_are_never_negative(report):
    line = report.funding_lines.get()
    organisation = line.organisation

    for field in ("planned", "received", "spent_research", "spent_equipment", "spent_personnel", "spent_other"):
        setattr(line, field, Decimal("-0.01"))
        assert refused(line.save), field
        line.refresh_from_db()
    assert refused(lambda: ReportReturn.objects.create(report=report, organisation=organisation, amount=-1))
    assert refused(lambda: ReportJointProject.objects.create(report=report, title="x", units="y", amount=-1))
    assert not refused(lambda: ReportReturn.objects.create(report=report, organisation=organisation, amount=0))


def test_one_report_per_consortium_and_year_and_one_funding_line_per_unit(report):
    assert refused(lambda: AnnualReport.objects.create(campaign=report.campaign, consortium=report.consortium))
    line = report.funding_lines.get()
    assert refused(lambda: report.funding_lines.create(organisation=line.organisation))


def test_a_campaign_is_one_per_year_with_its_deadline_in_order(report):
    assert refused(
        lambda: ReportCampaign.objects.create(
            year=report.campaign.year + 1,
            period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
            deadline=date(2026, 12, 31),
        )
    )
    assert refused(
        lambda: ReportCampaign.objects.create(
            year=report.campaign.year,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            deadline=date(2027, 1, 31),
        )
    )


def test_a_submission_is_append_only(report, demo_users):
    submission = ReportSubmission.objects.create(report=report, number=1, submitted_by=demo_users["lead-a"], content={})

    with pytest.raises(ValueError, match="append-only"):
        submission.save()
    assert refused(
        lambda: ReportSubmission.objects.create(report=report, number=1, submitted_by=demo_users["lead-a"], content={})
    )
