from celery import shared_task

from . import delivery


@shared_task(name="portal.tasks.deliver_notifications", ignore_result=True)
def deliver_notifications(notification_ids: list[int]) -> int:
    return sum(delivery.deliver_notification(notification_id=pk) for pk in notification_ids)


@shared_task(name="portal.tasks.retry_undelivered_notifications", ignore_result=True)
def retry_undelivered_notifications() -> int:
    return delivery.retry_undelivered_notifications()
