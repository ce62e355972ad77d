from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from .views import accounts, audit, auth, health, help, home, notifications, two_factor

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/register/", accounts.register, name="register"),
    path("accounts/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("accounts/two-factor/enrol/", two_factor.enrol, name="two_factor_enrol"),
    path("organisation/", accounts.organisation, name="organisation"),
    path("notifications/", notifications.inbox, name="inbox"),
    path("notifications/<int:pk>/", notifications.open_notification, name="notification"),
    path("notifications/read-all/", notifications.mark_all_read, name="notifications_read_all"),
    path("audit/", audit.audit, name="audit"),
    path("help/", help.index, name="help"),
    path("help/<slug:slug>/", help.guide, name="help_guide"),
    path("filings/", include("consortia.urls")),
    path("reviews/", include("reviews.urls")),
    path("lifecycle/", include("consortia.lifecycle.urls")),
    path("annual-reports/", include("annual_reports.urls")),
    path("", include("monitoring.urls")),
    path("api/", include("api.urls")),
    path("public/", include("public.urls")),
    path("verify/", include("public.verify_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Ahead of the admin site's own login page, which would bypass the portal's limits (auth.admin_login).
    path("admin/login/", auth.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    # Answered by HealthProbeMiddleware ahead of the rest; the routes name them (and serve them without it).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Browsers ask for /favicon.ico whatever the page links; the static URL is looked up per request, after
    # collectstatic has named the hashed file.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg")), name="favicon"),
]

handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"
