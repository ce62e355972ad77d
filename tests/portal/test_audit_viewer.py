"""The audit trail for portal administrators (issue 14 item 5): filters, pages, the CSV and XLSX exports, who may
see it, and that an export is audited itself. Events are written with ``record_audit`` and moved back in time with a
queryset update (``occurred_at`` is set on creation)."""

import csv
import html
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portal.models import AuditEvent, User
from portal.services import record_audit
from portal.views import audit as audit_views
from portal.views.audit import EXPORT_ACTION, readable_changes

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CELL = re.compile(r'<td[^>]*data-testid="event-(time|user|ip|type)">(.*?)</td>', re.S)


def at(*moment) -> datetime:
    return datetime(*moment, tzinfo=SHANGHAI)


def event(when: datetime, **kwargs) -> AuditEvent:
    made = record_audit(**kwargs)
    AuditEvent.objects.filter(pk=made.pk).update(occurred_at=when)
    return made


def from_address(address: str):
    return RequestFactory().get("/", REMOTE_ADDR=address)


@pytest.fixture
def admin_client(client, demo_users):
    client.force_login(demo_users["admin"])  # itself a login event, of today
    return client


@pytest.fixture
def trail(demo_users):
    """Events of 1 and 2 March 2026 (Beijing time), by name."""
    lead_a, lead_b = demo_users["lead-a"].organisation, demo_users["lead-b"].organisation
    officer, xuanwu = demo_users["jiangning"], demo_users["xuanwu"]
    made = {
        "lead_login": event(
            at(2026, 3, 1, 9),
            event_type=AuditEvent.Type.LOGIN,
            actor=demo_users["lead-a"],
            request=from_address("10.0.0.1"),
        ),
        "ghost_failed": event(at(2026, 3, 1, 10), event_type=AuditEvent.Type.LOGIN_FAILED, username="ghost"),
        "role_change": event(
            at(2026, 3, 1, 11),
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=demo_users["city"],
            obj=officer,
            changes={"action": "admin_change", "role": {"before": "district_officer", "after": "city_staff"}},
        ),
        "approve": event(
            at(2026, 3, 1, 12),
            event_type=AuditEvent.Type.STATE_CHANGED,
            actor=officer,
            obj=lead_a,
            changes={"action": "approve", "from": "city_review", "to": "active", "reason": "同意备案"},
        ),
        "approve_report": event(
            at(2026, 3, 1, 13),
            event_type=AuditEvent.Type.STATE_CHANGED,
            actor=officer,
            obj=lead_b,
            changes={"action": "approve_report"},
        ),
        "late_evening": event(
            at(2026, 3, 1, 23, 59, 59),
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=xuanwu,
            changes={"action": "save_section"},
        ),
        "midnight": event(
            at(2026, 3, 2, 0, 0, 0),
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=xuanwu,
            obj=lead_a,
            changes={"action": "save_section"},
        ),
    }
    # Renamed since: the events keep the name they were recorded with, the filter finds them by the new one too.
    User.objects.filter(pk=xuanwu.pk).update(username="xw-renamed")
    made["organisations"] = {"lead_a": str(lead_a.pk), "lead_b": str(lead_b.pk)}
    return made


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [row.pk for row in response.context["page"].object_list]


def newest_first(trail, *names) -> list[int]:
    return [trail[name].pk for name in sorted(names, key=lambda name: trail[name].pk, reverse=True)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"user": "JIANG"}, ["approve", "approve_report"]),
        ({"user": "ghost"}, ["ghost_failed"]),  # a failed login for no account: the name as typed
        ({"user": "xw-renamed"}, ["late_evening", "midnight"]),  # the account's current name
        ({"event_type": "login_failed"}, ["ghost_failed"]),
        ({"action": "approve"}, ["approve"]),  # exactly, not approve_report
        ({"action": " admin_change "}, ["role_change"]),
        ({"object_type": "portal.organisation"}, ["approve", "approve_report", "midnight"]),
        ({"object_type": "portal.user"}, ["role_change"]),
        ({"object_type": "portal.organisation", "object_id": "lead_a"}, ["approve", "midnight"]),
        # Days are Beijing's: 23:59:59 on the 1st and midnight on the 2nd fall on either side.
        ({"occurred_from": "2026-03-02", "occurred_to": "2026-03-02"}, ["midnight"]),
        (
            {"occurred_from": "2026-03-01", "occurred_to": "2026-03-01"},
            ["lead_login", "ghost_failed", "role_change", "approve", "approve_report", "late_evening"],
        ),
        ({"occurred_to": "2026-02-28"}, []),
        ({"user": "jiang", "object_id": "lead_b"}, ["approve_report"]),
    ],
)
def test_filters_narrow_to_exactly_the_expected_events(admin_client, trail, filters, expected):
    query = {name: trail["organisations"].get(value, value) for name, value in filters.items()}
    assert listed(admin_client.get(reverse("audit"), query)) == newest_first(trail, *expected)


