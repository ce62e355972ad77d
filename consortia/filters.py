"""What the lists of consortia filter alike — the officers' review queue (``reviews.filters.QueueFilter``) and the
portfolio (``monitoring.filters.PortfolioFilter``): the technology kind and the lead unit's kind, provincial
recognition, a district officer's list without the authority filter, and Bootstrap's classes on the widgets."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation, Role

from .lifecycle.selectors import filter_provincially_recognised
from .models import Consortium, TechnologyKind
from .selectors import lists_technology_kind

DATE = forms.DateInput(attrs={"type": "date"})
RECOGNITION_CHOICES = [("", _("全部")), ("true", _("已获省级认定")), ("false", _("未获省级认定"))]


def technology_kind_filter() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=_("技术类型"), choices=TechnologyKind.choices, method="with_technology_kind", empty_label=_("全部类型")
    )


def lead_kind_filter() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=_("牵头单位类型"),
        field_name="lead_organisation__kind",
        choices=Organisation.Kind.choices,
        empty_label=_("全部类型"),
    )


class ConsortiumFilterSet(django_filters.FilterSet):
    """The base of both lists. The shared filters are made by the functions above where each list declares them, so
    that each keeps its own order of fields (declared filters are ordered as they were made)."""

    class Meta:
        model = Consortium
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == Role.DISTRICT_OFFICER:
            self.filters.pop("authority", None)  # they see their own jurisdiction only
        # Bootstrap's classes on the widgets: the templates render label and widget themselves, without crispy.
        for field in self.form.fields.values():
            select = isinstance(field.widget, forms.Select | forms.SelectMultiple)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")

    # django-filter calls a method only with a value (False included), never with an empty one.

    def with_technology_kind(self, queryset, name, value):
        return queryset.filter(lists_technology_kind(value))

    def with_recognition(self, queryset, name, value):
        return filter_provincially_recognised(queryset, value)
