"""URLs of the pages people work in."""

from django.urls import path

from ballast.web.views import home, projects, reports

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/filters/", projects.saved_filter_save, name="saved_filter_save"),
    path(
        "projects/filters/<int:pk>/delete/",
        projects.saved_filter_delete,
        name="saved_filter_delete",
    ),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/stage/", projects.stage_record, name="stage_record"),
    path("projects/<int:pk>/suspend/", projects.project_suspend, name="project_suspend"),
    path("projects/<int:pk>/resume/", projects.project_resume, name="project_resume"),
    path("projects/<int:pk>/terminate/", projects.project_terminate, name="project_terminate"),
    path("projects/<int:pk>/plan/", projects.plan_edit, name="plan_edit"),
    path("projects/<int:pk>/nodes/new/", projects.node_edit, name="node_create"),
    path("projects/<int:pk>/nodes/<int:node_pk>/", projects.node_edit, name="node_edit"),
    path("reports/", reports.report_month, name="report_month"),
    path("reports/review/", reports.review_unit, name="review_unit"),
    path("reports/city/", reports.review_city, name="review_city"),
    path(
        "reports/entry/<int:project_pk>/<str:month>/",
        reports.report_entry,
        name="report_entry",
    ),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("reports/<int:pk>/approve/", reports.report_approve, name="report_approve"),
    path("reports/<int:pk>/accept/", reports.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", reports.report_return, name="report_return"),
    path("reports/<int:pk>/amend/", reports.report_amend, name="report_amend"),
]