def test_without_filters_every_event_newest_first(admin_client, trail):
    login = AuditEvent.objects.get(event_type=AuditEvent.Type.LOGIN, username="admin")
    names = ["lead_login", "ghost_failed", "role_change", "approve", "approve_report", "late_evening", "midnight"]
    assert listed(admin_client.get(reverse("audit"))) == [login.pk, *newest_first(trail, *names)]


def test_each_row_shows_time_user_ip_type_object_and_the_changes_readably(admin_client, trail):
    page = admin_client.get(reverse("audit"), {"occurred_to": "2026-03-01"}).content.decode()
    cells = [(kind, html.unescape(text).strip()) for kind, text in CELL.findall(page)]
    # The earliest row, the lead unit's login, is the last one: in Beijing time, with its address.
    assert cells[-4:] == [("time", "2026-03-01 09:00:00"), ("user", "lead-a"), ("ip", "10.0.0.1"), ("type", "登录")]
    assert "district_officer → city_staff" in page
    assert "同意备案" in page
    assert "portal.organisation #" + trail["organisations"]["lead_a"] in page


def test_readable_changes_keep_every_value():
    changes = {"action": "admin_change", "organisation": {"before": None, "after": "91320115MA0000001X"}, "ids": [1, 2]}
    assert readable_changes(changes) == [("ids", "[1, 2]"), ("organisation", "— → 91320115MA0000001X")]


def test_a_range_ending_before_it_starts_is_refused_with_a_message(admin_client, trail):
    response = admin_client.get(reverse("audit"), {"occurred_from": "2026-03-02", "occurred_to": "2026-03-01"})
    assert listed(response) == []
    assert "截止日期不能早于起始日期。" in response.content.decode()


def test_an_empty_result_shows_the_empty_state(admin_client, trail):
    page = admin_client.get(reverse("audit"), {"user": "nobody-of-that-name"}).content.decode()
    assert 'data-testid="empty"' in page
    assert "没有符合条件的审计日志。" in page


def bulk_events(count: int, *, action: str = "bulk") -> list[int]:
    events = AuditEvent.objects.bulk_create(
        AuditEvent(event_type=AuditEvent.Type.RECORD_CHANGED, username="city", changes={"action": action, "n": n})
        for n in range(count)
    )
    AuditEvent.objects.filter(changes__action=action).update(occurred_at=at(2026, 4, 1, 8))
    return [made.pk for made in events]


def test_fifty_a_page_with_the_count_of_matches(admin_client, demo_users):
    pks = bulk_events(120)
    bulk_events(3, action="other")
    first = admin_client.get(reverse("audit"), {"action": "bulk"})
    assert "共 120 条" in first.content.decode()
    assert "第 1 / 3 页" in first.content.decode()
    assert listed(first) == sorted(pks, reverse=True)[:50]  # same time: the newest id first
    last = admin_client.get(reverse("audit"), {"action": "bulk", "page": 3})
    assert listed(last) == sorted(pks, reverse=True)[100:]
    assert 'href="?action=bulk&amp;page=2"' in last.content.decode()  # the filter goes along


def test_the_page_takes_the_same_queries_for_five_events_as_for_a_hundred(admin_client, demo_users):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse("audit")).status_code == 200
        return len(captured)

    bulk_events(5)
    queries()  # the first request after the login also writes the session
    few = queries()
    bulk_events(95, action="more")
    # The session and the user, the count and the page of events, the unread count of the navigation.
    assert queries() == few == 5


# --- Exports ---------------------------------------------------------------------------------------------------------


