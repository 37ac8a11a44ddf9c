from django.urls import path

app_name = "credit"
urlpatterns: list = []
