"""The eligibility context read from the portal's database: the dishonesty records in force on a day (for INTEGRITY),
the current thresholds, the active reference lists and their names."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from consortia.eligibility import DatabaseDishonestySource, DishonestyRecord, Thresholds, context_from_database
from consortia.models import DishonestyRecord as StoredRecord
from consortia.models import EligibilityThresholds
from portal.models import IndustryField, Organisation, PlatformCategory, Role, User
from portal.uscc import check_character

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 25)


def code(number: int) -> str:
    first17 = f"91320115DB{number:07d}"
    return first17 + check_character(first17)


@pytest.fixture
def recorder():
    return User.objects.create_user(username="city-recorder", password="x", role=Role.CITY_STAFF)


def unit(number: int, name: str) -> Organisation:
    return Organisation.objects.create(uscc=code(number), name=name, kind="enterprise")


def record(recorder, organisation, *, reason="虚报研发投入。", valid_from=DAY, valid_until=None, **extra):
    return StoredRecord.objects.create(
        organisation=organisation,
        reason=reason,
        valid_from=valid_from,
        valid_until=valid_until,
        recorded_by=recorder,
        **extra,
    )


def test_the_records_in_force_on_the_day_are_given_for_the_codes_asked_in_code_order(recorder):
    later, earlier, outside = unit(2, "南京乙公司"), unit(1, "南京甲公司"), unit(3, "南京丙公司")
    record(recorder, later, reason="伪造材料。", valid_from=DAY - timedelta(days=10), valid_until=date(2028, 6, 30))
    record(recorder, earlier, reason="第二条。", valid_from=DAY)
    record(recorder, earlier, reason="第一条。", valid_from=DAY - timedelta(days=400), valid_until=DAY)
    record(recorder, outside)
    # Not in force on the day: begins tomorrow, expired yesterday, ended early today.
    record(recorder, later, reason="尚未生效。", valid_from=DAY + timedelta(days=1))
    record(recorder, later, reason="已过期。", valid_from=DAY - timedelta(days=30), valid_until=DAY - timedelta(days=1))
    record(
        recorder,
        earlier,
        reason="已终止。",
        valid_from=DAY - timedelta(days=5),
        ended_on=DAY,
        end_reason="复核撤销。",
        ended_by=recorder,
    )

    found = DatabaseDishonestySource().active_records([code(2), "", code(1), code(2), code(9)], on=DAY)

    assert list(found) == [
        DishonestyRecord(uscc=code(1), name="南京甲公司", reason="第一条。", until=DAY),
        DishonestyRecord(uscc=code(1), name="南京甲公司", reason="第二条。", until=None),
        DishonestyRecord(uscc=code(2), name="南京乙公司", reason="伪造材料。", until=date(2028, 6, 30)),
    ]


def test_a_record_is_looked_up_once_a_day_for_a_batch_of_filings(recorder, django_assert_num_queries):
    barred = unit(1, "南京甲公司")
    record(recorder, barred, valid_from=DAY, valid_until=DAY)
    source = DatabaseDishonestySource()
    with django_assert_num_queries(1):
        assert len(source.active_records([code(1)], on=DAY)) == 1
        assert len(source.active_records([code(1), code(2)], on=DAY)) == 1
        assert source.active_records([code(2)], on=DAY) == []
    with django_assert_num_queries(1):
        assert source.active_records([code(1)], on=DAY + timedelta(days=1)) == []
    with django_assert_num_queries(0):
        assert len(source.active_records([code(1)], on=DAY)) == 1


def test_no_codes_or_only_empty_ones_find_nothing(recorder):
    record(recorder, unit(1, "南京甲公司"))
    source = DatabaseDishonestySource()
    assert source.active_records([], on=DAY) == []
    assert source.active_records(["", ""], on=DAY) == []


def test_the_context_reads_the_current_thresholds_and_the_active_reference_lists(reference_data):
    EligibilityThresholds.objects.filter(pk=EligibilityThresholds.SINGLETON_PK).update(
        members_min=4, period_max_years=5, justification_min_length=30
    )
    IndustryField.objects.exclude(code__in=["integrated-circuits", "robotics", "automotive"]).update(is_active=False)
    IndustryField.objects.filter(code="automotive").update(is_active=False)
    PlatformCategory.objects.filter(code="laboratory").update(is_active=False)

    context = context_from_database(today=DAY)

    assert context.thresholds == Thresholds(members_min=4, period_max_years=5, justification_min_length=30)
    assert context.active_field_codes == frozenset({"integrated-circuits", "robotics"})
    assert dict(context.field_names) == dict(
        IndustryField.objects.filter(code__in=["integrated-circuits", "robotics"]).values_list("code", "name_zh")
    )
    assert context.field_names["integrated-circuits"] == "集成电路"
    active_categories = dict(PlatformCategory.objects.filter(is_active=True).values_list("code", "name_zh"))
    assert "laboratory" not in active_categories and active_categories
    assert context.platform_category_codes == frozenset(active_categories)
    assert dict(context.platform_category_names) == active_categories
    assert context.platform_category_names["technology-innovation-centre"] == "技术创新中心"
    assert context.today == DAY


def test_the_context_is_of_today_and_reads_the_portals_dishonesty_records_unless_told_otherwise(reference_data):
    context = context_from_database()
    assert context.today == timezone.localdate()
    assert isinstance(context.dishonesty, DatabaseDishonestySource)
    assert context.thresholds == Thresholds()

    class Nobody:
        def active_records(self, usccs, *, on):
            return []

    nobody = Nobody()
    assert context_from_database(dishonesty=nobody).dishonesty is nobody
