"""The dishonesty record for city staff: list, search, CSV export, ending a record early."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consortia.lifecycle.services import end_dishonesty_record, revoke_consortium
from consortia.models import DishonestyRecord
from portal.exceptions import DomainError
from portal.models import AuditEvent

from .factories import active_consortium, lead_user, organisation, pdf_upload

pytestmark = pytest.mark.django_db

LIST = reverse("lifecycle:dishonesty_list")
EXPORT = reverse("lifecycle:dishonesty_export")


def revoked_consortium(city, *, lead_name: str, reason: str = "虚报研发投入。", valid_until=None, members=()):
    lead = lead_user(organisation(name=lead_name))
    consortium = active_consortium(lead=lead, end_date=timezone.localdate() + timedelta(days=300), members=members)
    return revoke_consortium(
        consortium_id=consortium.pk,
        actor=city,
        reason=reason,
        evidence=[pdf_upload()],
        member_organisation_ids=[m.pk for m in members],
        valid_from=timezone.localdate(),
        valid_until=valid_until,
    )


@pytest.fixture
def records(city):
    revoked_consortium(city, lead_name="南京星河半导体有限公司")
    revoked_consortium(city, lead_name="南京明月智能装备有限公司", reason='=HYPERLINK("http://evil")')
    return DishonestyRecord.objects.select_related("organisation").order_by("pk")


def test_city_staff_see_the_records(demo_users, records, login):
    page = login(demo_users["city"]).get(LIST).content.decode()

    for record in records:
        assert record.organisation.name in page and record.organisation.uscc in page
    assert page.count("提前终止</a>") == 2


def test_search_by_name(demo_users, records, login):
    page = login(demo_users["city"]).get(LIST, {"q": "星河"}).content.decode()

    assert "南京星河半导体有限公司" in page
    assert "南京明月智能装备有限公司" not in page


def test_search_by_uscc_in_any_case_and_spacing(demo_users, records, login):
    code = records[1].organisation.uscc
    typed = f"{code[:8].lower()} {code[8:]}"

    page = login(demo_users["city"]).get(LIST, {"q": typed}).content.decode()

    assert "南京明月智能装备有限公司" in page
    assert "南京星河半导体有限公司" not in page


def test_a_search_that_finds_nothing_says_so(demo_users, records, login):
    page = login(demo_users["city"]).get(LIST, {"q": "不存在的单位"}).content.decode()
    assert "没有符合条件的失信信息记录" in page


def test_an_empty_record_says_so(demo_users, login):
    assert "暂无失信信息记录" in login(demo_users["city"]).get(LIST).content.decode()


def test_filter_by_state(demo_users, records, login):
    end_dishonesty_record(record_id=records[0].pk, actor=demo_users["city"], reason="复核撤销。")
    client = login(demo_users["city"])

    in_force = client.get(LIST, {"state": "in_force"}).content.decode()
    not_in_force = client.get(LIST, {"state": "not_in_force"}).content.decode()

    assert "南京明月智能装备有限公司" in in_force and "南京星河半导体有限公司" not in in_force
    assert "南京星河半导体有限公司" in not_in_force and "已提前终止" in not_in_force


def test_the_list_costs_the_same_number_of_queries_for_more_records(demo_users, login, city):
    client = login(demo_users["city"])
    revoked_consortium(city, lead_name="甲公司")
    client.get(LIST)  # the session's first request records the user's activity; measure the ones after it
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for name in ("乙公司", "丙公司", "丁公司", "戊公司"):
        revoked_consortium(city, lead_name=name, members=[organisation()])
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).content.decode().count("提前终止</a>") == 9
    assert len(many) == len(few)


def test_pages_keep_the_search(demo_users, city, login):
    revocation = revoked_consortium(city, lead_name="庚公司")
    DishonestyRecord.objects.bulk_create(
        DishonestyRecord(
            organisation=organisation(name=f"南京批量失信单位{n}"),
            reason="测试。",
            valid_from=timezone.localdate(),
            recorded_by=city,
            revocation=revocation,
        )
        for n in range(25)
    )
    client = login(demo_users["city"])

    first = client.get(LIST, {"q": "批量", "state": "in_force"}).content.decode()
    second = client.get(LIST, {"q": "批量", "state": "in_force", "page": 2}).content.decode()

    assert "第 1 / 2 页" in first and "?q=%E6%89%B9%E9%87%8F&amp;state=in_force&amp;page=2" in first
    assert second.count("南京批量失信单位") == 5 and "庚公司" not in second


def test_the_export_is_utf8_with_a_byte_order_mark_for_excel(demo_users, records, login):
    response = login(demo_users["city"]).get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["单位名称", "统一社会信用代码", "失信事由"]
    assert {row[0] for row in rows[1:]} == {"南京星河半导体有限公司", "南京明月智能装备有限公司"}
    assert all(row[5] == "有效" for row in rows[1:])


def test_the_export_follows_the_search_and_defuses_formulas(demo_users, records, login):
    response = login(demo_users["city"]).get(EXPORT, {"q": "明月"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["南京明月智能装备有限公司"]
    assert "HYPERLINK" in rows[1][2] and not rows[1][2].startswith("=")


def test_ending_a_record_early_needs_a_reason_which_is_kept(demo_users, records, login):
    record = records[0]
    url = reverse("lifecycle:end_record", args=[record.pk])
    client = login(demo_users["city"])
    assert record.organisation.name in client.get(url).content.decode()

    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 200 and "这个字段是必填项" in refused.content.decode()
    record.refresh_from_db()
    assert record.ended_on is None

    response = client.post(url, {"reason": "法院判决撤销原处理决定。"})

    assert response.status_code == 302 and response["Location"] == LIST
    record.refresh_from_db()
    assert (record.ended_on, record.end_reason, record.ended_by) == (
        timezone.localdate(),
        "法院判决撤销原处理决定。",
        demo_users["city"],
    )
    assert record.ended_at is not None
    assert AuditEvent.objects.filter(object_type="consortia.dishonestyrecord", object_id=str(record.pk)).exists()
    again = client.post(url, {"reason": "再次终止。"})
    assert "已于" in again.content.decode() and "提前终止" in again.content.decode()
    record.refresh_from_db()
    assert record.end_reason == "法院判决撤销原处理决定。"


def test_a_record_that_has_run_out_cannot_be_ended_early(demo_users, city):
    revocation = revoked_consortium(city, lead_name="己公司", valid_until=timezone.localdate())
    record = revocation.dishonesty_records.get()

    with pytest.raises(DomainError, match="到期"):
        end_dishonesty_record(
            record_id=record.pk, actor=city, reason="无。", today=timezone.localdate() + timedelta(days=1)
        )


def test_the_database_refuses_an_early_end_without_a_reason(records):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        DishonestyRecord.objects.filter(pk=records[0].pk).update(ended_on=timezone.localdate())


@pytest.mark.parametrize("username", ["lead-a", "jiangning", "admin"])
def test_other_roles_may_not_see_export_or_end_records(demo_users, records, login, username):
    client = login(demo_users[username])
    end_url = reverse("lifecycle:end_record", args=[records[0].pk])

    # Administrators read the record (and are offered no early end); nobody else but city staff sees it.
    reads = 200 if username == "admin" else 403
    assert client.get(LIST).status_code == reads
    assert client.get(EXPORT).status_code == reads
    if username == "admin":
        assert "提前终止" not in client.get(LIST).content.decode()
    assert client.get(end_url).status_code == 403
    assert client.post(end_url, {"reason": "越权。"}).status_code == 403
    records[0].refresh_from_db()
    assert records[0].ended_on is None


def test_anonymous_users_are_sent_to_the_login_page(client, records):
    response = client.get(EXPORT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
