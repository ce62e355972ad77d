import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consortia.filters import DATE, RECOGNITION_CHOICES, ConsortiumFilterSet, lead_kind_filter, technology_kind_filter
from consortia.states import Status
from portal.models import Authority, IndustryField
from portal.uscc import normalise_uscc


class QueueFilter(ConsortiumFilterSet):
    """The officers' queue filters (DESIGN §1: tens to hundreds of filings)."""

    q = django_filters.CharFilter(
        label=_("搜索"), method="search", help_text=_("联合体名称、牵头单位或统一社会信用代码")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, empty_label=_("全部状态"))
    field = django_filters.ModelChoiceFilter(
        label=_("产业领域"), queryset=IndustryField.objects.all(), empty_label=_("全部领域")
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("属地"),
        field_name="lead_organisation__jurisdiction",
        queryset=Authority.objects.all(),
        empty_label=_("全部属地"),
    )
    technology_kind = technology_kind_filter()
    lead_kind = lead_kind_filter()
    submitted_from = django_filters.DateFilter(
        label=_("提交日期自"), field_name="submitted_at__date", lookup_expr="gte", widget=DATE
    )
    submitted_to = django_filters.DateFilter(
        label=_("至"), field_name="submitted_at__date", lookup_expr="lte", widget=DATE
    )
    provincially_recognised = django_filters.BooleanFilter(
        label=_("省级认定"), method="with_recognition", widget=forms.Select(choices=RECOGNITION_CHOICES)
    )
    o = django_filters.OrderingFilter(
        fields=(
            ("submitted_at", "submitted_at"),
            ("name", "name"),
            ("lead_organisation__name", "lead"),
            ("status", "status"),
            ("field__position", "field"),
        ),
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(lead_organisation__name__icontains=value)
            | Q(lead_organisation__uscc__startswith=normalise_uscc(value))
        )
