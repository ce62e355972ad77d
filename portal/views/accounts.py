"""Self-registration of lead units and the organisation page where they add colleagues."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..exceptions import DomainError
from ..forms import AccountForm, RegistrationOrganisationForm
from ..services import add_colleague, register_lead_unit
from ..throttle import registrations


def show_domain_error(error: DomainError, *forms) -> None:
    """Put a refused operation's message at the field it names, or at the top of the first form."""
    for form in forms:
        if error.field and error.field in form.fields:
            form.add_error(error.field, error.message)
            return
    forms[0].add_error(None, error.message)


def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    organisation_form = RegistrationOrganisationForm(request.POST or None, prefix="org")
    account_form = AccountForm(request.POST or None, prefix="account")
    if request.method == "POST" and (wait := registrations().wait_minutes(request)):
        return registration_refused(request, organisation_form, account_form, wait=wait)
    if request.method == "POST" and organisation_form.is_valid() and account_form.is_valid():
        try:
            user = register_lead_unit(
                organisation=organisation_form.cleaned_data,
                account=account_form.account_data(),
                password=account_form.cleaned_data["password1"],
                request=request,
            )
        except DomainError as error:
            show_domain_error(error, organisation_form, account_form)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("注册成功，欢迎使用。您现在可以创建创新联合体备案。"))
            return redirect("home")
    return render(
        request,
        "registration/register.html",
        {"organisation_form": organisation_form, "account_form": account_form},
    )


def registration_refused(request, organisation_form, account_form, *, wait: int):
    """The form again as typed, nothing registered: too many registrations from the client's address (status 429)."""
    limit = registrations()
    limit.record_refusal(request=request, username=request.POST.get("account-username", ""), wait=wait)
    organisation_form.add_error(
        None,
        _("从您所在的网络地址注册过于频繁（%(minutes)d 分钟内最多 %(limit)d 次）。请 %(wait)d 分钟后再试。")
        % {"minutes": limit.minutes, "limit": limit.limit, "wait": wait},
    )
    context = {"organisation_form": organisation_form, "account_form": account_form}
    return render(request, "registration/register.html", context, status=429)


@login_required
def organisation(request):
    user = request.user
    if not user.is_lead_unit:
        raise PermissionDenied
    if user.organisation_id is None:  # a superuser left as a lead unit: the constraint lets it have no organisation
        messages.error(
            request, _("您的账户未关联任何单位，没有“本单位”页面。请由系统管理员在管理后台设置账户的角色或所属单位。")
        )
        return redirect("home")
    account_form = AccountForm(request.POST or None, prefix="account")
    if request.method == "POST" and account_form.is_valid():
        try:
            colleague = add_colleague(
                actor=user,
                account=account_form.account_data(),
                password=account_form.cleaned_data["password1"],
                request=request,
            )
        except DomainError as error:
            show_domain_error(error, account_form)
        else:
            messages.success(
                request,
                _("已为 %(name)s 添加账户“%(username)s”。")
                % {
                    "name": colleague.last_name,
                    "username": colleague.username,
                },
            )
            return redirect("organisation")
    return render(
        request,
        "portal/organisation.html",
        {
            "organisation": user.organisation,
            "colleagues": user.organisation.users.order_by("username"),
            "account_form": account_form,
        },
    )
