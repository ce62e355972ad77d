"""Limits per client address on failed logins and on registrations (等保 2.0), beside django-axes' lock per account.

Counted from the audit log: it already records every failed login and every registration with the client's address
(``client_ip``, the address axes uses too), in the database every web process shares, so the limits need no store of
their own and hold across processes with or without Redis. A refused attempt is audited as ``LOCKED_OUT``, which
counts towards nothing: it neither lengthens the wait nor adds to any account's failures.

Deliberately no reset on a successful login: behind a shared address, an attacker with an account of their own could
otherwise clear the count between guesses.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent, User
from .services import client_ip, record_audit

# The actions ``register_lead_unit`` audits a registration under (a new organisation, or one taken over).
REGISTRATION_ACTIONS = ("register_organisation", "claim_organisation")


@dataclass(frozen=True)
class AddressLimit:
    name: str
    events: Q  # the audit events that count
    limit: int  # 0 or less: no limit
    window: timedelta

    @property
    def minutes(self) -> int:
        return int(self.window.total_seconds() // 60)

    def recent(self, address: str, *, now) -> QuerySet[AuditEvent]:
        """The address's counted events within the window before ``now``, latest first (index audit_address_time)."""
        return AuditEvent.objects.filter(self.events, ip_address=address, occurred_at__gt=now - self.window).order_by(
            "-occurred_at"
        )

    def wait_minutes(self, request) -> int:
        """Whole minutes (rounded up) until the request's address may try again; 0 when it may now."""
        address = client_ip(request)
        if address is None or self.limit <= 0:
            return 0
        now = timezone.now()
        # Locked while ``limit`` events lie within the window: until the oldest of the latest ``limit`` leaves it.
        latest = self.recent(address, now=now).values_list("occurred_at", flat=True)
        oldest_counted = next(iter(latest[self.limit - 1 : self.limit]), None)
        if oldest_counted is None:
            return 0
        return max(1, math.ceil((oldest_counted + self.window - now).total_seconds() / 60))

    def record_refusal(self, *, request, username: str, wait: int, actor: User | None = None) -> None:
        record_audit(
            event_type=AuditEvent.Type.LOCKED_OUT,
            actor=actor,
            username=username,
            request=request,
            changes={"address_limit": self.name, "limit": self.limit, "minutes": self.minutes, "wait_minutes": wait},
        )


def login_failures() -> AddressLimit:
    return AddressLimit(
        name="login",
        events=Q(event_type=AuditEvent.Type.LOGIN_FAILED),
        limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        window=settings.AXES_COOLOFF_TIME,
    )


def registrations() -> AddressLimit:
    return AddressLimit(
        name="registration",
        events=Q(event_type=AuditEvent.Type.RECORD_CHANGED, changes__action__in=REGISTRATION_ACTIONS),
        limit=settings.REGISTRATION_ADDRESS_LIMIT,
        window=settings.REGISTRATION_ADDRESS_WINDOW,
    )
