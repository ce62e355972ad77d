"""The REST API under /api/v1/ (issue 16), its OpenAPI schema and the Swagger UI that reads it."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}

urlpatterns = [
    path("v1/consortia/", views.ConsortiumViewSet.as_view(LIST), name="consortium_list"),
    path("v1/consortia/<int:pk>/", views.ConsortiumViewSet.as_view(DETAIL), name="consortium_detail"),
    path("v1/submissions/", views.SubmissionViewSet.as_view(LIST), name="submission_list"),
    path("v1/submissions/<int:pk>/", views.SubmissionViewSet.as_view(DETAIL), name="submission_detail"),
    path("v1/annual-reports/", views.AnnualReportViewSet.as_view(LIST), name="annual_report_list"),
    path("v1/annual-reports/<int:pk>/", views.AnnualReportViewSet.as_view(DETAIL), name="annual_report_detail"),
    path("v1/changes/", views.ChangeRecordViewSet.as_view(LIST), name="change_list"),
    path("v1/changes/<int:pk>/", views.ChangeRecordViewSet.as_view(DETAIL), name="change_detail"),
    path("v1/dishonesty-records/", views.DishonestyRecordViewSet.as_view(LIST), name="dishonesty_record_list"),
    path(
        "v1/dishonesty-records/<int:pk>/",
        views.DishonestyRecordViewSet.as_view(DETAIL),
        name="dishonesty_record_detail",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file of its own: the Content-Security-Policy allows no inline
    # script (the page itself is our template, without the inline style either).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    re_path(r"", views.NoSuchEndpoint.as_view()),  # last: what nothing above matched
]
