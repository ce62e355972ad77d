from celery import shared_task

from . import services


@shared_task(name="portal.tasks.deliver_notification", ignore_result=True)
def deliver_notification(notification_id: int) -> bool:
    return services.deliver_notification(notification_id=notification_id)


@shared_task(name="portal.tasks.retry_undelivered_notifications", ignore_result=True)
def retry_undelivered_notifications() -> int:
    return services.retry_undelivered_notifications()
