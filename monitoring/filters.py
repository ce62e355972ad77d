"""The portfolio list's filters, search and sort (issue 14 item 2). The parameter names and values are the ones the
dashboard's charts link with: ``status`` (repeatable), ``authority`` (the authority's code), ``field`` (the industry
field's code), ``technology_kind``, ``lead_kind``, ``period_from`` / ``period_to``, ``expiring_before``,
``recognised``, ``dishonest`` (``true`` / ``false``), ``q`` and ``ordering``."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortia.filters import DATE, RECOGNITION_CHOICES, ConsortiumFilterSet, lead_kind_filter, technology_kind_filter
from consortia.states import Status
from portal.models import Authority, IndustryField

from . import selectors

DISHONESTY_CHOICES = [("", _("全部")), ("true", _("有有效失信记录")), ("false", _("无有效失信记录"))]


class PortfolioOrdering(django_filters.OrderingFilter):
    """Only the whitelisted columns; empty values last and the id as the last key (``selectors.sort_keys``)."""

    descending_fmt = _("%s（降序）")

    def filter(self, qs, value):
        return qs.order_by(*selectors.sort_keys(value or []))


class PortfolioFilter(ConsortiumFilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"), method="search_text", help_text=_("联合体名称、备案编号、牵头或参与单位名称、统一社会信用代码")
    )
    # ``status IN (…)`` joins nothing, so no row comes twice: no DISTINCT over whole rows.
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=Status.choices, distinct=False)
    authority = django_filters.ModelChoiceFilter(
        label=_("属地"),
        field_name="lead_organisation__jurisdiction",
        to_field_name="code",
        queryset=Authority.objects.all(),
        empty_label=_("全部属地"),
    )
    field = django_filters.ModelChoiceFilter(
        label=_("产业领域"), to_field_name="code", queryset=IndustryField.objects.all(), empty_label=_("全部领域")
    )
    technology_kind = technology_kind_filter()
    lead_kind = lead_kind_filter()
    # The construction period (as approved) overlaps period_from–period_to: it ends on or after the one and starts
    # on or before the other.
    period_from = django_filters.DateFilter(
        label=_("建设期覆盖（起）"), field_name="end_date", lookup_expr="gte", widget=DATE
    )
    period_to = django_filters.DateFilter(
        label=_("建设期覆盖（止）"), field_name="start_date", lookup_expr="lte", widget=DATE
    )
    expiring_before = django_filters.DateFilter(
        label=_("建设期届满不晚于"), method="expiring_by", widget=DATE, help_text=_("仅建设期内的联合体")
    )
    recognised = django_filters.BooleanFilter(
        label=_("省级认定"), method="with_recognition", widget=forms.Select(choices=RECOGNITION_CHOICES)
    )
    dishonest = django_filters.BooleanFilter(
        label=_("失信记录"),
        method="with_dishonesty",
        widget=forms.Select(choices=DISHONESTY_CHOICES),
        help_text=_("牵头单位或现有参与单位今日有有效的失信记录"),
    )
    ordering = PortfolioOrdering(
        label=_("排序"),
        fields=tuple((name, name) for name in selectors.SORTABLE),
        field_labels={
            "filing_number": _("备案编号"),
            "name": _("联合体名称"),
            "start_date": _("建设期开始"),
            "end_date": _("建设期结束"),
            "status": _("状态"),
        },
        empty_label=_("默认（备案编号）"),
    )

    def search_text(self, queryset, name, value):
        return selectors.search(queryset, value)

    # django-filter calls a method only with a value (False included), never with an empty one.

    def expiring_by(self, queryset, name, value):
        return selectors.expiring_by(queryset, value)

    def with_dishonesty(self, queryset, name, value):
        return selectors.with_dishonesty(queryset, value, today=timezone.localdate())
