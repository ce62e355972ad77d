from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import OrganisationForm
from .models import AuditEvent, Authority, IndustryField, Notification, Organisation, PlatformCategory, User

admin.site.site_header = _("南京市级创新联合体备案管理平台 · 管理后台")
admin.site.site_title = _("管理后台")
admin.site.index_title = _("系统管理")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "uscc", "kind", "jurisdiction"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["name", "uscc"]


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
