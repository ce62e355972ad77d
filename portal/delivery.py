"""Delivery of the notifications outbox: the e-mail of each queued notification, sent once, and the retry job for
those the broker or the mail server could not take. Celery tasks (``portal.tasks``) call these."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)


def deliver_notification(*, notification_id: int) -> bool:
    """Send one notification's e-mail unless it was sent already. Returns whether it was sent now.

    The row stays locked while the mail goes out, so a task and the retry job racing for it send it once.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, delivered_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        address = notification.recipient.email
        if not address:
            notification.last_error = "no e-mail address: in-app only"
            notification.delivered_at = timezone.now()
            notification.save(update_fields=["last_error", "delivered_at"])
            return False
        try:
            send_mail(
                subject=notification.subject,
                message=_email_text(notification),
                from_email=None,
                recipient_list=[address],
            )
        except Exception as error:
            Notification.objects.filter(pk=notification.pk).update(
                email_attempts=F("email_attempts") + 1, last_error=str(error)[:2000]
            )
            logger.warning("E-mail for notification %s failed: %s", notification.pk, error)
            return False
        notification.delivered_at = timezone.now()
        notification.email_attempts += 1
        notification.last_error = ""
        notification.save(update_fields=["delivered_at", "email_attempts", "last_error"])
        return True


def _email_text(notification: Notification) -> str:
    if not notification.link:
        return notification.body
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return f"{notification.body}\n\n{base}{notification.link}"


def retry_undelivered_notifications(*, older_than: timedelta = timedelta(minutes=1)) -> int:
    """Deliver every notification still waiting (broker was down, mail server failed). Returns how many were sent."""
    cutoff = timezone.now() - older_than
    waiting = Notification.objects.filter(
        delivered_at__isnull=True,
        created_at__lte=cutoff,
        email_attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
    ).values_list("pk", flat=True)
    return sum(deliver_notification(notification_id=pk) for pk in list(waiting))
