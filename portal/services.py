"""State-changing operations of the portal core: audit, notifications, reference data."""

import csv
import logging
from collections.abc import Iterable
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import DomainError
from .models import AuditEvent, Authority, IndustryField, Notification, Organisation, PlatformCategory, Role, User
from .tasks import deliver_notifications
from .uscc import normalise_uscc

logger = logging.getLogger(__name__)

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_audit(
    *,
    event_type: str,
    actor: User | None = None,
    request=None,
    username: str = "",
    obj=None,
    changes: dict | None = None,
) -> AuditEvent:
    """Append one audit event; ``obj`` is any model instance the event is about."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        username = username or actor.get_username()
    else:
        actor = None
    return AuditEvent.objects.create(
        event_type=event_type,
        actor=actor,
        username=username[:150],
        ip_address=client_ip(request),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        changes=changes or {},
    )


# --- Notifications: an outbox written in the caller's transaction, delivered after commit ------------------------


def notify(
    *,
    recipients: Iterable[User],
    subject: str,
    body: str,
    link: str = "",
    dedup_key: str | None = None,
    work_key: str | None = None,
) -> list[Notification]:
    """Queue an in-app message (and its e-mail) for each recipient, inside the caller's transaction.

    The e-mail is handed to Celery only after the transaction commits, so a rolled-back change sends nothing. When the
    broker is down at that moment the row stays undelivered and ``retry_undelivered_notifications`` sends it later.
    A ``dedup_key`` (suffixed per recipient) makes a re-run queue nothing twice. A subject longer than its column
    (a consortium's name may be 200 characters) is shortened here, so that no caller has to. A ``work_key`` marks a
    message that asks for work (待办): it stays open until ``finish_work`` is called with the same key.
    """
    rows = [
        Notification(
            recipient=recipient,
            subject=fit(subject, Notification.SUBJECT_MAX_LENGTH),
            body=body,
            link=link,
            dedup_key=f"{dedup_key}:{recipient.pk}" if dedup_key else None,
            work_key=work_key,
        )
        for recipient in recipients
    ]
    if dedup_key:
        existing = set(
            Notification.objects.filter(dedup_key__in=[row.dedup_key for row in rows]).values_list(
                "dedup_key", flat=True
            )
        )
        rows = [row for row in rows if row.dedup_key not in existing]
    created = [row for row in rows if _insert_once(row)]
    if created:
        ids = [row.pk for row in created]
        transaction.on_commit(lambda: enqueue_delivery(ids))
    return created


def finish_work(*, work_key: str | QuerySet) -> int:
    """The work ``work_key`` is done, whoever did it: every open notification asking for it is marked done, in one
    UPDATE. The keys are the callers' (the core only matches them); a queryset of keys (one column) finishes a whole
    set of works in the same one statement, for the daily jobs. Returns the number of notifications finished."""
    lookup = "work_key__in" if isinstance(work_key, QuerySet) else "work_key"
    return Notification.objects.filter(**{lookup: work_key}, done_at__isnull=True).update(done_at=timezone.now())


def fit(text: str, max_length: int) -> str:
    """``text`` cut to ``max_length`` characters, with an ellipsis where it was cut."""
    return text if len(text) <= max_length else text[: max_length - 1] + "…"


def _insert_once(row: Notification) -> bool:
    """Insert a row; when a concurrent run inserted the same dedup key first, skip it (the constraint decides)."""
    if row.dedup_key is None:
        row.save()
        return True
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return False
    return True


DELIVERY_BATCH = 200  # notifications per task: a job that queues thousands publishes tens of messages, not thousands


def enqueue_delivery(notification_ids: list[int]) -> None:
    for start in range(0, len(notification_ids), DELIVERY_BATCH):
        batch = notification_ids[start : start + DELIVERY_BATCH]
        try:
            deliver_notifications.delay(batch)
        except Exception:  # the broker is unreachable: the rows stay undelivered for the retry job
            logger.warning("Could not queue %d notifications; the retry job will deliver them.", len(batch))


def mark_notifications_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


# --- Reference data --------------------------------------------------------------------------------------------


def _read_csv(name: str) -> list[dict]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    """Create or update authorities, industry fields and platform categories from the CSVs shipped in the project.

    Idempotent: a second run leaves the same rows. Entries no longer in a file are deactivated, never deleted,
    because filings refer to them.
    """
    authorities = [
        {key: row[key] for key in ("code", "name_zh", "name_en", "kind", "authority_zh")}
        for row in _read_csv("authorities.csv")
    ]
    fields = [
        {key: row[key] for key in ("code", "name_zh", "name_en", "group")} | {"position": position}
        for position, row in enumerate(_read_csv("industry-fields.csv"))
    ]
    categories = [
        {key: row[key] for key in ("code", "name_zh", "name_en")} for row in _read_csv("platform-categories.csv")
    ]
    return {
        "authorities": _make_reference_rows(Authority, authorities),
        "industry_fields": _make_reference_rows(IndustryField, fields),
        "platform_categories": _make_reference_rows(PlatformCategory, categories),
    }


def _make_reference_rows(model, entries: list[dict]) -> int:
    """``model``'s active rows become ``entries``, matched by code, in a few statements whatever their number: the
    test suite loads the reference data for most of its tests, and one query per row was most of their time."""
    existing = model.objects.in_bulk(field_name="code")
    new, changed = [], []
    for entry in entries:
        values = entry | {"is_active": True}
        row = existing.get(entry["code"])
        if row is None:
            new.append(model(**values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    model.objects.bulk_create(new)
    if changed:
        model.objects.bulk_update(changed, fields=[name for name in entries[0] if name != "code"] + ["is_active"])
    model.objects.exclude(code__in=[entry["code"] for entry in entries]).update(is_active=False)
    return len(entries)


# --- Accounts ----------------------------------------------------------------------------------------------------


def _existing_organisation_message(organisation: Organisation) -> str:
    # Shown to anyone who types the USCC, signed in or not: whom to ask, but no one's contact details.
    return _(
        "统一社会信用代码 %(uscc)s 已注册为单位“%(name)s”，不能重复注册。请联系该单位已注册的用户，"
        "由其在“本单位”页面为您添加账户；如有疑问请联系市科技局。"
    ) % {"uscc": organisation.uscc, "name": organisation.name}


# What registration writes into the organisation; when it claims one a lead unit typed in, these are replaced.
CLAIMED_FIELDS = ("name", "kind", "jurisdiction", "address", "contact_name", "contact_phone", "contact_email")


def is_registered(organisation: Organisation) -> bool:
    """Someone of the organisation has an account: its USCC is taken. An organisation with users is registered even
    without the flag (accounts added in the admin or by the demo seed)."""
    return organisation.registered or organisation.users.exists()


def _organisation_facts(organisation: Organisation) -> dict:
    facts = {name: getattr(organisation, name) for name in CLAIMED_FIELDS if name != "jurisdiction"}
    facts["jurisdiction"] = organisation.jurisdiction.code if organisation.jurisdiction_id else None
    return facts


@transaction.atomic
def register_lead_unit(*, organisation: dict, account: dict, password: str, request=None) -> User:
    """Self-registration: the organisation and its first lead-unit user.

    A registered USCC is refused. An unregistered one (a lead unit typed it in as a member) is taken over: the
    organisation keeps its row, so memberships still point at it, and gets what the registrant typed.
    """
    uscc = normalise_uscc(organisation["uscc"])
    details = {name: organisation[name] for name in CLAIMED_FIELDS if name in organisation}
    # The row is locked so that two registrations of the same unregistered USCC cannot both take it over.
    existing = Organisation.objects.select_for_update().filter(uscc=uscc).first()
    if existing is not None:
        if is_registered(existing):
            raise DomainError(_existing_organisation_message(existing), field="uscc")
        return _claim_organisation(existing, details=details, account=account, password=password, request=request)
    try:
        with transaction.atomic():
            new_organisation = Organisation.objects.create(**details, uscc=uscc, registered=True)
    except IntegrityError:  # registered by someone else a moment ago
        raise DomainError(_existing_organisation_message(Organisation.objects.get(uscc=uscc)), field="uscc") from None
    user = _create_lead_unit_user(organisation=new_organisation, account=account, password=password)
    record_audit(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        actor=user,
        request=request,
        obj=new_organisation,
        changes={"action": "register_organisation", "uscc": uscc, "user": user.username},
    )
    return user


def _claim_organisation(organisation: Organisation, *, details: dict, account: dict, password: str, request) -> User:
    before = _organisation_facts(organisation)
    for name, value in details.items():
        setattr(organisation, name, value)
    organisation.registered = True
    organisation.save(update_fields=[*details, "registered"])
    user = _create_lead_unit_user(organisation=organisation, account=account, password=password)
    record_audit(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        actor=user,
        request=request,
        obj=organisation,
        changes={
            "action": "claim_organisation",
            "uscc": organisation.uscc,
            "user": user.username,
            "before": before,
            "after": _organisation_facts(organisation),
        },
    )
    return user


@transaction.atomic
def add_colleague(*, actor: User, account: dict, password: str, request=None) -> User:
    """A lead-unit user gives a colleague an account in the same organisation."""
    if actor.role != Role.LEAD_UNIT or actor.organisation_id is None:
        raise DomainError(_("只有牵头单位用户可以为本单位添加账户。"))
    user = _create_lead_unit_user(organisation=actor.organisation, account=account, password=password)
    record_audit(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        actor=actor,
        request=request,
        obj=user,
        changes={"action": "add_colleague", "organisation": actor.organisation.uscc, "user": user.username},
    )
    return user


def _create_lead_unit_user(*, organisation: Organisation, account: dict, password: str) -> User:
    if User.objects.filter(username__iexact=account["username"]).exists():
        raise DomainError(_("用户名“%(username)s”已被使用，请换一个。") % account, field="username")
    user = User(role=Role.LEAD_UNIT, organisation=organisation, **account)
    user.set_password(password)
    user.save()
    return user
