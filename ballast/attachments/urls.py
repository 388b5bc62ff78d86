from django.urls import path

from ballast.attachments import views

app_name = "attachments"

urlpatterns = [
    path("<int:pk>/", views.download, name="download"),
    path("<int:pk>/thumbnail/", views.thumbnail, name="thumbnail"),
]
