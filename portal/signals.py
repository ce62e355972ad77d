"""Audit records for authentication events (网络安全等级保护 2.0)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent
from .services import record_audit


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record_audit(event_type=AuditEvent.Type.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is None or getattr(request, "session_expired", False):
        return
    record_audit(event_type=AuditEvent.Type.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def audit_login_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    actor = get_user_model().objects.filter(username=username).first()
    record_audit(event_type=AuditEvent.Type.LOGIN_FAILED, actor=actor, username=username, request=request)


@receiver(user_locked_out)
def audit_lockout(sender, request, username=None, ip_address=None, **kwargs):
    username = username or ""
    actor = get_user_model().objects.filter(username=username).first()
    record_audit(event_type=AuditEvent.Type.LOCKED_OUT, actor=actor, username=username, request=request)
