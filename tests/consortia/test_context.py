"""The evaluation context read from the database: reference data as it stands, the record source, today."""

from pathlib import Path

import pytest
from django.utils import timezone

from consortia.eligibility import DishonestyRecord, context_from_database, evaluate, read_filing
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


def test_the_context_uses_todays_local_date_and_the_dishonesty_source_it_is_given(reference_data):
    class OneRecord:
        def active_records(self, usccs, *, on):
            return [DishonestyRecord(uscc="91320113MA1T6FD2PA", name="南京长江电子装备有限公司")]

    context = context_from_database(dishonesty=OneRecord())
    assert context.today == timezone.localdate()
    filing = read_filing((EXAMPLES / "enterprise-led-eligible.json").read_text(encoding="utf-8"))
    integrity = next(r for r in evaluate(filing, context).results if r.code == "INTEGRITY")
    assert integrity.outcome == "fail"
    assert "参与单位“南京长江电子装备有限公司”" in integrity.message
    assert "详情请联系市科技局" in integrity.message and "长期" not in integrity.message


def test_by_default_nobody_is_on_the_record(reference_data):
    # Whatever source the portal plugs in, a database without dishonesty records finds none.
    assert outcome("INTEGRITY").outcome == "pass"
