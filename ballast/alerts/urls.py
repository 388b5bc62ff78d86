"""URLs of the warnings page."""

from django.urls import path

from ballast.alerts import integrity_views, views

app_name = "alerts"

urlpatterns = [
    path("warnings/", views.warnings, name="warnings"),
    path("integrity/", integrity_views.integrity_page, name="integrity"),
    path("overruns/", views.overruns, name="overruns"),
    path("integrity/thresholds/", integrity_views.thresholds_page, name="integrity_thresholds"),
    path("integrity/checks/", integrity_views.check_draws, name="check_draws"),
    path("integrity/checks/new/", integrity_views.check_draw_new, name="check_draw_new"),
    path("integrity/checks/<int:pk>/", integrity_views.check_draw, name="check_draw"),
    path("integrity/checks/item/<int:pk>/", integrity_views.site_check_page, name="site_check"),
    path(
        "integrity/checks/item/<int:pk>/attachments/",
        integrity_views.site_check_attach,
        name="site_check_attach",
    ),
    path(
        "integrity/checks/item/<int:pk>/record/",
        integrity_views.site_check_record_page,
        name="site_check_record",
    ),
]
