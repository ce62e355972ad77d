from django.urls import path

from .views import campaigns, editor, reports

app_name = "annual_reports"

urlpatterns = [
    path("", campaigns.campaigns, name="campaigns"),
    path("mine/", campaigns.mine, name="mine"),
    path("campaigns/<int:pk>/", campaigns.campaign, name="campaign"),
    path("campaigns/<int:pk>/reports.xlsx", campaigns.export, name="export"),
    path("reports/<int:pk>/", reports.report, name="report"),
    path("reports/<int:pk>/edit/<slug:section>/", editor.edit_section, name="edit"),
    path("reports/<int:pk>/submit/", editor.submit, name="submit"),
    path("reports/<int:pk>/decide/", reports.decide, name="decide"),
    path("reports/<int:pk>/comments/", reports.comment, name="comment"),
    path("reports/<int:pk>/submissions/<int:number>.pdf", reports.submission_pdf, name="submission_pdf"),
]
