"""The portal core's own rules, read back exactly: what one audit event records, what one notification holds and
when its work is done, what the inbox counts, the home page's own cards, the subject cut to its column, the exact
refusals of registration and of the audit purge."""

import csv
import logging
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal import jobs, services, tasks
from portal.exceptions import DomainError
from portal.models import AuditEvent, Authority, Notification, Organisation, Role, User
from portal.selectors import Panel, for_information, home_panels, open_work, register_work_panels, unread_count
from tests.factories import organisation as make_organisation

# --- The audit purge's refusals -------------------------------------------------------------------------------------


def test_a_retention_under_180_days_is_refused_by_the_job_with_the_reason(settings):
    settings.AUDIT_RETENTION_DAYS = 179
    with pytest.raises(ImproperlyConfigured) as refused:
        jobs.retention_days()
    assert str(refused.value) == (
        "AUDIT_RETENTION_DAYS is 179: audit events must be kept at least 180 days (网络安全等级保护 2.0)."
    )
    settings.AUDIT_RETENTION_DAYS = 180
    assert jobs.retention_days() == 180


def test_the_cutoff_is_the_start_of_the_day_the_retention_before_today_in_shanghai(settings):
    settings.AUDIT_RETENTION_DAYS = 200
    cutoff = jobs.retention_cutoff(today=date(2026, 7, 20))
    assert cutoff == datetime(2026, 1, 1, tzinfo=timezone.get_default_timezone())
    assert cutoff.isoformat() == "2026-01-01T00:00:00+08:00"


@pytest.mark.django_db
def test_a_purge_dated_after_today_is_refused_with_the_date():
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        jobs.purge_audit_events(today=tomorrow)
    assert refused.value.message == (
        f"日期 {tomorrow.isoformat()} 晚于今天：按该日期清理会删除未满保存期限的审计日志。"
    )
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_purge_returns_what_it_removed_and_up_to_when():
    today = timezone.localdate()
    old = services.record_audit(event_type=AuditEvent.Type.LOGIN, username="city")
    AuditEvent.objects.filter(pk=old.pk).update(occurred_at=timezone.now() - timedelta(days=365))
    result = jobs.purge_audit_events(today=today)
    assert result == jobs.PurgeResult(removed=1, cutoff=jobs.retention_cutoff(today=today))


# --- One audit event ------------------------------------------------------------------------------------------------


def audit_row(event: AuditEvent) -> tuple:
    event = AuditEvent.objects.get(pk=event.pk)
    return (event.event_type, event.actor, event.username, event.ip_address, event.object_type, event.object_id)


@pytest.mark.django_db
def test_an_audit_event_records_the_signed_in_actor_its_address_and_the_object(demo_users):
    city, organisation = demo_users["city"], demo_users["lead-a"].organisation
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    event = services.record_audit(
        event_type=AuditEvent.Type.RECORD_CHANGED, actor=city, request=request, obj=organisation, changes={"a": 1}
    )
    assert audit_row(event) == (
        AuditEvent.Type.RECORD_CHANGED,
        city,
        "city",
        "10.1.2.3",
        "portal.organisation",
        str(organisation.pk),
    )
    assert AuditEvent.objects.get(pk=event.pk).changes == {"a": 1}


@pytest.mark.django_db
def test_an_audit_event_keeps_the_username_given_over_the_actors(demo_users):
    event = services.record_audit(event_type=AuditEvent.Type.LOGIN, actor=demo_users["city"], username="typed-name")
    assert audit_row(event) == (AuditEvent.Type.LOGIN, demo_users["city"], "typed-name", None, "", "")


@pytest.mark.django_db
def test_an_audit_event_without_a_signed_in_actor_records_only_what_was_typed(demo_users):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/", REMOTE_ADDR="")
    for actor in (None, AnonymousUser()):
        event = services.record_audit(
            event_type=AuditEvent.Type.LOGIN_FAILED, actor=actor, request=request, username="nobody"
        )
        assert audit_row(event) == (AuditEvent.Type.LOGIN_FAILED, None, "nobody", None, "", "")
        assert AuditEvent.objects.get(pk=event.pk).changes == {}


