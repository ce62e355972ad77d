from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from ..forms import LoginForm, PortalPasswordChangeForm
from ..models import AuditEvent
from ..services import record_audit


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
