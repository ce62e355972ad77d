"""The daily jobs of the consortium's life (DESIGN §6; guideline §1.c, §5.1): the filing ends on its own when the
construction period is over, and the lead unit and its district are reminded before.

Both are set-based — a fixed number of statements whatever the number of consortia (``bulk.insert_from_select``) —
and idempotent: run twice, or again after a crash half-way, they change nothing more and send nothing twice. The
expiry applies the transition table's ``expire`` row to the whole set and writes its history with the door's own
``record_transitions``; a single consortium's other changes go through ``consortia.workflow.door.perform_action``.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, Left
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.bulk import as_text, insert_from_select, link, text
from portal.models import Notification
from portal.services import enqueue_delivery

from .. import recipients
from ..models import CompletionDeclaration, Consortium
from ..states import Status
from ..workflow.door import record_transitions
from ..workflow.machine import CONSORTIUM
from ..workflow.transitions import SYSTEM, Transition, find_transition
from .services.completion import finish_completion_work

EXPIRE = "expire"


@dataclass(frozen=True)
class JobResult:
    consortia: int  # consortia changed (expiry) or at a reminder threshold (reminders)
    notifications: int  # notifications queued by this run


def _system_transition(action: str) -> Transition:
    transition = find_transition(source=Status.ACTIVE, action=action)
    if transition is None or SYSTEM not in transition.roles:
        raise ImproperlyConfigured(f"The transition table has no {action!r} from active for the daily jobs.")
    return transition


def _queue_notifications(*, consortia: QuerySet, subject: str, body: str, dedup_key: str, stamp, **values) -> None:
    """Queue one notification per consortium in ``consortia`` and recipient — the lead unit's users and the officers
    of its district — in two statements. ``subject``, ``body`` and ``dedup_key`` are templates with ``%(name)s``,
    ``%(number)s``, ``%(end)s``, ``%(consortium)s`` (the id) and ``%(user)s`` filled per row, other placeholders from
    ``values``. Dedup keys are unique, so a re-run queues nothing twice."""
    told = [
        (recipients.LEAD_UNIT_PATH, recipients.lead_unit_users_of(consortia)),
        (recipients.DISTRICT_PATH, recipients.district_officers_of(consortia)),
    ]
    for path, users in told:
        fields = {
            "name": F(f"{path}name"),
            "number": Coalesce(F(f"{path}filing_number"), Value("—")),
            "end": as_text(F(f"{path}end_date")),
            "consortium": as_text(F(f"{path}pk")),
            "user": as_text(F("pk")),
            **values,
        }
        insert_from_select(
            Notification,
            {
                "recipient": F("pk"),
                "subject": Left(text(subject, **fields), Notification.SUBJECT_MAX_LENGTH),
                "body": text(body, **fields),
                "link": link("consortia:detail", F(f"{path}pk")),
                "dedup_key": text(dedup_key, **fields),
                "created_at": Value(stamp),
                "email_attempts": Value(0),
                "last_error": Value(""),
            },
            users,
            ignore_conflicts=True,
        )


def _deliver_queued_now(*, stamp, dedup_prefix: str) -> list[int]:
    """E-mail, after commit, the notifications this run queued. Rows an earlier run queued kept their own creation
    time: only this run's rows carry ``stamp``. Returns their ids."""
    ids = list(
        Notification.objects.filter(created_at=stamp, dedup_key__startswith=dedup_prefix)
        .order_by()
        .values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: enqueue_delivery(ids))
    return ids


def expire_due_consortia(*, today: date) -> JobResult:
    """Every active consortium whose construction period ended before ``today`` (Asia/Shanghai) ends on its own
    (guideline §1.c, §5.1), as the transition table's ``expire`` says, with a workflow event, an audit event and
    notifications to the lead unit and its district.

    A fixed number of statements whatever the number of consortia. Idempotent: the update is guarded by the source
    state in its WHERE clause, so a second run (or one racing this one) finds nothing to change; everything happens
    in one transaction, so a crash half-way leaves nothing half-done.
    """
    transition = _system_transition(EXPIRE)
    with transaction.atomic():
        stamp = timezone.now()
        expired = Consortium.objects.filter(status=transition.source, end_date__lt=today).update(
            status=transition.target, updated_at=stamp
        )
        if not expired:
            return JobResult(consortia=0, notifications=0)
        # The rows this UPDATE changed carry its timestamp, and stay locked until commit: the timestamp names them.
        just_expired = Consortium.objects.filter(status=transition.target, updated_at=stamp)
        record_transitions(
            machine=CONSORTIUM,
            rows=just_expired,
            transition=transition,
            actor=None,
            role=SYSTEM,
            reason="",
            stamp=stamp,
            comment=text(_("建设期已于 %(end)s 届满，备案自动终止（指引五（一））。"), end=as_text(F("end_date"))),
        )
        # A declaration the city did not get to before the end has nothing left to confirm.
        lapsing = CompletionDeclaration.objects.filter(
            consortium__in=just_expired, state=CompletionDeclaration.State.PENDING
        )
        finish_completion_work(lapsing)
        lapsing.update(state=CompletionDeclaration.State.LAPSED, decided_at=stamp)
        _queue_notifications(
            consortia=just_expired,
            subject=_("创新联合体建设期满：%(name)s"),
            body=_(
                "“%(name)s”（备案编号 %(number)s）的建设期已于 %(end)s 届满。依《南京市级创新联合体备案建设工作指引》"
                "五（一），建设期满备案自动终止，状态已变为“建设期满”。"
            ),
            dedup_key="consortium-expired:%(consortium)s:%(user)s",
            stamp=stamp,
        )
        ids = _deliver_queued_now(stamp=stamp, dedup_prefix="consortium-expired:")
    return JobResult(consortia=expired, notifications=len(ids))


def reminder_days() -> list[int]:
    days = sorted({int(d) for d in settings.EXPIRY_REMINDER_DAYS}, reverse=True)
    if any(d <= 0 for d in days):
        raise ImproperlyConfigured("EXPIRY_REMINDER_DAYS must be positive numbers of days.")
    return days


def send_expiry_reminders(*, today: date) -> JobResult:
    """Remind the lead unit and its district that the construction period ends in exactly N days, for each N of
    ``settings.EXPIRY_REMINDER_DAYS`` (90 and 30). Once per consortium, threshold and recipient: the dedup key
    ``expiry-reminder:{consortium}:{days}:{user}`` is unique, so a re-run sends nothing twice. A day the job did not
    run is not caught up on its own; run ``send_expiry_reminders --date`` for that day."""
    reminded = 0
    with transaction.atomic():
        stamp = timezone.now()
        for days in reminder_days():
            due = Consortium.objects.filter(status=Status.ACTIVE, end_date=today + timedelta(days=days))
            reminded += due.count()
            _queue_notifications(
                consortia=due,
                subject=_("创新联合体建设期将于 %(days)s 天后届满：%(name)s"),
                body=_(
                    "“%(name)s”（备案编号 %(number)s）的建设期将于 %(end)s 届满，还有 %(days)s 天。"
                    "建设期满备案自动终止（指引五（一））。攻关任务已完成的，牵头单位可在期满前申报任务完成。"
                ),
                dedup_key="expiry-reminder:%(consortium)s:%(days)s:%(user)s",
                stamp=stamp,
                days=days,
            )
        ids = _deliver_queued_now(stamp=stamp, dedup_prefix="expiry-reminder:")
    return JobResult(consortia=reminded, notifications=len(ids))
