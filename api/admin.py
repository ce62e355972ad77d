"""System accounts and API tokens in the admin: an administrator creates the account, issues its tokens (the raw token
shown once, on the page that answers the issue) and revokes them. Both lists are read-only otherwise: every change
goes through api/services.py, which audits it."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from portal.exceptions import DomainError
from portal.models import Authority, Role, User

from .models import ApiToken, SystemAccount
from .services import SYSTEM_ACCOUNT_ROLES, create_system_account, issue_token, revoke_token

FORM_TEMPLATE = "admin/api/service_form.html"


class SystemAccountForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    name = forms.CharField(label=_("名称"), max_length=150, help_text=_("调用接口的系统，如“江宁区科技局数据中台”。"))
    role = forms.ChoiceField(label=_("角色"), choices=[(role.value, role.label) for role in SYSTEM_ACCOUNT_ROLES])
    authority = forms.ModelChoiceField(
        label=_("所属主管部门"),
        queryset=Authority.objects.filter(is_active=True),
        required=False,
        help_text=_("区（园区）科技局角色必填：令牌只能看到该辖区的备案。"),
    )
    purpose = forms.CharField(label=_("用途"), max_length=200, required=False)


class ApiTokenForm(forms.Form):
    account = forms.ModelChoiceField(
        label=_("系统账户"), queryset=User.objects.filter(system_account__isnull=False, is_active=True)
    )
    name = forms.CharField(label=_("令牌名称"), max_length=100)
    expires_on = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Here, not on the field: the setting as it is now, in the language of this request.
        self.fields["expires_on"].help_text = _("当日结束后失效；最长 %(days)s 天。") % {
            "days": settings.API_TOKEN_MAX_DAYS
        }


def run_service_form(admin_obj, request, form_class, *, title, act, initial=None):
    """The add page of an admin whose rows only a service creates: the form, then ``act(form.cleaned_data)``; a
    refusal of the service is shown on its field. Returns the rendered form, or what ``act`` returned."""
    if not admin_obj.has_add_permission(request):
        raise PermissionDenied
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            return act(form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    context = {
        **admin_obj.admin_site.each_context(request),
        "title": title,
        "opts": admin_obj.opts,
        "form": form,
    }
    return TemplateResponse(request, FORM_TEMPLATE, context)


@admin.register(SystemAccount)
class SystemAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "username", "role", "authority", "is_active", "purpose", "created_by", "created_at"]
    search_fields = ["user__username", "user__last_name", "purpose"]
    list_select_related = ["user__authority", "created_by"]

    @admin.display(description=_("用户名"), ordering="user__username")
    def username(self, account):
        return account.user.username

    @admin.display(description=_("角色"))
    def role(self, account):
        return account.user.get_role_display()

    @admin.display(description=_("所属主管部门"))
    def authority(self, account):
        return account.user.authority or "—"

    @admin.display(description=_("启用"), boolean=True)
    def is_active(self, account):
        return account.user.is_active

    def has_change_permission(self, request, obj=None):
        # Role, authority and the switch to deactivate live on the user (portal's user admin), audited there.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        def create(data):
            user = create_system_account(
                username=data["username"],
                name=data["name"],
                role=data["role"],
                authority=data["authority"],
                purpose=data["purpose"],
                actor=request.user,
            )
            messages.success(request, _("已创建系统账户 %(account)s，可为其签发令牌。") % {"account": user})
            return redirect(reverse("admin:api_apitoken_add") + f"?account={user.pk}")

        return run_service_form(
            self, request, SystemAccountForm, title=_("创建系统账户"), act=create, initial={"role": Role.CITY_STAFF}
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "account", "status", "expires_on", "last_used_at", "created_by", "created_at"]
    search_fields = ["name", "prefix", "account__username", "account__last_name"]
    list_select_related = ["account", "created_by"]
    actions = ["revoke"]
    # The hash is not shown: it is no use to anyone reading the page.
    fields = [
        "name",
        "prefix",
        "account",
        "expires_on",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]

    @admin.display(description=_("状态"))
    def status(self, token):
        if token.is_revoked:
            return _("已吊销")
        if token.is_expired():
            return _("已过期")
        return _("有效")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A token is revoked, never deleted: the audit trail names it by its prefix.
        return False

    def get_actions(self, request):
        # The action changes rows, so it needs the right to add (issue) tokens, the only right this admin grants.
        actions = super().get_actions(request)
        if not self.has_add_permission(request):
            actions.pop("revoke", None)
        return actions

    @admin.action(description=_("吊销所选令牌（不可撤回）"))
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True).select_related("account"))
        if not tokens:
            self.message_user(request, _("所选令牌均已吊销。"), messages.WARNING)
            return None
        if request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("确认吊销令牌"),
                "opts": self.opts,
                "tokens": tokens,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/api/apitoken/revoke_confirmation.html", context)
        for token in tokens:
            revoke_token(token=token, actor=request.user)
        self.message_user(
            request,
            ngettext("已吊销 %(count)d 个令牌。", "已吊销 %(count)d 个令牌。", len(tokens)) % {"count": len(tokens)},
            messages.SUCCESS,
        )
        return None

    @method_decorator(never_cache)
    def add_view(self, request, form_url="", extra_context=None):
        def issue(data):
            token, raw = issue_token(
                account=data["account"], name=data["name"], expires_on=data["expires_on"], actor=request.user
            )
            # The answer to the POST itself shows the raw token: it is never stored, nor put in a message or session.
            context = {
                **self.admin_site.each_context(request),
                "title": _("令牌已签发"),
                "opts": self.opts,
                "token": token,
                "raw_token": raw,
            }
            return TemplateResponse(request, "admin/api/apitoken/issued.html", context)

        days = min(90, settings.API_TOKEN_MAX_DAYS)
        initial = {"account": request.GET.get("account"), "expires_on": timezone.localdate() + timedelta(days=days)}
        return run_service_form(self, request, ApiTokenForm, title=_("签发 API 令牌"), act=issue, initial=initial)
