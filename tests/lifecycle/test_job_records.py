"""The daily jobs' rows, read back whole (consortia.lifecycle.jobs): the exact notifications the expiry and the
reminders queue for each recipient, the history comment, the lapsed declaration and the work it asked of the city,
which notifications a run hands to e-mail, and the reminder thresholds as the setting gives them."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from consortia.lifecycle import jobs
from consortia.lifecycle.jobs import JobResult, expire_due_consortia, reminder_days, send_expiry_reminders
from consortia.lifecycle.services import declare_completion
from consortia.models import CompletionDeclaration, Consortium, WorkflowEvent
from consortia.states import Status
from portal.models import Notification

from .factories import active_consortium, lead_user, organisation, pdf_upload

pytestmark = pytest.mark.django_db

END = date(2026, 5, 31)
EXPIRY_DAY = date(2026, 6, 1)


def rows(prefix: str) -> list[tuple]:
    """Every notification a job queued, as (recipient, subject, body, link, dedup key, attempts, last error)."""
    return sorted(
        (n.recipient.username, n.subject, n.body, n.link, n.dedup_key, n.email_attempts, n.last_error)
        for n in Notification.objects.filter(dedup_key__startswith=prefix).select_related("recipient")
    )


def expiry_body(consortium, number) -> str:
    return (
        f"“{consortium.name}”（备案编号 {number}）的建设期已于 2026-05-31 届满。"
        "依《南京市级创新联合体备案建设工作指引》五（一），建设期满备案自动终止，状态已变为“建设期满”。"
    )


@pytest.fixture
def deliveries(monkeypatch, django_capture_on_commit_callbacks):
    """``deliveries.run(job, today=…)`` runs a job and its after-commit callbacks; ``deliveries.handed`` holds the ids
    each run handed to e-mail."""

    class Deliveries:
        handed = []

        @staticmethod
        def run(job, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return job(**kwargs)

    monkeypatch.setattr(jobs, "enqueue_delivery", lambda ids: Deliveries.handed.append(sorted(ids)))
    return Deliveries


# --- Expiry ------------------------------------------------------------------------------------------------------


def test_the_expiry_tells_each_lead_unit_user_and_district_officer_in_exact_words(demo_users):
    lead, officer = demo_users["lead-a"], demo_users["jiangning"]
    consortium = active_consortium(lead=lead, end_date=END)
    link = f"/filings/{consortium.pk}/"

    result = expire_due_consortia(today=EXPIRY_DAY)

    assert result == JobResult(consortia=1, notifications=2)
    subject = f"创新联合体建设期满：{consortium.name}"
    body = expiry_body(consortium, consortium.filing_number)
    assert rows("consortium-expired:") == sorted(
        [
            ("lead-a", subject, body, link, f"consortium-expired:{consortium.pk}:{lead.pk}", 0, ""),
            ("jiangning", subject, body, link, f"consortium-expired:{consortium.pk}:{officer.pk}", 0, ""),
        ]
    )
    event = WorkflowEvent.objects.get(consortium=consortium)
    assert event.comment == "建设期已于 2026-05-31 届满，备案自动终止（指引五（一））。"
    consortium.refresh_from_db()
    assert (consortium.status, consortium.updated_at) == (Status.EXPIRED, event.occurred_at)
    assert all(n.created_at == event.occurred_at for n in Notification.objects.all())


def test_a_consortium_without_a_filing_number_reads_a_dash_and_a_long_name_is_cut_to_the_subject_column(demo_users):
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=END, name="长" * 200)
    Consortium.objects.filter(pk=consortium.pk).update(filing_number=None)

    expire_due_consortia(today=EXPIRY_DAY)

    notification = Notification.objects.get(recipient=demo_users["lead-a"])
    assert notification.subject == ("创新联合体建设期满：" + "长" * 200)[:200]
    assert len(notification.subject) == Notification.SUBJECT_MAX_LENGTH
    assert notification.body == expiry_body(consortium, "—")


def test_each_consortium_tells_its_own_lead_unit_and_district(demo_users):
    """Two lead units in two districts: nobody hears of the other's consortium."""
    in_jiangning = active_consortium(lead=demo_users["lead-a"], end_date=END)
    in_xuanwu = active_consortium(lead=demo_users["lead-b"], end_date=END)
    # A lead unit in no district: its users are told, no officer is.
    alone = lead_user(organisation(name="无属地单位"))
    nowhere = active_consortium(lead=alone, end_date=END)

    assert expire_due_consortia(today=EXPIRY_DAY) == JobResult(consortia=3, notifications=5)

    told = {(n.recipient.username, n.link) for n in Notification.objects.select_related("recipient")}
    assert told == {
        ("lead-a", f"/filings/{in_jiangning.pk}/"),
        ("jiangning", f"/filings/{in_jiangning.pk}/"),
        ("lead-b", f"/filings/{in_xuanwu.pk}/"),
        ("xuanwu", f"/filings/{in_xuanwu.pk}/"),
        (alone.username, f"/filings/{nowhere.pk}/"),
    }


