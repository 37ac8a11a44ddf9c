from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<str:code>/", views.area_detail, name="area_detail"),
]
