"""A real Celery worker delivers a queued notification: filesystem broker on SQLite runs, Redis with REDIS_URL."""

import time

import pytest
from django.core import mail
from django.db import transaction

from portal.celery import app
from portal.models import Notification
from portal.services import notify

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_worker_delivers_a_queued_notification(demo_users, celery_worker, settings):
    with transaction.atomic():
        (notification,) = notify(
            recipients=[demo_users["xuanwu"]], subject="新的备案申请待初审", body="请登录平台办理。"
        )

    assert wait_for(lambda: Notification.objects.filter(pk=notification.pk, delivered_at__isnull=False).exists())
    assert [message.subject for message in mail.outbox] == ["新的备案申请待初审"]
    assert mail.outbox[0].to == ["xuanwu@example.com"]
    assert app.conf.broker_url.startswith("redis://" if settings.REDIS_URL else "filesystem://")
