"""The read-only API (issue 16). Every queryset starts where the pages start — ``visible_to(user)`` or the selector the
page uses — so the API shows exactly what the portal shows: another unit's object is a 404, a list never has more."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ReadOnlyModelViewSet

from annual_reports.selectors import report_as_seen, visible_reports
from consortia.models import ChangeRecord, Consortium, DishonestyRecord, Submission
from consortia.permissions import leads
from consortia.selectors import filing_as_seen
from consortia.snapshots import load_filing
from monitoring.selectors import portfolio, portfolio_rows
from portal.models import Role

from . import filters, serializers
from .pagination import IdCursorPagination
from .schema import ApiTokenScheme  # noqa: F401 (registers itself: the schema documents the API token)


def _live_for_its_lead_unit(user, consortia):
    """A lead unit reads its own filing live, as on its pages (``filing_as_seen``); a portfolio row otherwise shows
    the latest submission of a filing being edited."""
    for consortium in consortia:
        if leads(user, consortium):
            consortium.submitted_document = None
        yield consortium


class ScopedViewSet(ReadOnlyModelViewSet):
    filter_backends = [filters.UserFilterBackend]
    pagination_class = IdCursorPagination

    def filter_queryset(self, queryset):
        # The filters are a list's; an object is found by its id alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


@extend_schema_view(
    list=extend_schema(
        summary="联合体清单 / Consortia",
        description="用户可见的联合体，筛选条件同在库联合体清单页面 / The consortia the user sees, with the portfolio "
        "list's filters.",
        responses=serializers.ConsortiumRowSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="联合体详情 / A consortium",
        description="参与单位、攻关任务、建设期、状态与备案编号；审核人员看到最近一次提交的内容 / "
        "Members, tasks, period, status and filing number; reviewers read the latest submission.",
        responses=serializers.ConsortiumDetailSerializer,
    ),
)
class ConsortiumViewSet(ScopedViewSet):
    filterset_class = filters.ConsortiumFilter
    serializer_class = serializers.ConsortiumRowSerializer

    def get_queryset(self):
        return portfolio(self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = portfolio_rows(_live_for_its_lead_unit(request.user, page))
        return self.get_paginated_response(serializers.ConsortiumRowSerializer(rows, many=True).data)

    def retrieve(self, request, pk=None):
        # As the filing's page: visibility first, then the filing as this user sees it.
        get_object_or_404(Consortium.objects.visible_to(request.user).only("pk"), pk=pk)
        consortium = load_filing(pk)
        seen = filing_as_seen(request.user, consortium)
        consortium.seen = seen.document
        consortium.submission = seen.submission.number if seen.submission else None
        # As the exchange-format export: once approved, the period is the one the approval set.
        if consortium.start_date:
            consortium.period = {"start": consortium.start_date, "end": consortium.end_date}
        else:
            consortium.period = seen.document["period"]
        return Response(serializers.ConsortiumDetailSerializer(consortium).data)


@extend_schema_view(
    list=extend_schema(
        summary="提交记录 / Submissions",
        description="用户可见联合体的每次提交，内容为 consortium-filing/1 文档 / "
        "Every submission of the consortia the user sees, as consortium-filing/1 documents.",
    ),
    retrieve=extend_schema(summary="一次提交 / A submission"),
)
class SubmissionViewSet(ScopedViewSet):
    filterset_class = filters.SubmissionFilter
    serializer_class = serializers.SubmissionSerializer

    def get_queryset(self):
        # As the application form of a submission: whoever sees the consortium reads what it submitted.
        return Submission.objects.filter(consortium__in=Consortium.objects.visible_to(self.request.user))


@extend_schema_view(
    list=extend_schema(
        summary="年度报告 / Annual reports",
        description="用户可见联合体的年度报告 / The annual reports of the consortia the user sees.",
    ),
    retrieve=extend_schema(
        summary="年度报告详情 / An annual report",
        description="报告内容与数据；牵头单位看到当前内容，其他人看到最近一次提交 / "
        "The report and its figures: the lead unit reads its live report, everybody else the latest submission.",
        responses=serializers.AnnualReportDetailSerializer,
    ),
)
class AnnualReportViewSet(ScopedViewSet):
    filterset_class = filters.AnnualReportFilter
    serializer_class = serializers.AnnualReportSerializer

    def get_queryset(self):
        return visible_reports(self.request.user)

    def retrieve(self, request, pk=None):
        report = get_object_or_404(self.get_queryset(), pk=pk)
        seen = report_as_seen(request.user, report)
        report.content = seen.content
        report.submission = seen.submission.number if seen.submission else None
        return Response(serializers.AnnualReportDetailSerializer(report).data)


@extend_schema_view(
    list=extend_schema(
        summary="变更记录 / Changes",
        description="用户可见联合体建设期内的变更及其补充协议 / "
        "The recorded changes of the consortia the user sees, with their supplementary agreements.",
    ),
    retrieve=extend_schema(summary="一条变更记录 / A change"),
)
class ChangeRecordViewSet(ScopedViewSet):
    filterset_class = filters.ChangeRecordFilter
    serializer_class = serializers.ChangeRecordSerializer

    def get_queryset(self):
        return ChangeRecord.objects.filter(
            consortium__in=Consortium.objects.visible_to(self.request.user)
        ).select_related("membership__organisation", "agreement")


class ReadsDishonestyRecord(BasePermission):
    """As the dishonesty record's list page: city staff, and administrators, who read it too."""

    def has_permission(self, request, view):
        return request.user.role == Role.CITY_STAFF or request.user.is_portal_admin


@extend_schema_view(
    list=extend_schema(
        summary="失信信息记录 / Dishonesty records",
        description="仅市科技局与系统管理员可查阅，其他用户为 403 / "
        "City staff and administrators only; others get 403.",
    ),
    retrieve=extend_schema(summary="一条失信信息记录 / A dishonesty record"),
)
class DishonestyRecordViewSet(ScopedViewSet):
    permission_classes = [IsAuthenticated, ReadsDishonestyRecord]
    filterset_class = filters.DishonestyRecordFilter
    serializer_class = serializers.DishonestyRecordSerializer

    def get_queryset(self):
        return (
            DishonestyRecord.objects.visible_to(self.request.user)
            .with_state(on=timezone.localdate())
            .select_related("organisation", "revocation")
        )


@extend_schema(exclude=True)
class NoSuchEndpoint(APIView):
    """Any other path under /api/ (a detail id that is not a number, a mistyped name): the API's JSON 404, not the
    portal's HTML page a client cannot read."""

    def get(self, request, *args, **kwargs):
        raise NotFound