def test_an_expiry_lapses_the_waiting_declaration_and_finishes_the_citys_work_on_it(demo_users):
    lead = demo_users["lead-a"]
    consortium = active_consortium(lead=lead, end_date=END)
    running = active_consortium(lead=lead, end_date=date(2027, 12, 31))
    lapsing = declare_completion(consortium_id=consortium.pk, actor=lead, summary="完成。", attachments=[pdf_upload()])
    waiting = declare_completion(consortium_id=running.pk, actor=lead, summary="完成。", attachments=[pdf_upload()])
    decided_before = CompletionDeclaration.objects.create(
        consortium=consortium,
        summary="旧申报。",
        declared_by=lead,
        state=CompletionDeclaration.State.DECLINED,
        decision_reason="材料不全。",
    )

    expire_due_consortia(today=EXPIRY_DAY)

    stamp = WorkflowEvent.objects.get(consortium=consortium).occurred_at
    lapsing.refresh_from_db()
    waiting.refresh_from_db()
    decided_before.refresh_from_db()
    assert (lapsing.state, lapsing.decided_at, lapsing.decided_by) == (CompletionDeclaration.State.LAPSED, stamp, None)
    assert (waiting.state, waiting.decided_at) == (CompletionDeclaration.State.PENDING, None)
    assert (decided_before.state, decided_before.decided_at) == (CompletionDeclaration.State.DECLINED, None)
    city_work = Notification.objects.filter(recipient=demo_users["city"])
    assert city_work.get(work_key=f"completion:{lapsing.pk}").done_at is not None
    assert city_work.get(work_key=f"completion:{waiting.pk}").done_at is None


def test_a_run_hands_to_e_mail_only_the_notifications_it_queued(demo_users, deliveries):
    earlier = active_consortium(lead=demo_users["lead-a"], end_date=END - timedelta(days=10))
    deliveries.run(expire_due_consortia, today=END - timedelta(days=5))
    earlier_ids = set(Notification.objects.values_list("pk", flat=True))
    assert len(earlier_ids) == 2
    later = active_consortium(lead=demo_users["lead-b"], end_date=END)
    deliveries.run(send_expiry_reminders, today=END - timedelta(days=30))  # `later`'s 30-day reminders

    result = deliveries.run(expire_due_consortia, today=EXPIRY_DAY)

    expired = Notification.objects.filter(dedup_key__startswith=f"consortium-expired:{later.pk}:")
    queued = sorted(expired.values_list("pk", flat=True))
    assert len(queued) == 2 and not earlier_ids & set(queued)
    assert deliveries.handed == [sorted(earlier_ids), deliveries.handed[1], queued]
    assert not set(deliveries.handed[1]) & (earlier_ids | set(queued))
    assert result == JobResult(consortia=1, notifications=2)
    assert Consortium.objects.get(pk=earlier.pk).status == Status.EXPIRED


def test_a_run_with_nothing_due_hands_nothing_to_e_mail(demo_users, deliveries):
    active_consortium(lead=demo_users["lead-a"], end_date=END)

    assert deliveries.run(expire_due_consortia, today=END) == JobResult(consortia=0, notifications=0)
    assert deliveries.run(send_expiry_reminders, today=END) == JobResult(consortia=0, notifications=0)
    assert deliveries.handed == []


# --- Reminders ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [90, 30])
def test_a_reminder_tells_the_lead_unit_and_the_district_in_exact_words(demo_users, days, deliveries):
    lead, officer = demo_users["lead-a"], demo_users["jiangning"]
    end = date(2026, 12, 31)
    consortium = active_consortium(lead=lead, end_date=end)
    active_consortium(lead=lead, end_date=end, status=Status.EXPIRED)

    result = deliveries.run(send_expiry_reminders, today=end - timedelta(days=days))

    assert result == JobResult(consortia=1, notifications=2)
    subject = f"创新联合体建设期将于 {days} 天后届满：{consortium.name}"
    body = (
        f"“{consortium.name}”（备案编号 {consortium.filing_number}）的建设期将于 2026-12-31 届满，还有 {days} 天。"
        "建设期满备案自动终止（指引五（一））。攻关任务已完成的，牵头单位可在期满前申报任务完成。"
    )
    link = f"/filings/{consortium.pk}/"
    assert rows("expiry-reminder:") == sorted(
        [
            ("lead-a", subject, body, link, f"expiry-reminder:{consortium.pk}:{days}:{lead.pk}", 0, ""),
            ("jiangning", subject, body, link, f"expiry-reminder:{consortium.pk}:{days}:{officer.pk}", 0, ""),
        ]
    )
    assert deliveries.handed == [sorted(Notification.objects.values_list("pk", flat=True))]
    assert Consortium.objects.get(pk=consortium.pk).status == Status.ACTIVE


