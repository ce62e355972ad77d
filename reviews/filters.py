import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consortia.lifecycle.selectors import filter_provincially_recognised
from consortia.models import Consortium, TechnologyKind
from consortia.selectors import lists_technology_kind
from consortia.states import Status
from portal.models import Authority, IndustryField, Organisation, Role
from portal.uscc import normalise_uscc

DATE = forms.DateInput(attrs={"type": "date"})
RECOGNITION_CHOICES = [("", _("全部")), ("true", _("已获省级认定")), ("false", _("未获省级认定"))]


class QueueFilter(django_filters.FilterSet):
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
    technology_kind = django_filters.ChoiceFilter(
        label=_("技术类型"), choices=TechnologyKind.choices, method="with_technology_kind", empty_label=_("全部类型")
    )
    lead_kind = django_filters.ChoiceFilter(
        label=_("牵头单位类型"),
        field_name="lead_organisation__kind",
        choices=Organisation.Kind.choices,
        empty_label=_("全部类型"),
    )
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

    class Meta:
        model = Consortium
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == Role.DISTRICT_OFFICER:
            del self.filters["authority"]  # they see their own jurisdiction only
        # Bootstrap's classes on the widgets: the template renders label and widget itself, without crispy.
        for field in self.form.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(lead_organisation__name__icontains=value)
            | Q(lead_organisation__uscc__startswith=normalise_uscc(value))
        )

    def with_recognition(self, queryset, name, value):
        return filter_provincially_recognised(queryset, value)

    def with_technology_kind(self, queryset, name, value):
        return queryset.filter(lists_technology_kind(value)) if value else queryset
