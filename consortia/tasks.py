"""Daily jobs of the consortium's life (DESIGN §6), scheduled by Celery beat in Asia/Shanghai time
(``CELERY_BEAT_SCHEDULE``). Thin: each calls its service, which is idempotent, so a retried task changes nothing more.
The management commands ``expire_consortia`` and ``send_expiry_reminders`` run the same services by hand."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from .lifecycle import jobs


def _day(on: str | None) -> date:
    return date.fromisoformat(on) if on else timezone.localdate()


@shared_task(name="consortia.tasks.expire_consortia", ignore_result=True)
def expire_consortia(on: str | None = None) -> int:
    """Expire the consortia whose construction period ended before ``on`` (ISO date; default today)."""
    return jobs.expire_due_consortia(today=_day(on)).consortia


@shared_task(name="consortia.tasks.send_expiry_reminders", ignore_result=True)
def send_expiry_reminders(on: str | None = None) -> int:
    """Queue the expiry reminders due on ``on`` (ISO date; default today)."""
    return jobs.send_expiry_reminders(today=_day(on)).notifications
