"""Top-level URLs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ballast.web.views.csp import csp_report

admin.site.site_header = "压舱石 · 重大项目全生命周期服务管理"
admin.site.site_title = "压舱石"
admin.site.index_title = "管理后台"

urlpatterns = [
    path("", include("ballast.health.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The CSP's report-uri: browsers post violations here (open to all, logged only).
    path("csp-report/", csp_report, name="csp_report"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("ballast.api_urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("accounts/", include("ballast.accounts.urls")),
    path("imports/", include("ballast.imports.urls")),
    path("bulletins/", include("ballast.bulletins.urls")),
    path("audit/", include("ballast.audit.urls")),
    path("attachments/", include("ballast.attachments.urls")),
    path("inbox/", include("ballast.inbox.urls")),
    path("", include("ballast.dashboards.urls")),
    path("", include("ballast.alerts.urls")),
    path("", include("ballast.assessments.urls")),
    path("", include("ballast.coordination.urls")),
    path("attraction/", include("ballast.attraction.urls")),
    path("", include("ballast.projects.urls")),
    path("", include("ballast.reports.urls")),
    path("", include("ballast.web.urls")),
]
