from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal import delivery, services, tasks
from portal.models import Notification


def age(notifications, minutes=5):
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


@pytest.mark.django_db(transaction=True)
def test_notification_in_a_rolled_back_transaction_is_never_sent(demo_users):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipients=[demo_users["city"]], subject="回滚的通知", body="不应发送")
        raise RuntimeError("the surrounding change failed")

    assert not Notification.objects.exists()
    assert delivery.retry_undelivered_notifications(older_than=timedelta(0)) == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_delivery_is_queued_only_after_commit(demo_users, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.deliver_notifications, "delay", queued.append)
    with transaction.atomic():
        (notification,) = services.notify(recipients=[demo_users["city"]], subject="新的备案申请", body="请审核")
        assert queued == []
    assert queued == [[notification.pk]]


@pytest.mark.django_db(transaction=True)
def test_many_notifications_are_queued_in_batches(demo_users, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.deliver_notifications, "delay", queued.append)
    recipients = list(demo_users.values())[:6]
    with transaction.atomic():
        for round_ in range(70):  # 6 users × 70 = 420 rows
            services.notify(recipients=recipients, subject=f"第 {round_} 条", body="b")
    assert sum(len(batch) for batch in queued) == 420
    assert len(queued) == 70  # one batch per notify() call here: each call queues its own rows after commit
    services.enqueue_delivery(list(Notification.objects.values_list("pk", flat=True)))
    assert [len(batch) for batch in queued[70:]] == [200, 200, 20]


@pytest.mark.django_db(transaction=True)
def test_broker_down_at_commit_then_retry_job_delivers_once(demo_users, monkeypatch):
    def broker_refuses(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(tasks.deliver_notifications, "delay", broker_refuses)
    with transaction.atomic():
        (notification,) = services.notify(
            recipients=[demo_users["jiangning"]], subject="新的备案申请", body="请初审", link="/"
        )
    notification.refresh_from_db()
    assert notification.delivered_at is None
    assert mail.outbox == []

    age([notification])
    assert tasks.retry_undelivered_notifications() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jiangning@example.com"]
    assert mail.outbox[0].subject == "新的备案申请"
    assert "http://127.0.0.1:8000/" in mail.outbox[0].body

    # A second run, or a late task for the same row, sends nothing more.
    assert tasks.retry_undelivered_notifications() == 0
    assert delivery.deliver_notification(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_failed_mail_is_retried_and_counted(demo_users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    (notification,) = services.notify(recipients=[demo_users["city"]], subject="s", body="b")
    age([notification])
    assert delivery.retry_undelivered_notifications() == 0
    notification.refresh_from_db()
    assert notification.delivered_at is None
    assert notification.email_attempts == 1
    assert notification.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.retry_undelivered_notifications() == 1
    notification.refresh_from_db()
    assert notification.delivered_at is not None


@pytest.mark.django_db
def test_retry_gives_up_after_the_maximum_attempts(demo_users, settings):
    (notification,) = services.notify(recipients=[demo_users["city"]], subject="s", body="b")
    age([notification])
    Notification.objects.filter(pk=notification.pk).update(email_attempts=settings.NOTIFICATION_MAX_ATTEMPTS)
    assert delivery.retry_undelivered_notifications() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_dedup_key_queues_a_message_once_per_recipient(demo_users):
    recipients = [demo_users["city"], demo_users["admin"]]
    first = services.notify(recipients=recipients, subject="到期提醒", body="b", dedup_key="expiry-90:1")
    again = services.notify(recipients=recipients, subject="到期提醒", body="b", dedup_key="expiry-90:1")
    assert len(first) == 2
    assert again == []
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_recipient_without_email_gets_the_in_app_message_only(demo_users):
    user = demo_users["city"]
    user.email = ""
    user.save()
    (notification,) = services.notify(recipients=[user], subject="s", body="b")
    assert delivery.deliver_notification(notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert mail.outbox == []


@pytest.mark.django_db
def test_inbox_shows_unread_count_and_marks_read(client, demo_users):
    user = demo_users["lead-a"]
    services.notify(recipients=[user], subject="备案已退回修改", body="请补充组建协议。")
    services.notify(recipients=[demo_users["lead-b"]], subject="他人的通知", body="不应可见")
    client.force_login(user)

    page = client.get(reverse("inbox")).content.decode()
    assert "备案已退回修改" in page
    assert "他人的通知" not in page
    assert 'data-testid="unread-count">1<' in page

    notification = user.notifications.get()
    assert client.get(reverse("notification", args=[notification.pk])).status_code == 200
    assert 'data-testid="unread-count"' not in client.get(reverse("inbox")).content.decode()


@pytest.mark.django_db
def test_someone_elses_notification_is_not_found(client, demo_users):
    (notification,) = services.notify(recipients=[demo_users["lead-b"]], subject="s", body="b")
    client.force_login(demo_users["lead-a"])
    assert client.get(reverse("notification", args=[notification.pk])).status_code == 404


@pytest.mark.django_db
def test_empty_inbox_has_an_empty_state(client, demo_users):
    client.force_login(demo_users["lead-a"])
    assert "暂无通知" in client.get(reverse("inbox")).content.decode()
