"""Thresholds live in the database with DESIGN §4's defaults; admins change them, the audit trail keeps who did."""

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from consortia.eligibility import context_from_database, evaluate, read_filing
from consortia.models import EligibilityThresholds
from portal.models import AuditEvent, User

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
CHANGE_URL = reverse("admin:consortia_eligibilitythresholds_change", args=[1])


def form_data(**changes):
    data = {
        "members_min": 2,
        "period_max_years": 3,
        "justification_min_length": 20,
        "rd_band_small_revenue_max": "5000",
        "rd_band_medium_revenue_max": "20000",
        "rd_intensity_small_min": "5",
        "rd_intensity_medium_min": "4",
        "rd_intensity_large_min": "3",
    }
    return data | changes


@pytest.fixture
def admin_client(client, reference_data):
    superuser = User.objects.create_superuser("ops", "ops@example.com", "Ops-Pass-2026!")
    client.force_login(superuser)
    client.superuser = superuser
    return client


def lead_and_two_members():
    # The eligible enterprise example, cut down to exactly lead + 2 members (a university and an institute).
    text = (EXAMPLES / "enterprise-led-eligible.json").read_text(encoding="utf-8")
    filing = read_filing(text)
    return dataclasses.replace(filing, members=filing.members[:2])


def members_min_outcome():
    evaluation = evaluate(lead_and_two_members(), context_from_database())
    return next(result.outcome for result in evaluation.results if result.code == "MEMBERS_MIN")


def test_the_migration_stores_the_defaults_of_design_section_4():
    row = EligibilityThresholds.objects.get()
    assert (row.members_min, row.period_max_years, row.justification_min_length) == (2, 3, 20)
    assert (row.rd_band_small_revenue_max, row.rd_band_medium_revenue_max) == (Decimal(5000), Decimal(20000))
    assert (row.rd_intensity_small_min, row.rd_intensity_medium_min, row.rd_intensity_large_min) == (5, 4, 3)


def test_the_defaults_come_back_when_the_row_is_missing(reference_data):
    EligibilityThresholds.objects.all().delete()
    assert context_from_database().thresholds.members_min == 2
    assert EligibilityThresholds.objects.count() == 1


def test_changing_the_minimum_in_the_admin_changes_the_next_evaluation_and_is_audited(admin_client):
    assert members_min_outcome() == "pass"

    response = admin_client.post(CHANGE_URL, form_data(members_min=3))

    assert response.status_code == 302
    assert members_min_outcome() == "fail"
    event = AuditEvent.objects.get(object_type="consortia.eligibilitythresholds")
    assert event.event_type == AuditEvent.Type.RECORD_CHANGED
    assert event.actor == admin_client.superuser
    assert event.username == "ops"
    assert event.object_id == "1"
    assert event.changes == {"field": "members_min", "old": 2, "new": 3}


def test_each_changed_value_is_audited_once_and_unchanged_values_not_at_all(admin_client):
    admin_client.post(CHANGE_URL, form_data(period_max_years=4, rd_intensity_large_min="2.5"))
    changes = sorted(
        (event.changes for event in AuditEvent.objects.filter(object_type="consortia.eligibilitythresholds")),
        key=lambda change: change["field"],
    )
    assert changes == [
        {"field": "period_max_years", "old": 3, "new": 4},
        {"field": "rd_intensity_large_min", "old": "3.00", "new": "2.50"},
    ]
    assert context_from_database().thresholds.period_max_years == 4


def stored_thresholds():
    return model_to_dict(EligibilityThresholds.objects.get(), fields=list(form_data()))


def test_saving_without_changes_records_nothing(admin_client):
    audited = AuditEvent.objects.filter(object_type="consortia.eligibilitythresholds")
    before = stored_thresholds()

    response = admin_client.post(CHANGE_URL, form_data())  # the form as loaded, saved as it is

    assert response.status_code == 302  # saved, not refused
    assert not audited.exists()
    assert stored_thresholds() == before

    # The same save with one value changed is recorded, once; saving that again unchanged adds nothing.
    assert admin_client.post(CHANGE_URL, form_data(justification_min_length=30)).status_code == 302
    assert [event.changes for event in audited] == [{"field": "justification_min_length", "old": 20, "new": 30}]
    assert stored_thresholds() == before | {"justification_min_length": 30}
    assert admin_client.post(CHANGE_URL, form_data(justification_min_length=30)).status_code == 302
    assert audited.count() == 1


def test_revenue_bands_out_of_order_are_refused_and_nothing_changes(admin_client):
    response = admin_client.post(CHANGE_URL, form_data(rd_band_medium_revenue_max="4000"))
    assert response.status_code == 200
    assert "第二档销售收入上限应大于第一档上限" in response.content.decode()
    assert EligibilityThresholds.objects.get().rd_band_medium_revenue_max == Decimal(20000)
    assert not AuditEvent.objects.filter(object_type="consortia.eligibilitythresholds").exists()


def test_a_minimum_of_zero_members_is_refused(admin_client):
    response = admin_client.post(CHANGE_URL, form_data(members_min=0))
    assert response.status_code == 200
    assert EligibilityThresholds.objects.get().members_min == 2


def test_the_admin_list_leads_straight_to_the_one_row_and_offers_no_add_or_delete(admin_client):
    response = admin_client.get(reverse("admin:consortia_eligibilitythresholds_changelist"))
    assert response.status_code == 302
    assert response.url == CHANGE_URL
    assert admin_client.get(reverse("admin:consortia_eligibilitythresholds_add")).status_code == 403
    page = admin_client.get(CHANGE_URL).content.decode()
    assert "参与单位最少数量" in page
    assert reverse("admin:consortia_eligibilitythresholds_delete", args=[1]) not in page
