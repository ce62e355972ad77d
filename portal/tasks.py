from datetime import date

from celery import shared_task
from django.utils import timezone

from . import delivery, health, jobs


@shared_task(name="portal.tasks.deliver_notifications", ignore_result=True)
def deliver_notifications(notification_ids: list[int]) -> int:
    return sum(delivery.deliver_notification(notification_id=pk) for pk in notification_ids)


@shared_task(name="portal.tasks.retry_undelivered_notifications", ignore_result=True)
def retry_undelivered_notifications() -> int:
    return delivery.retry_undelivered_notifications()


@shared_task(name="portal.tasks.purge_audit_events", ignore_result=True)
def purge_audit_events(on: str | None = None) -> int:
    """Remove the audit events older than the retention as of ``on`` (ISO date; default today in Asia/Shanghai)."""
    return jobs.purge_audit_events(today=date.fromisoformat(on) if on else timezone.localdate()).removed


@shared_task(name="portal.tasks.record_worker_heartbeat", ignore_result=True)
def record_worker_heartbeat() -> None:
    """Run by the beat every minute: ``/readyz`` reads its time to tell that the beat and a worker are alive."""
    health.record_heartbeat()
