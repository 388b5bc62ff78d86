"""URLs of the monthly report pages."""

from django.urls import path

from ballast.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_month, name="report_month"),
    path("reports/review/", views.review_unit, name="review_unit"),
    path("reports/city/", views.review_city, name="review_city"),
    path("reports/review/batch/", views.review_unit_batch, name="review_unit_batch"),
    path("reports/city/batch/", views.review_city_batch, name="review_city_batch"),
    path(
        "reports/entry/<int:project_pk>/<str:month>/",
        views.report_entry,
        name="report_entry",
    ),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/amend/", views.report_amend, name="report_amend"),
    path("reports/<int:pk>/attachments/", views.report_attach, name="report_attach"),
]
