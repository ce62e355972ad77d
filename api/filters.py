"""The API's filters: the pages' own FilterSets where a page has one, given the user as the pages give it."""

import django_filters
from django import forms
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from annual_reports.filters import ReportFilter
from consortia.lifecycle.selectors import IN_FORCE, NOT_IN_FORCE, dishonesty_records
from consortia.models import ChangeRecord, DishonestyRecord, Submission
from monitoring.filters import PortfolioFilter
from portal.models import Authority

# The largest id a column holds (BigAutoField): a larger number is a 400, not a query the database cannot run.
LARGEST_ID = 2**63 - 1


def whole_number(*, field_name: str, label: str, minimum: int, maximum: int) -> django_filters.Filter:
    """A filter on a whole number within bounds (django-filter's NumberFilter takes decimals and any size), the
    bounds stated in the schema too."""
    number = django_filters.Filter(field_name=field_name, label=label, min_value=minimum, max_value=maximum)
    number.field_class = forms.IntegerField
    return extend_schema_field({"type": "integer", "minimum": minimum, "maximum": maximum})(number)


# By id, not a choice among every consortium: a choice would answer "not a valid choice" for one that does not
# exist and an empty list for one the user may not see, telling the two apart.
def consortium_filter() -> django_filters.Filter:
    return whole_number(field_name="consortium_id", label="联合体 ID / Consortium id", minimum=1, maximum=LARGEST_ID)


class UserFilterBackend(DjangoFilterBackend):
    """django-filter's DRF backend for FilterSets that take ``user=`` (the pages' drop the authority filter for a
    district officer, who sees one jurisdiction only). A bad value answers 400 with each field's errors."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "user": request.user}


class UserFilterSet(django_filters.FilterSet):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class ConsortiumFilter(PortfolioFilter):
    """The portfolio list's filters and search. Without its ``ordering``: the API's pages are a cursor over the id
    (``pagination.IdCursorPagination``), which would override any other order."""

    ordering = None


class SubmissionFilter(UserFilterSet):
    consortium = consortium_filter()

    class Meta:
        model = Submission
        fields = []


class AnnualReportFilter(ReportFilter):
    """A campaign's report list filters (status, authority, overdue, search), and the year and consortium, which
    the pages take from their URL."""

    year = whole_number(field_name="campaign__year", label="报告年度 / Year", minimum=2000, maximum=2100)
    consortium = consortium_filter()
    # By the authority's code, as on the consortia list (the page's form names it by its row id).
    authority = django_filters.ModelChoiceFilter(
        field_name="consortium__lead_organisation__jurisdiction", to_field_name="code", queryset=Authority.objects.all()
    )


class ChangeRecordFilter(UserFilterSet):
    consortium = consortium_filter()
    kind = django_filters.ChoiceFilter(choices=ChangeRecord.Kind.choices, label="变更类型 / Kind")
    effective_from = django_filters.DateFilter(
        field_name="effective_on", lookup_expr="gte", label="生效日期不早于 / Effective on or after"
    )
    effective_to = django_filters.DateFilter(
        field_name="effective_on", lookup_expr="lte", label="生效日期不晚于 / Effective on or before"
    )

    class Meta:
        model = ChangeRecord
        fields = []


class DishonestyRecordFilter(UserFilterSet):
    """The dishonesty record list's search and state, answered by its own selector."""

    q = django_filters.CharFilter(method="search", label="单位名称或统一社会信用代码 / Organisation name or USCC")
    state = django_filters.ChoiceFilter(
        method="in_state",
        choices=[(IN_FORCE, "今日有效 / In force today"), (NOT_IN_FORCE, "今日无效 / Not in force today")],
        label="状态 / State",
    )

    class Meta:
        model = DishonestyRecord
        fields = []

    def search(self, queryset, name, value):
        return self._among(queryset, search=value)

    def in_state(self, queryset, name, value):
        return self._among(queryset, state=value)

    def _among(self, queryset, **criteria):
        selected = dishonesty_records(user=self.user, today=timezone.localdate(), **criteria)
        return queryset.filter(pk__in=selected.values("pk"))
