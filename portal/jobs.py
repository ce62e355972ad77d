"""The portal core's daily job: the audit trail's retention.

Audit events are kept at least six months (网络安全等级保护 2.0): ``AUDIT_RETENTION_DAYS`` days, never fewer than
``MINIMUM_RETENTION_DAYS`` (``portal.checks`` refuses a shorter setting at start-up; the job refuses it again, for
the worker, which runs no system checks). Retention counts whole days in the portal's time zone (Asia/Shanghai): the
run of day D removes what occurred before day D − retention began, so an event of that day — however late in it, and
one exactly the retention old — stays until the next day's run. Every event younger than the retention is kept.

Set-based like the other daily jobs: one ``DELETE … WHERE occurred_at < cutoff`` and one audit event of its own,
whatever the number removed, and safe to run twice (the second run finds nothing to remove).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import DomainError
from .models import AuditEvent

MINIMUM_RETENTION_DAYS = 180  # 网络安全等级保护 2.0: audit records kept at least six months
PURGE_ACTION = "purge_audit_events"


@dataclass(frozen=True)
class PurgeResult:
    removed: int  # audit events deleted by this run
    cutoff: datetime  # what occurred before this moment was removed


def retention_days() -> int:
    days = settings.AUDIT_RETENTION_DAYS
    if days < MINIMUM_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS is {days}: audit events must be kept at least {MINIMUM_RETENTION_DAYS} days "
            "(网络安全等级保护 2.0)."
        )
    return days


def retention_cutoff(*, today: date) -> datetime:
    """The start, in Asia/Shanghai, of the day the retention before ``today``: events before it may go."""
    day = today - timedelta(days=retention_days())
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def purge_audit_events(*, today: date) -> PurgeResult:
    """Remove the audit events older than the retention as of ``today`` (the day of the run), and audit that.

    ``today`` may be in the past (the cutoff moves back with it, so it removes less), never in the future, where it
    would remove events younger than the retention."""
    if today > timezone.localdate():
        raise DomainError(
            _("日期 %(date)s 晚于今天：按该日期清理会删除未满保存期限的审计日志。") % {"date": today.isoformat()}
        )
    days = retention_days()
    cutoff = retention_cutoff(today=today)
    with transaction.atomic():
        # The one deliberate deletion of audit events. ``AuditEvent`` is append-only: an event refuses ``save`` once
        # written and ``delete`` altogether; nothing else in the portal deletes one. Audit events have no dependants
        # and no delete signals, so Django deletes the set in a single statement, without loading a row.
        removed, _by_model = AuditEvent.objects.filter(occurred_at__lt=cutoff).delete()
        # Written directly, not through ``services.record_audit``: the Celery tasks call this module, and the
        # services import the tasks. There is no user and no request to record.
        AuditEvent.objects.create(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            username="system",
            changes={
                "action": PURGE_ACTION,
                "date": today.isoformat(),
                "retention_days": days,
                "cutoff": cutoff.isoformat(),
                "removed": removed,
            },
        )
    return PurgeResult(removed=removed, cutoff=cutoff)
