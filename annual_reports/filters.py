"""The filters of a campaign's report list: tens to hundreds of reports a year, by status, district and lateness."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Authority, Role

from .models import AnnualReport, ReportStatus

OVERDUE_CHOICES = [("", _("全部")), ("true", _("逾期")), ("false", _("未逾期"))]


class ReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search", help_text=_("联合体名称或备案编号"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportStatus.choices, empty_label=_("全部状态"))
    authority = django_filters.ModelChoiceFilter(
        label=_("属地"),
        field_name="consortium__lead_organisation__jurisdiction",
        queryset=Authority.objects.all(),
        empty_label=_("全部属地"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("逾期"), method="with_overdue", widget=forms.Select(choices=OVERDUE_CHOICES)
    )

    class Meta:
        model = AnnualReport
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == Role.DISTRICT_OFFICER:
            del self.filters["authority"]  # they see their own jurisdiction only
        # Bootstrap's classes, as on the review queue: the template renders each label and widget itself.
        for name, field in self.form.fields.items():
            field.widget.attrs.setdefault("class", "form-control" if name == "q" else "form-select")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(consortium__name__icontains=value) | Q(consortium__filing_number__icontains=value))

    def with_overdue(self, queryset, name, value):
        return queryset.filter(overdue_since__isnull=not value)
