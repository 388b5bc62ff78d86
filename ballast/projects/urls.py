"""URLs of the project pages."""

from django.urls import path

from ballast.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/filters/", views.saved_filter_save, name="saved_filter_save"),
    path(
        "projects/filters/<int:pk>/delete/",
        views.saved_filter_delete,
        name="saved_filter_delete",
    ),
    path("projects/confidence/", views.confidence_list, name="confidence"),
    path("projects/nodes/", views.node_list, name="nodes"),
    path("projects/nodes/<int:pk>/answer/", views.node_answer, name="node_answer"),
    path("projects/targets/new/", views.target_create, name="target_create"),
    path("projects/targets/<int:pk>/", views.target_edit, name="target_edit"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/confidence/", views.confidence_rate, name="confidence_rate"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/stage/", views.stage_record, name="stage_record"),
    # evidence of a recorded stage (施工许可证, dated site photos): pk is the stage event's
    path("projects/stages/<int:pk>/attachments/", views.stage_attach, name="stage_attach"),
    path("projects/<int:pk>/suspend/", views.project_suspend, name="project_suspend"),
    path("projects/<int:pk>/resume/", views.project_resume, name="project_resume"),
    path("projects/<int:pk>/terminate/", views.project_terminate, name="project_terminate"),
    path("projects/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("projects/<int:pk>/nodes/new/", views.node_edit, name="node_create"),
    path(
        "projects/<int:pk>/nodes/from-templates/",
        views.node_templates_apply,
        name="node_templates_apply",
    ),
    path("projects/<int:pk>/nodes/<int:node_pk>/", views.node_edit, name="node_edit"),
]
