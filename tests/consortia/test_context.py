"""The evaluation context read from the database: reference data as it stands, the record source, today."""

from pathlib import Path

import pytest
from django.utils import timezone

from consortia.eligibility import NoDishonestyRecords, context_from_database, evaluate, read_filing
from portal.models import IndustryField, PlatformCategory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def outcome(code, name="enterprise-led-eligible.json"):
    filing = read_filing((EXAMPLES / name).read_text(encoding="utf-8"))
    return next(r for r in evaluate(filing, context_from_database()).results if r.code == code)


def test_a_field_deactivated_in_the_reference_data_fails_focus_field(reference_data):
    assert outcome("FOCUS_FIELD").outcome == "pass"
    assert "“第三代半导体”" in outcome("FOCUS_FIELD").message
    IndustryField.objects.filter(code="third-gen-semiconductors").update(is_active=False)
    assert outcome("FOCUS_FIELD").outcome == "fail"


def test_a_platform_category_deactivated_in_the_reference_data_fails_the_platform_lead(reference_data):
    assert outcome("LEAD_QUALIFICATION", "platform-led-eligible.json").outcome == "pass"
    PlatformCategory.objects.filter(code="manufacturing-innovation-centre").update(is_active=False)
    assert outcome("LEAD_QUALIFICATION", "platform-led-eligible.json").outcome == "fail"


def test_the_context_uses_todays_local_date_and_the_empty_dishonesty_source(reference_data):
    context = context_from_database()
    assert context.today == timezone.localdate()
    assert isinstance(context.dishonesty, NoDishonestyRecords)
    assert "integrated-circuits" in context.active_field_codes
