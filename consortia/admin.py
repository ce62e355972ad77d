from decimal import Decimal

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdmin
from portal.models import AuditEvent
from portal.services import record_audit

from .models import Consortium, EligibilityThresholds


def _audit_value(value):
    # JSON keeps Decimals as text, exactly as typed ("5.00"), rather than as a float that may not round-trip.
    return str(value) if isinstance(value, Decimal) else value


@admin.register(EligibilityThresholds)
class EligibilityThresholdsAdmin(admin.ModelAdmin):
    """One row of numbers the eligibility rules read; every change is in the audit trail with its actor."""

    fieldsets = (
        (None, {"fields": ("members_min", "period_max_years", "justification_min_length")}),
        (
            _("研发投入强度分档（优先指标，不作为否决条件）"),
            {
                "fields": (
                    "rd_band_small_revenue_max",
                    "rd_band_medium_revenue_max",
                    "rd_intensity_small_min",
                    "rd_intensity_medium_min",
                    "rd_intensity_large_min",
                )
            },
        ),
    )
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return False  # there is exactly one row, made by a migration

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # A list of one row is a detour: go straight to its form.
        row = EligibilityThresholds.load()
        return redirect(reverse("admin:consortia_eligibilitythresholds_change", args=[row.pk]))

    def save_model(self, request, obj, form, change):
        before = EligibilityThresholds.objects.filter(pk=obj.pk).first()
        super().save_model(request, obj, form, change)
        # Read back, so that old and new are in the same stored form (2.5 typed is "2.50" stored, like the old "3.00").
        after = EligibilityThresholds.objects.get(pk=obj.pk)
        for field in form.changed_data:
            record_audit(
                event_type=AuditEvent.Type.RECORD_CHANGED,
                actor=request.user,
                request=request,
                obj=obj,
                changes={
                    "field": field,
                    "old": _audit_value(getattr(before, field)) if before else None,
                    "new": _audit_value(getattr(after, field)),
                },
            )


@admin.register(Consortium)
class ConsortiumAdmin(ReadOnlyAdmin):
    """For looking things up. A consortium's state changes only through the transition table's service (the review
    and lifecycle pages), never by editing a field here, so the admin is read-only."""

    list_display = ["name", "lead_organisation", "status", "filing_number", "field", "updated_at"]
    list_filter = ["status", "field", "lead_organisation__jurisdiction"]
    search_fields = ["name", "filing_number", "lead_organisation__name", "lead_organisation__uscc"]
    list_select_related = ["lead_organisation", "field"]
    date_hierarchy = "created_at"

    def view_on_site(self, obj):
        return reverse("consortia:detail", args=[obj.pk])
