"""Top-level URLs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "压舱石 · 重大项目全生命周期服务管理"
admin.site.site_title = "压舱石"
admin.site.index_title = "管理后台"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("imports/", include("ballast.imports.urls")),
    path("bulletins/", include("ballast.bulletins.urls")),
    path("audit/", include("ballast.audit.urls")),
    path("", include("ballast.dashboards.urls")),
    path("", include("ballast.web.urls")),
]
