from django.urls import path, re_path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.tree, name="tree"),
    re_path(r"^(?P<code>\d{2,12})/$", views.area_detail, name="area_detail"),
]
