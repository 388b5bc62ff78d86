"""URLs of the attraction pages."""

from django.urls import path

from ballast.attraction import views

app_name = "attraction"

urlpatterns = [
    path("leads/", views.leads, name="leads"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/duplicates/", views.duplicates, name="duplicates"),
    path("leads/figures/", views.figures, name="figures"),
    path("chain-map/", views.chain_map, name="chain_map"),
    path("chain-map/import/", views.chain_import, name="chain_import"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/rounds/<int:pk>/", views.round_detail, name="round"),
    path("reserve/", views.reserve, name="reserve"),
    path("reserve/<int:pk>/", views.reserve_place, name="reserve_place"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("leads/<int:pk>/advance/", views.lead_advance, name="lead_advance"),
    path("leads/<int:pk>/terminate/", views.lead_terminate, name="lead_terminate"),
    path("leads/<int:pk>/sign/", views.lead_sign, name="lead_sign"),
    path("leads/<int:pk>/confidential/", views.lead_confidential, name="lead_confidential"),
]
