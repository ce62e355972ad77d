"""Two-factor sign-in (django-otp): a TOTP device with ten one-time backup codes after the password.

Required for the roles in ``TWO_FACTOR_REQUIRED_ROLES`` (default city staff and administrators), who enrol on their
first login after it becomes required; any other user may enrol from the account menu and is then asked at every login
too. ``TwoFactorMiddleware`` keeps a signed-in user who owes the second factor on the verification (or enrolment) page.

Wrong codes lock the account like wrong passwords: each is a failed login for django-axes (the same
``LOGIN_FAILURE_LIMIT``) and an audited ``LOGIN_FAILED`` with its kind, which the per-address limit
(``portal/throttle.py``) counts too, like any failed login from that address. Axes forgets an account's failures when
its password is given correctly; so that an attacker holding the password cannot clear the count of wrong codes by
signing in again, the codes are also counted from the audit log: since the user's last accepted code or second factor
reset, within ``LOGIN_LOCKOUT_MINUTES``.
"""

from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Max, Q
from django.dispatch import receiver
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device, verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AuditEvent, User
from .services import record_audit

BACKUP_CODE_COUNT = 10
TOTP = "totp"
BACKUP = "backup"
# Whether the signed-in user has a confirmed device, looked up once a session (users of optional roles).
ENROLLED_SESSION_KEY = "portal_two_factor_enrolled"
ENROLLED = "two_factor_enrolled"
RESET = "two_factor_reset"


def is_required(user: User) -> bool:
    return user.role in settings.TWO_FACTOR_REQUIRED_ROLES


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def enrolment_due(user: User) -> bool:
    """The user may set up a device now: none confirmed yet."""
    return confirmed_totp(user) is None


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_totp(user: User) -> TOTPDevice:
    """The device being enrolled: its secret stays the same between the page and the confirmation."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="totp", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps take it by hand, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI (issuer OTP_TOTP_ISSUER, the username) as inline SVG markup drawn here, with no style
    attribute; sized by its container (a viewBox, no width), with the standard quiet zone of four modules."""
    return segno.make(device.config_url, error="l").svg_inline(border=4, omitsize=True, svgclass="d-block w-100")


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def code_kind(code: str) -> str:
    return TOTP if code.isdigit() and len(code) == 6 else BACKUP


def confirm_enrolment(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the device with a current code and gives the ten backup codes (replacing any earlier ones), or
    ``None`` when the code is wrong (nothing confirmed). The session counts as verified from here."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        if not device.verify_token(normalise_code(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        backup = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
        codes = [StaticToken.random_token() for _number in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=backup, token=token) for token in codes)
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=user,
            request=request,
            obj=device,
            changes={"action": ENROLLED, "backup_codes": BACKUP_CODE_COUNT},
        )
    otp_login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True
    return codes


def verify_code(*, request, code: str) -> bool:
    """Checks a TOTP code or a backup code (used up by it) and audits the outcome. A wrong one counts towards the
    account's lock-out: afterwards ``request.axes_locked_out`` says whether it was the one that locked it."""
    user = request.user
    code = normalise_code(code)
    kind = code_kind(code)
    model = TOTPDevice if kind == TOTP else StaticDevice
    device = None
    for candidate in model.objects.devices_for_user(user, confirmed=True):
        device = verify_token(user, candidate.persistent_id, code)
        if device is not None:
            break
    if device is None:
        record_audit(
            event_type=AuditEvent.Type.LOGIN_FAILED, actor=user, request=request, changes={"second_factor": kind}
        )
        # Straight to axes rather than through user_login_failed, whose audit receiver would log the failure a second
        # time without its kind.
        AxesProxyHandler.user_login_failed(sender=verify_code, credentials={"username": user.username}, request=request)
        return False
    changes = {"second_factor": kind}
    if kind == BACKUP:
        changes["backup_codes_left"] = device.token_set.count()
    record_audit(event_type=AuditEvent.Type.LOGIN, actor=user, request=request, changes=changes)
    otp_login(request, device)
    return True


def recent_code_failures(user: User) -> int:
    """Wrong codes since the user's last accepted code or second factor reset, within LOGIN_LOCKOUT_MINUTES."""
    accepted = Q(actor=user, event_type=AuditEvent.Type.LOGIN, changes__has_key="second_factor")
    reset = Q(object_type=user._meta.label_lower, object_id=str(user.pk), changes__action=RESET)
    since = AuditEvent.objects.filter(accepted | reset).aggregate(latest=Max("occurred_at"))["latest"]
    start = timezone.now() - settings.AXES_COOLOFF_TIME
    if since is not None and since > start:
        start = since
    return AuditEvent.objects.filter(
        actor=user, event_type=AuditEvent.Type.LOGIN_FAILED, changes__has_key="second_factor", occurred_at__gt=start
    ).count()


def is_locked_out(request) -> bool:
    user = request.user
    return (
        AxesProxyHandler.is_locked(request, credentials={"username": user.username})
        or recent_code_failures(user) >= settings.AXES_FAILURE_LIMIT
    )


def reset_second_factor(*, user: User, actor: User, request=None) -> None:
    """Removes the user's TOTP and backup devices (an administrator's act, audited). The user enrols again at the next
    login where it is required."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            request=request,
            obj=user,
            changes={"action": RESET, "user": user.username},
        )


@receiver(user_logged_in)
def note_enrolment(sender, request, user, **kwargs):
    """Whether the user enrolled, kept in the new session: the middleware asks the database once, not on every page."""
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = user_has_device(user)


def owes_second_factor(request) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if is_required(user):
        return True
    if ENROLLED_SESSION_KEY not in request.session:
        request.session[ENROLLED_SESSION_KEY] = user_has_device(user)
    return request.session[ENROLLED_SESSION_KEY]


class TwoFactorMiddleware:
    """Sends a signed-in user who owes the second factor to the verification page (the enrolment page while a user who
    must have one has none) from every page but those listed in ``exempt``. Requests under /api/ with a session get a
    403 in JSON instead; requests signed in by API token carry no session user here and pass."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.verify_url = reverse("two_factor_verify")
        self.enrol_url = reverse("two_factor_enrol")
        self.exempt = (
            self.verify_url,
            self.enrol_url,
            reverse("logout"),
            settings.STATIC_URL,
            reverse("healthz"),
            reverse("readyz"),
            "/i18n/",
            reverse("help"),
            "/public/",
        )

    def __call__(self, request):
        if request.path_info.startswith(self.exempt) or not owes_second_factor(request):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("请先完成两步验证。")}, status=403)
        enrolled = not is_required(request.user) or confirmed_totp(request.user) is not None
        target = self.verify_url if enrolled else self.enrol_url
        return redirect_to_login(request.get_full_path(), login_url=target)