@pytest.mark.django_db
def test_an_audit_event_cuts_a_long_typed_username_to_its_150_characters(db):
    event = services.record_audit(event_type=AuditEvent.Type.LOGIN_FAILED, username="名" * 200)
    assert AuditEvent.objects.get(pk=event.pk).username == "名" * 150


def test_the_client_address_is_the_remote_address_or_none():
    assert services.client_ip(None) is None
    assert services.client_ip(RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")) == "192.0.2.7"
    assert services.client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None


# --- One notification -----------------------------------------------------------------------------------------------


def notification_row(notification: Notification) -> tuple:
    row = Notification.objects.get(pk=notification.pk)
    return (row.recipient, row.subject, row.body, row.link, row.dedup_key, row.work_key, row.done_at, row.read_at)


@pytest.mark.django_db
def test_a_notification_holds_what_it_was_given_for_each_recipient(demo_users):
    city, admin = demo_users["city"], demo_users["admin"]
    first, second = services.notify(
        recipients=[city, admin], subject="待审核", body="请审核。", link="/consortia/1/", work_key="queue:1"
    )
    assert notification_row(first) == (city, "待审核", "请审核。", "/consortia/1/", None, "queue:1", None, None)
    assert notification_row(second) == (admin, "待审核", "请审核。", "/consortia/1/", None, "queue:1", None, None)
    (plain,) = services.notify(recipients=[city], subject="通知", body="正文")
    assert notification_row(plain) == (city, "通知", "正文", "", None, None, None, None)


@pytest.mark.django_db
def test_a_dedup_key_is_kept_per_recipient_and_only_the_new_recipients_are_told(demo_users):
    city, admin = demo_users["city"], demo_users["admin"]
    (first,) = services.notify(recipients=[city], subject="提醒", body="b", dedup_key="expiry-90:7")
    assert Notification.objects.get(pk=first.pk).dedup_key == f"expiry-90:7:{city.pk}"
    created = services.notify(recipients=[city, admin], subject="提醒", body="b", dedup_key="expiry-90:7")
    assert [(row.recipient, row.dedup_key) for row in created] == [(admin, f"expiry-90:7:{admin.pk}")]
    assert Notification.objects.filter(recipient=city).count() == 1


@pytest.mark.django_db
def test_a_rerun_with_a_dedup_key_reads_what_was_sent_and_attempts_no_insert(demo_users):
    """A daily job re-run over thousands of recipients asks once which keys exist; it does not try an INSERT per
    recipient and leave it to the unique constraint."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    recipients = [demo_users["city"], demo_users["admin"], demo_users["jiangning"]]
    services.notify(recipients=recipients, subject="提醒", body="b", dedup_key="expiry-30:9")
    with CaptureQueriesContext(connection) as queries:
        assert services.notify(recipients=recipients, subject="提醒", body="b", dedup_key="expiry-30:9") == []
    statements = [query["sql"].split()[0] for query in queries]
    assert statements == ["SELECT"]


@pytest.mark.django_db
def test_a_notification_raced_by_another_run_is_skipped(demo_users, monkeypatch):
    """When the dedup key was taken between the check and the insert, the constraint decides: no second row."""
    city = demo_users["city"]
    Notification.objects.create(recipient=city, subject="提醒", body="b", dedup_key=f"race:{city.pk}")
    queryset = type(Notification.objects.all())
    original = queryset.values_list

    def nothing_existing(self, *fields, **options):
        if fields == ("dedup_key",):
            return []
        return original(self, *fields, **options)

    monkeypatch.setattr(queryset, "values_list", nothing_existing)
    assert services.notify(recipients=[city], subject="提醒", body="b", dedup_key="race") == []
    assert Notification.objects.filter(recipient=city).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_created_notifications_are_handed_to_delivery_after_commit(demo_users, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.deliver_notifications, "delay", queued.append)
    city, admin = demo_users["city"], demo_users["admin"]
    with transaction.atomic():
        created = services.notify(recipients=[city, admin], subject="s", body="b", dedup_key="once")
    assert queued == [[row.pk for row in created]] and len(created) == 2
    with transaction.atomic():
        assert services.notify(recipients=[city, admin], subject="s", body="b", dedup_key="once") == []
    assert len(queued) == 1  # nothing new, nothing queued


@pytest.mark.django_db(transaction=True)
def test_the_broker_refusing_a_batch_does_not_stop_the_next(demo_users, monkeypatch, caplog):
    calls = []

    def refuse_first(batch):
        calls.append(list(batch))
        if len(calls) == 1:
            raise OSError("broker down")

    monkeypatch.setattr(tasks.deliver_notifications, "delay", refuse_first)
    # At the logger's own level: a Celery worker started by an earlier test may have raised the root logger's.
    with caplog.at_level(logging.WARNING, logger="portal.services"):
        services.enqueue_delivery(list(range(1, 251)))
    assert calls == [list(range(1, 201)), list(range(201, 251))]
    assert caplog.messages == ["Could not queue 200 notifications; the retry job will deliver them."]


@pytest.mark.parametrize(
    ("text", "cut"),
    [("一二三四五", "一二三四五"), ("一二三四五六", "一二三四…"), ("一二三四", "一二三四"), ("", "")],
)
def test_a_subject_longer_than_its_column_is_cut_with_an_ellipsis(text, cut):
    assert services.fit(text, 5) == cut


@pytest.mark.django_db
def test_a_long_subject_is_cut_to_the_column_when_notified(demo_users):
    (row,) = services.notify(recipients=[demo_users["city"]], subject="长" * 250, body="b")
    assert Notification.objects.get(pk=row.pk).subject == "长" * 199 + "…"


# --- Work done, notifications read, and what the inbox counts -------------------------------------------------------


@pytest.mark.django_db
def test_finishing_work_marks_every_open_message_about_it_once(demo_users):
    city, admin = demo_users["city"], demo_users["admin"]
    services.notify(recipients=[city, admin], subject="待审核 1", body="b", work_key="queue:1")
    services.notify(recipients=[city], subject="待审核 2", body="b", work_key="queue:2")
    services.notify(recipients=[city], subject="通知", body="b")
    assert services.finish_work(work_key="queue:1") == 2
    done = dict(Notification.objects.values_list("subject", "done_at"))
    assert done["待审核 1"] is not None and done["待审核 2"] is None and done["通知"] is None
    first_done = Notification.objects.filter(work_key="queue:1").values_list("done_at", flat=True).first()
    assert services.finish_work(work_key="queue:1") == 0  # done already: its time stays
    assert set(Notification.objects.filter(work_key="queue:1").values_list("done_at", flat=True)) == {first_done}


@pytest.mark.django_db
def test_finishing_a_set_of_works_takes_a_queryset_of_keys(demo_users):
    city = demo_users["city"]
    for key in ("queue:1", "queue:2", "queue:3"):
        services.notify(recipients=[city], subject=key, body="b", work_key=key)
    keys = Notification.objects.filter(work_key__in=["queue:1", "queue:3"]).values("work_key")
    assert services.finish_work(work_key=keys) == 2
    assert set(Notification.objects.filter(done_at__isnull=True).values_list("work_key", flat=True)) == {"queue:2"}


@pytest.mark.django_db
def test_marking_read_touches_only_the_users_unread_ones_given(demo_users):
    lead, other = demo_users["lead-a"], demo_users["lead-b"]
    first, second, third = (services.notify(recipients=[lead], subject=s, body="b")[0] for s in "一二三")
    (theirs,) = services.notify(recipients=[other], subject="他人", body="b")
    assert services.mark_notifications_read(user=lead, notification_ids=[first.pk, theirs.pk]) == 1
    read = dict(Notification.objects.values_list("subject", "read_at"))
    assert read["一"] is not None and read["二"] is None and read["三"] is None and read["他人"] is None
    assert services.mark_notifications_read(user=lead, notification_ids=[first.pk]) == 0  # read already
    assert services.mark_notifications_read(user=lead) == 2
    assert Notification.objects.filter(recipient=lead, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert {second.pk, third.pk} <= set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True))


@pytest.fixture
def inbox(demo_users):
    """City staff's messages in each state, and two of somebody else's."""
    city = demo_users["city"]

    def message(subject, **fields):
        return Notification.objects.create(recipient=city, subject=subject, body="b", **fields)

    now = timezone.now()
    message("未读信息")
    message("已读信息", read_at=now)
    message("又一条已读信息", read_at=now)
    message("未读待办", work_key="queue:1")
    message("已读待办", work_key="queue:2", read_at=now)
    message("未读已办", work_key="queue:3", done_at=now)
    message("已读已办", work_key="queue:4", done_at=now, read_at=now)
    Notification.objects.create(recipient=demo_users["admin"], subject="他人的", body="b", work_key="queue:1")
    Notification.objects.create(recipient=demo_users["admin"], subject="他人的信息", body="b")
    return city


def subjects(notifications) -> set[str]:
    return set(notifications.values_list("subject", flat=True))


@pytest.mark.django_db
def test_the_inbox_counts_unread_messages_but_not_work_already_done(inbox):
    assert unread_count(inbox) == 2  # 未读信息, 未读待办


@pytest.mark.django_db
def test_the_inboxs_work_is_what_nobody_has_done_yet_and_the_rest_is_information(inbox):
    assert subjects(open_work(inbox)) == {"未读待办", "已读待办"}
    assert subjects(for_information(inbox)) == {"未读信息", "已读信息", "又一条已读信息", "未读已办", "已读已办"}


# --- The home page's own cards --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_home_page_opens_with_the_unread_card_and_an_administrator_ends_with_the_admin_card(inbox, demo_users):
    assert home_panels(inbox)[0] == Panel(
        title="未读通知", count=2, empty_text="没有未读通知。", link=reverse("inbox"), link_text="查看通知"
    )
    admin = demo_users["admin"]
    User.objects.filter(username="lead-b").update(is_active=False)
    *_others, admin_card = home_panels(admin)
    assert admin_card == Panel(
        title="系统管理",
        count=User.objects.filter(is_active=True).count(),
        empty_text="",
        link=reverse("admin:index"),
        link_text="进入管理后台",
    )
    assert admin_card.count == User.objects.count() - 1
    assert all(panel.title != "系统管理" for panel in home_panels(inbox))


@pytest.mark.django_db
def test_the_work_cards_registered_by_the_apps_follow_the_unread_card_once_each(demo_users, monkeypatch):
    from portal import selectors

    monkeypatch.setattr(selectors, "_WORK_PANELS", [])
    seen = []

    def cards(user):
        seen.append(user)
        return [Panel(title="测试卡片", count=1, empty_text="无")]

    assert register_work_panels(cards) is cards
    register_work_panels(cards)  # registered twice (a module imported again): shown once
    lead = demo_users["lead-a"]
    assert [panel.title for panel in home_panels(lead)] == ["未读通知", "测试卡片"]
    assert seen == [lead]


# --- Registration's refusals ----------------------------------------------------------------------------------------


def account(username: str) -> dict:
    return {"username": username, "last_name": "赵磊", "email": f"{username}@example.com"}


@pytest.mark.django_db
def test_a_taken_username_is_refused_whatever_its_case(demo_users):
    with pytest.raises(DomainError) as refused:
        services.add_colleague(actor=demo_users["lead-a"], account=account("LEAD-B"), password="x-Long-Pass-2026")
    assert (refused.value.message, refused.value.field) == ("用户名“LEAD-B”已被使用，请换一个。", "username")


@pytest.mark.django_db
def test_only_a_lead_unit_user_adds_a_colleague(demo_users):
    for username in ("city", "jiangning", "admin"):
        with pytest.raises(DomainError) as refused:
            services.add_colleague(actor=demo_users[username], account=account("new"), password="x-Long-Pass-2026")
        assert refused.value.message == "只有牵头单位用户可以为本单位添加账户。"
    assert not User.objects.filter(username="new").exists()


@pytest.mark.django_db
def test_a_colleague_gets_a_lead_unit_account_of_the_same_organisation_audited(demo_users):
    lead = demo_users["lead-a"]
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9")
    user = services.add_colleague(
        actor=lead, account=account("colleague"), password="x-Long-Pass-2026", request=request
    )
    user.refresh_from_db()
    assert (user.role, user.organisation, user.last_name, user.email) == (
        Role.LEAD_UNIT,
        lead.organisation,
        "赵磊",
        "colleague@example.com",
    )
    assert user.check_password("x-Long-Pass-2026")
    event = AuditEvent.objects.get(changes__action="add_colleague")
    assert (event.actor, event.ip_address, event.object_type, event.object_id) == (
        lead,
        "10.0.0.9",
        "portal.user",
        str(user.pk),
    )
    assert event.changes == {"action": "add_colleague", "organisation": lead.organisation.uscc, "user": "colleague"}


def organisation_details(uscc: str, **fields) -> dict:
    return {
        "uscc": uscc,
        "name": "南京紫金山新材料有限公司",
        "kind": Organisation.Kind.ENTERPRISE,
        "jurisdiction": Authority.objects.get(code="320115"),
        "address": "南京市江宁区紫金路 9 号",
        "contact_name": "赵磊",
        "contact_phone": "025-5100 0000",
        "contact_email": "zhaolei@example.com",
        **fields,
    }


@pytest.mark.django_db
def test_a_registered_uscc_is_refused_with_whom_to_ask(demo_users):
    existing = demo_users["lead-a"].organisation
    with pytest.raises(DomainError) as refused:
        services.register_lead_unit(
            organisation=organisation_details(existing.uscc.lower()), account=account("zhaolei"), password="x"
        )
    assert (refused.value.message, refused.value.field) == (
        f"统一社会信用代码 {existing.uscc} 已注册为单位“{existing.name}”，不能重复注册。请联系该单位已注册的用户，"
        "由其在“本单位”页面为您添加账户；如有疑问请联系市科技局。",
        "uscc",
    )


@pytest.mark.django_db
def test_an_unregistered_organisation_with_users_counts_as_registered(demo_users):
    organisation = demo_users["lead-b"].organisation
    Organisation.objects.filter(pk=organisation.pk).update(registered=False)
    organisation.refresh_from_db()
    assert services.is_registered(organisation)
    typed = make_organisation(7700, name="牵头单位填写的成员")
    Organisation.objects.filter(pk=typed.pk).update(registered=False)
    typed.refresh_from_db()
    assert not services.is_registered(typed)
    Organisation.objects.filter(pk=typed.pk).update(registered=True)
    typed.refresh_from_db()
    assert services.is_registered(typed)


@pytest.mark.django_db
def test_a_new_organisation_registers_with_its_first_user_audited(reference_data):
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.8")
    user = services.register_lead_unit(
        organisation=organisation_details("9132 0214 7455 5531 8w"),
        account=account("zhaolei"),
        password="x-Long-Pass-2026",
        request=request,
    )
    created = Organisation.objects.get(uscc="91320214745555318W")
    assert (user.organisation, user.role, created.registered, created.name) == (
        created,
        Role.LEAD_UNIT,
        True,
        "南京紫金山新材料有限公司",
    )
    event = AuditEvent.objects.get(changes__action="register_organisation")
    assert (event.actor, event.ip_address, event.object_type, event.object_id) == (
        user,
        "10.0.0.8",
        "portal.organisation",
        str(created.pk),
    )
    assert event.changes == {"action": "register_organisation", "uscc": "91320214745555318W", "user": "zhaolei"}


@pytest.mark.django_db
def test_claiming_a_typed_in_organisation_keeps_its_row_and_audits_before_and_after(reference_data):
    typed = make_organisation(7800, kind="institute", name="牵头单位填写的名称")
    Organisation.objects.filter(pk=typed.pk).update(registered=False, jurisdiction=None, address="")
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.7")
    user = services.register_lead_unit(
        organisation=organisation_details(typed.uscc),
        account=account("claimer"),
        password="x-Long-Pass",
        request=request,
    )
    claimed = Organisation.objects.get(pk=typed.pk)
    assert user.organisation == claimed and claimed.registered
    assert user.check_password("x-Long-Pass")
    assert (claimed.name, claimed.kind, claimed.jurisdiction.code, claimed.address) == (
        "南京紫金山新材料有限公司",
        "enterprise",
        "320115",
        "南京市江宁区紫金路 9 号",
    )
    event = AuditEvent.objects.get(changes__action="claim_organisation")
    assert (event.event_type, event.actor, event.ip_address, event.object_type, event.object_id) == (
        AuditEvent.Type.RECORD_CHANGED,
        user,
        "10.0.0.7",
        "portal.organisation",
        str(claimed.pk),
    )
    assert event.changes == {
        "action": "claim_organisation",
        "uscc": typed.uscc,
        "user": "claimer",
        "before": {
            "name": "牵头单位填写的名称",
            "kind": "institute",
            "jurisdiction": None,
            "address": "",
            "contact_name": typed.contact_name,
            "contact_phone": typed.contact_phone,
            "contact_email": typed.contact_email,
        },
        "after": {
            "name": "南京紫金山新材料有限公司",
            "kind": "enterprise",
            "jurisdiction": "320115",
            "address": "南京市江宁区紫金路 9 号",
            "contact_name": "赵磊",
            "contact_phone": "025-5100 0000",
            "contact_email": "zhaolei@example.com",
        },
    }


@pytest.mark.django_db
def test_a_claim_refused_for_a_taken_username_changes_nothing(demo_users):
    typed = make_organisation(7900, name="牵头单位填写的名称")
    Organisation.objects.filter(pk=typed.pk).update(registered=False)
    with pytest.raises(DomainError) as refused:
        services.register_lead_unit(
            organisation=organisation_details(typed.uscc), account=account("city"), password="x-Long-Pass"
        )
    assert refused.value.message == "用户名“city”已被使用，请换一个。"
    typed.refresh_from_db()
    assert (typed.name, typed.registered) == ("牵头单位填写的名称", False)


# --- Reference data --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reference_data_deactivates_what_left_its_file_and_reactivates_what_is_back():
    from portal.models import IndustryField, PlatformCategory

    counts = services.load_reference_data()
    assert counts == {
        "authorities": Authority.objects.count(),
        "industry_fields": IndustryField.objects.count(),
        "platform_categories": PlatformCategory.objects.count(),
    }
    Authority.objects.create(code="999999", name_zh="已撤销的区", name_en="Gone", kind=Authority.Kind.DISTRICT)
    PlatformCategory.objects.create(code="retired", name_zh="旧平台", name_en="Old")
    Authority.objects.filter(code="320115").update(is_active=False)
    IndustryField.objects.filter(code="third-gen-semiconductors").update(is_active=False, position=99)
    PlatformCategory.objects.filter(code="laboratory").update(is_active=False)

    assert services.load_reference_data() == counts
    assert Authority.objects.get(code="999999").is_active is False
    assert PlatformCategory.objects.get(code="retired").is_active is False
    assert Authority.objects.get(code="320115").is_active is True
    assert PlatformCategory.objects.get(code="laboratory").is_active is True
    assert IndustryField.objects.get(code="third-gen-semiconductors").is_active is True
    # Fields are listed in the order of their file.
    with open(services.REFERENCE_DIR / "industry-fields.csv", encoding="utf-8") as handle:
        in_file = [row["code"] for row in csv.DictReader(handle)]
    assert list(IndustryField.objects.order_by("position").values_list("position", "code")) == list(enumerate(in_file))
