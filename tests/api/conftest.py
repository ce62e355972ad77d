"""A portfolio in every state for the API's tests: lead-a's (江宁) filings from draft to revoked, lead-b's (玄武) in
review and active, the year's reports (one submitted), a change and two dishonesty records."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from consortia.changes import record_change
from consortia.models import ChangeRecord, Consortium, DishonestyRecord
from consortia.states import Status
from tests.annual_reports.factories import consortium as reporting_consortium
from tests.annual_reports.factories import first_submission, reports_of_the_year
from tests.factories import complete_filing, make_pdf, submitted_filing
from tests.lifecycle.factories import active_consortium

# The seven columns of tests/test_access_matrix.py, by demo user.
ROLES = ["anonymous", "owner", "other_lead", "officer", "other_officer", "city", "admin"]
USERS = {
    "owner": "lead-a",
    "other_lead": "lead-b",
    "officer": "jiangning",
    "other_officer": "xuanwu",
    "city": "city",
    "admin": "admin",
}


@dataclass
class World:
    consortia: dict[str, Consortium]
    reports: dict
    change: ChangeRecord
    records: list[DishonestyRecord]


def _with_status(consortium, status):
    Consortium.objects.filter(pk=consortium.pk).update(status=status)
    consortium.refresh_from_db()
    return consortium


@pytest.fixture
def api_world(demo_users, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    lead_a, lead_b, city = demo_users["lead-a"], demo_users["lead-b"], demo_users["city"]
    consortia = {
        "draft": complete_filing(lead_user=lead_a, name="草稿联合体", seed=1000),
        "district_review": submitted_filing(lead_user=lead_a, name="初审中联合体", seed=2000),
        "returned": _with_status(submitted_filing(lead_user=lead_a, name="退回联合体", seed=3000), Status.RETURNED),
        "city_review": _with_status(
            submitted_filing(lead_user=lead_b, name="玄武审核中联合体", seed=4000), Status.CITY_REVIEW
        ),
        "active": reporting_consortium(lead=lead_a, name="江宁已备案联合体"),
        "active_b": reporting_consortium(lead=lead_b, name="玄武已备案联合体"),
    }
    for status in (Status.EXPIRED, Status.COMPLETED, Status.REVOKED):
        consortia[status] = active_consortium(lead=lead_a, end_date=date(2026, 6, 30), status=status)
    # The lead unit edits its returned filing after submitting it: only it reads the edit.
    Consortium.objects.filter(pk=consortia["returned"].pk).update(name="退回联合体（修改中）")
    reports = reports_of_the_year()
    first_submission(reports[consortia["active"].pk], lead_a)
    change = record_change(
        consortium_id=consortia["active"].pk,
        actor=lead_a,
        kind="strategic_plan",
        effective_on=date(2026, 3, 1),
        explanation="调整战略规划。",
        agreement=SimpleUploadedFile("补充协议.pdf", make_pdf(), content_type="application/pdf"),
    )
    records = [
        DishonestyRecord.objects.create(
            organisation=lead_b.organisation, reason="虚报材料", valid_from=date(2026, 1, 1), recorded_by=city
        ),
        DishonestyRecord.objects.create(
            organisation=lead_b.organisation,
            reason="逾期未整改",
            valid_from=date(2024, 1, 1),
            valid_until=date(2025, 1, 1),
            recorded_by=city,
        ),
    ]
    return World(consortia=consortia, reports=reports, change=change, records=records)


def api_client(demo_users, role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(demo_users[USERS[role]])
    return client
