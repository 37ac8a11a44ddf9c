from django.urls import path

from . import views

app_name = "tinyapp"
urlpatterns = [path("", views.index, name="index")]