def test_one_day_can_be_both_thresholds_for_different_consortia(demo_users):
    today = date(2026, 6, 1)
    in_ninety = active_consortium(lead=demo_users["lead-a"], end_date=today + timedelta(days=90))
    in_thirty = active_consortium(lead=demo_users["lead-b"], end_date=today + timedelta(days=30))

    result = send_expiry_reminders(today=today)

    assert result == JobResult(consortia=2, notifications=4)
    keys = {n.dedup_key.rsplit(":", 1)[0] for n in Notification.objects.all()}
    assert keys == {f"expiry-reminder:{in_ninety.pk}:90", f"expiry-reminder:{in_thirty.pk}:30"}
    again = send_expiry_reminders(today=today)
    assert again == JobResult(consortia=2, notifications=0)
    assert Notification.objects.count() == 4


@pytest.mark.parametrize(
    ("setting", "days"),
    [([90, 30], [90, 30]), ([30, 90, 30], [90, 30]), (["60", 7], [60, 7]), ([1], [1])],
)
def test_the_reminder_days_are_the_setting_deduplicated_latest_first(settings, setting, days):
    settings.EXPIRY_REMINDER_DAYS = setting
    assert reminder_days() == days


@pytest.mark.parametrize("setting", [[30, 0], [-5], [90, -1, 30]])
def test_a_reminder_day_that_is_not_positive_stops_the_job(settings, setting):
    settings.EXPIRY_REMINDER_DAYS = setting
    with pytest.raises(ImproperlyConfigured) as refused:
        reminder_days()
    assert str(refused.value) == "EXPIRY_REMINDER_DAYS must be positive numbers of days."


def test_a_table_whose_expiry_is_not_the_systems_stops_the_job(demo_users, monkeypatch):
    from consortia.workflow import transitions

    active_consortium(lead=demo_users["lead-a"], end_date=END)
    row = transitions.TRANSITIONS[(Status.ACTIVE, "expire")]
    monkeypatch.setitem(
        transitions.TRANSITIONS,
        (Status.ACTIVE, "expire"),
        transitions.Transition(row.source, row.action, row.target, frozenset({"city_staff"}), row.label),
    )

    with pytest.raises(ImproperlyConfigured) as refused:
        expire_due_consortia(today=EXPIRY_DAY)

    assert str(refused.value) == "The transition table has no 'expire' from active for the daily jobs."
    assert Consortium.objects.filter(status=Status.ACTIVE).count() == 1


def test_a_notification_of_another_kind_queued_at_the_same_instant_is_not_the_jobs_to_e_mail(
    demo_users, deliveries, monkeypatch
):
    instant = timezone.now()
    monkeypatch.setattr(jobs.timezone, "now", lambda: instant)
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=END)
    unrelated = Notification.objects.create(recipient=demo_users["city"], subject="其他通知", body="—", dedup_key="x:1")
    Notification.objects.filter(pk=unrelated.pk).update(created_at=instant)

    deliveries.run(expire_due_consortia, today=EXPIRY_DAY)

    expired = Notification.objects.filter(dedup_key__startswith=f"consortium-expired:{consortium.pk}:")
    assert deliveries.handed == [sorted(expired.values_list("pk", flat=True))]
    assert unrelated.pk not in deliveries.handed[0]


def test_a_consortium_saved_at_the_same_instant_but_not_expired_gets_no_expiry_record(demo_users, monkeypatch):
    instant = timezone.now()
    monkeypatch.setattr(jobs.timezone, "now", lambda: instant)
    due = active_consortium(lead=demo_users["lead-a"], end_date=END)
    running = active_consortium(lead=demo_users["lead-b"], end_date=date(2027, 12, 31))
    Consortium.objects.filter(pk=running.pk).update(updated_at=instant)

    assert expire_due_consortia(today=EXPIRY_DAY) == JobResult(consortia=1, notifications=2)

    assert list(WorkflowEvent.objects.values_list("consortium_id", flat=True)) == [due.pk]
    assert not Notification.objects.filter(link=f"/filings/{running.pk}/").exists()