def content(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def formula_name(demo_users):
    """A failed login typed as a spreadsheet formula, with Chinese in what it recorded."""
    return event(
        at(2026, 3, 3, 8, 30),
        event_type=AuditEvent.Type.LOGIN_FAILED,
        username='=HYPERLINK("http://evil","点击")',
        request=from_address("192.0.2.7"),
        changes={"reason": "密码错误，已锁定"},
    )


def test_the_csv_starts_with_the_bom_keeps_chinese_and_a_formula_as_text(admin_client, trail, formula_name):
    response = admin_client.get(reverse("audit"), {"occurred_to": "2026-03-03", "export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    data = content(response)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["时间", "用户名", "IP 地址", "事件类型", "操作", "对象类型", "对象编号", "内容"]
    assert rows[1] == [
        "2026-03-03 08:30:00",
        '\'=HYPERLINK("http://evil","点击")',
        "192.0.2.7",
        "登录失败",
        "",
        "",
        "",
        "reason: 密码错误，已锁定",
    ]
    approve = next(row for row in rows if row[4] == "approve")
    assert approve[3:] == [
        "状态变更",
        "approve",
        "portal.organisation",
        trail["organisations"]["lead_a"],
        "from: city_review；reason: 同意备案；to: active",
    ]
    assert len(rows) == 1 + 8  # the header and the trail's seven events and the formula's


def test_the_xlsx_opens_with_the_rows_of_the_list(admin_client, trail, formula_name):
    filters = {"occurred_from": "2026-03-01", "occurred_to": "2026-03-03"}
    page = admin_client.get(reverse("audit"), filters).content.decode()
    cells = [html.unescape(text).strip() for _kind, text in CELL.findall(page)]
    shown = [cells[index : index + 4] for index in range(0, len(cells), 4)]

    response = admin_client.get(reverse("audit"), {**filters, "export": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(content(response))).active
    rows = list(sheet.iter_rows(min_row=2))
    exported = [
        [
            row[0].value.strftime("%Y-%m-%d %H:%M:%S"),
            row[1].value or "—",
            row[2].value or "—",
            row[3].value,
        ]
        for row in rows
    ]
    assert exported == shown
    assert len(exported) == 8
    name = rows[0][1]
    assert (name.value, name.data_type, name.quotePrefix) == ('=HYPERLINK("http://evil","点击")', "s", True)


def test_an_export_is_audited_with_its_filters_and_its_row_count(admin_client, demo_users, trail):
    before = AuditEvent.objects.count()
    data = content(admin_client.get(reverse("audit"), {"export": "csv"}))
    exported = AuditEvent.objects.get(changes__action=EXPORT_ACTION)
    assert exported.actor == demo_users["admin"]
    assert exported.ip_address == "127.0.0.1"
    assert exported.changes == {"action": EXPORT_ACTION, "format": "csv", "filters": {}, "rows": before}
    # The file has exactly what the event counts: every event but the export's own.
    assert len(data.decode("utf-8-sig").splitlines()) == 1 + before

    admin_client.get(reverse("audit"), {"event_type": "state_changed", "user": "jiang", "export": "xlsx"})
    second = AuditEvent.objects.filter(changes__action=EXPORT_ACTION).latest("pk")
    assert second.changes == {
        "action": EXPORT_ACTION,
        "format": "xlsx",
        "filters": {"event_type": "state_changed", "user": "jiang"},
        "rows": 2,
    }


def test_an_unknown_format_or_bad_filters_export_nothing(admin_client, trail):
    response = admin_client.get(reverse("audit"), {"export": "pdf"})
    assert "不支持的导出格式：pdf。" in response.content.decode()
    response = admin_client.get(reverse("audit"), {"occurred_from": "not a date", "export": "csv"})
    assert "筛选条件有误，未导出。请先更正。" in response.content.decode()
    assert not AuditEvent.objects.filter(changes__action=EXPORT_ACTION).exists()


def test_more_rows_than_an_excel_sheet_holds_are_refused_for_xlsx_only(admin_client, trail, monkeypatch):
    monkeypatch.setattr(audit_views, "XLSX_MAX_ROWS", 6)  # the trail has seven events on 1 and 2 March
    filters = {"occurred_to": "2026-03-02"}
    response = admin_client.get(reverse("audit"), {**filters, "export": "xlsx"})
    assert "共 7 条，超过 Excel 工作表的行数上限（6 行）：请缩小筛选范围，或导出 CSV。" in response.content.decode()
    assert not AuditEvent.objects.filter(changes__action=EXPORT_ACTION).exists()
    assert len(content(admin_client.get(reverse("audit"), {**filters, "export": "csv"})).splitlines()) == 1 + 7


@pytest.mark.parametrize("username", ["lead-a", "jiangning", "city"])
def test_only_administrators_see_it_or_export_it(client, demo_users, trail, username):
    client.force_login(demo_users[username])
    assert client.get(reverse("audit")).status_code == 403
    assert client.get(reverse("audit"), {"export": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(changes__action=EXPORT_ACTION).exists()
    assert 'data-testid="nav-audit"' not in client.get(reverse("home")).content.decode()


def test_anonymous_is_sent_to_the_login(client, trail):
    response = client.get(reverse("audit"), {"export": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_administrators_find_it_in_the_navigation(admin_client):
    assert 'data-testid="nav-audit"' in admin_client.get(reverse("home")).content.decode()
