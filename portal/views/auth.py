from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..forms import LoginForm, PortalPasswordChangeForm
from ..models import AuditEvent
from ..services import record_audit
from ..throttle import login_failures


def lockout_policy() -> dict:
    return {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **lockout_policy()}

    def post(self, request, *args, **kwargs):
        # Before any password is checked: an attempt from a locked address reaches neither axes nor the account.
        if wait := login_failures().wait_minutes(request):
            return address_lockout_response(request, wait=wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        # The failure is already audited (portal/signals.py); it may be the one that locks the address.
        if form.has_error(NON_FIELD_ERRORS, "invalid_login") and (wait := login_failures().wait_minutes(self.request)):
            return address_lockout_response(self.request, wait=wait)
        return super().form_invalid(form)


def admin_login(request):
    """The admin site's sign-in is the portal's (its limits per account and per address, its audit). A signed-in
    user the admin site sends here may not use it: told so, rather than sent back and forth between the two."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(target, login_url=reverse("login"))
    if not request.user.is_staff:
        raise PermissionDenied
    return redirect(target)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = PortalPasswordChangeForm
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_audit(event_type=AuditEvent.Type.PASSWORD_CHANGED, actor=self.request.user, request=self.request)
        messages.success(self.request, _("密码已修改。"))
        return response


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes shows once an account is locked: the login page with the reason, status 403."""
    policy = lockout_policy()
    form = LoginForm(request, data=None, initial={"username": (credentials or {}).get("username", "")})
    message = _(
        "登录失败次数过多（连续 %(limit)d 次），账户已被锁定 %(minutes)d 分钟。请稍后再试，或联系系统管理员解锁。"
    ) % {"limit": policy["failure_limit"], "minutes": policy["lockout_minutes"]}
    context = {"form": form, "lockout_message": message, **policy}
    return render(request, "registration/login.html", context, status=403)


def address_lockout_response(request, *, wait: int):
    """The login page while the client's address is locked for too many failed logins: status 429, audited."""
    limit = login_failures()
    username = request.POST.get("username", "")
    limit.record_refusal(
        request=request, username=username, wait=wait, actor=get_user_model().objects.filter(username=username).first()
    )
    form = LoginForm(request, data=None, initial={"username": username})
    message = _(
        "从您所在的网络地址登录失败次数过多（%(minutes)d 分钟内 %(limit)d 次），该地址已暂停登录。"
        "请 %(wait)d 分钟后再试，或联系系统管理员。"
    ) % {"minutes": limit.minutes, "limit": limit.limit, "wait": wait}
    context = {"form": form, "lockout_message": message, **lockout_policy()}
    return render(request, "registration/login.html", context, status=429)
