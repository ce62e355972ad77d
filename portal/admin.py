from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .forms import OrganisationForm
from .hooks import jurisdiction_change_refusal
from .models import AuditEvent, Authority, IndustryField, Notification, Organisation, PlatformCategory, User
from .services import record_audit
from .two_factor import reset_second_factor

admin.site.site_header = _("南京市级创新联合体备案管理平台 · 管理后台")
admin.site.site_title = _("管理后台")
admin.site.index_title = _("系统管理")


def audit_value(instance, name: str):
    """A field's value as the audit trail keeps it: an organisation by its USCC, an authority by its code."""
    field = instance._meta.get_field(name)
    if not field.many_to_one:
        return getattr(instance, field.attname)
    related = getattr(instance, name)
    if related is None:
        return None
    for key in ("uscc", "code"):
        if hasattr(related, key):
            return getattr(related, key)
    return related.pk


class AuditedAdmin(admin.ModelAdmin):
    """Writes one audit event for each save through the admin that changes an ``audited_fields`` field, naming
    exactly the fields that changed with their values before and after (compared with the row in the database).
    A row added through the admin names every audited field, with nothing before."""

    audited_fields: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk is not None else None
        before = {name: audit_value(stored, name) for name in self.audited_fields} if stored is not None else {}
        super().save_model(request, obj, form, change)
        changes = {}
        for name in self.audited_fields:
            old, new = before.get(name), audit_value(obj, name)
            if stored is None or old != new:
                changes[name] = {"before": old, "after": new}
        if changes:
            record_audit(
                event_type=AuditEvent.Type.RECORD_CHANGED,
                actor=request.user,
                request=request,
                obj=obj,
                changes={"action": "admin_change" if stored is not None else "admin_add", **changes},
            )


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    # Who may do what: the role and where it applies, and the switches of Django's own permissions.
    audited_fields = ("role", "organisation", "authority", "is_active", "is_staff", "is_superuser")
    list_display = ["username", "last_name", "first_name", "role", "organisation", "authority", "is_active"]
    list_filter = ["role", "is_active", "authority"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("平台角色"), {"fields": ("role", "organisation", "authority", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("平台角色"), {"fields": ("role", "organisation", "authority", "email")}),
    )
    actions = ["reset_two_factor"]

    @admin.action(description=_("重置两步验证"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        # Each user's devices removed and audited; who must have a second factor enrols again at the next login.
        for user in queryset:
            reset_second_factor(user=user, actor=request.user, request=request)
        self.message_user(
            request, _("已重置 %(count)d 个用户的两步验证。") % {"count": len(queryset)}, messages.SUCCESS
        )


class OrganisationAdminForm(OrganisationForm):
    def clean_jurisdiction(self):
        jurisdiction = self.cleaned_data.get("jurisdiction")
        if self.instance.pk is None:
            return jurisdiction
        stored = Organisation.objects.filter(pk=self.instance.pk).values_list("jurisdiction_id", flat=True).first()
        if stored != (jurisdiction.pk if jurisdiction else None):
            refusal = jurisdiction_change_refusal(self.instance)
            if refusal:
                raise ValidationError(refusal, code="jurisdiction_locked")
        return jurisdiction


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    form = OrganisationAdminForm
    audited_fields = tuple(OrganisationForm.Meta.fields)
    list_display = ["name", "uscc", "kind", "jurisdiction", "registered"]
    list_filter = ["kind", "jurisdiction", "registered"]
    search_fields = ["name", "uscc"]
    readonly_fields = ["registered"]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "kind", "authority_zh", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(IndustryField)
class IndustryFieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "group", "is_active", "position"]
    list_filter = ["group", "is_active"]


@admin.register(PlatformCategory)
class PlatformCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "is_active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin for looking rows up: no one adds, changes or deletes a row through it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["occurred_at", "event_type", "username", "ip_address", "object_type", "object_id"]
    list_filter = ["event_type"]
    search_fields = ["username", "object_id"]
    date_hierarchy = "occurred_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "subject", "read_at", "delivered_at", "email_attempts"]
    list_filter = ["delivered_at", "read_at"]
    search_fields = ["subject", "recipient__username"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
