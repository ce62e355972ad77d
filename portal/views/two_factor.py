"""The second factor's pages: enrolment (QR code, secret, confirmation, backup codes) and verification after the
password. The rules are in portal/two_factor.py."""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import two_factor
from ..forms import TwoFactorCodeForm
from ..throttle import login_failures
from .auth import lockout_response


def next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
def enrol(request):
    user = request.user
    if not two_factor.enrolment_due(user):
        if not user.is_verified():
            # A device is set up: only who proves to hold it may see this page (or set up another one).
            return redirect_to_login(next_url(request), login_url=reverse("two_factor_verify"))
        return render(request, "two_factor/enrolled.html", {"backup_codes_left": two_factor.backup_codes_left(user)})
    device = two_factor.pending_totp(user)
    form = TwoFactorCodeForm(request.POST or None, backup_allowed=False)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_enrolment(request=request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            # Shown in this answer only, never stored in the session: reloading the page does not show them again.
            return render(request, "two_factor/backup_codes.html", {"codes": codes, "next": next_url(request)})
        form.add_error("code", _("验证码不正确，请按身份验证器当前显示的 6 位数字重新输入。"))
    context = {
        "form": form,
        "qr_svg": mark_safe(two_factor.qr_svg(device)),  # segno's markup of the URI: no user text
        "secret": two_factor.secret_text(device),
        "required": two_factor.is_required(user),
        "next": request.GET.get("next", ""),
    }
    return render(request, "two_factor/enrol.html", context)


@login_required
def verify(request):
    user = request.user
    if not two_factor.owes_second_factor(request):
        return redirect(next_url(request))
    if two_factor.confirmed_totp(user) is None:
        if two_factor.is_required(user):
            return redirect_to_login(next_url(request), login_url=reverse("two_factor_enrol"))
        # Reset by an administrator during this session: an optional role is then asked for nothing.
        request.session[two_factor.ENROLLED_SESSION_KEY] = False
        return redirect(next_url(request))
    if two_factor.is_locked_out(request):
        return locked_out(request)
    form = TwoFactorCodeForm(request.POST or None)
    context = {"form": form, "next": next_url(request)}
    if request.method == "POST":
        # As at the password: from a locked address no code is tried.
        if wait := login_failures().wait_minutes(request):
            login_failures().record_refusal(request=request, username=user.username, wait=wait, actor=user)
            context["lockout_message"] = _(
                "从您所在的网络地址登录失败次数过多，该地址已暂停登录。请 %(wait)d 分钟后再试，或联系系统管理员。"
            ) % {"wait": wait}
            return render(request, "two_factor/verify.html", {**context, "form": TwoFactorCodeForm()}, status=429)
        if form.is_valid():
            if two_factor.verify_code(request=request, code=form.cleaned_data["code"]):
                return redirect(next_url(request))
            if getattr(request, "axes_locked_out", False) or two_factor.is_locked_out(request):
                return locked_out(request)
            form.add_error("code", _("验证码不正确，请重新输入。连续多次输入错误，账户将被临时锁定。"))
    return render(request, "two_factor/verify.html", context)


def locked_out(request):
    """The password's lock-out page and message; the half-finished sign-in ends with it."""
    username = request.user.get_username()
    logout(request)
    return lockout_response(request, credentials={"username": username})
