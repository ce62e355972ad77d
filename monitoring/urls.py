from django.urls import path

from .views import dashboard, exports, portfolio

app_name = "monitoring"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("portfolio/", portfolio.portfolio, name="portfolio"),
    path("portfolio/exports/<int:pk>/", exports.export_job, name="export_job"),
    path("portfolio/exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
