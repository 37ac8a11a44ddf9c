from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("indicators/", views.indicators_json, name="indicators"),
    path("indicators/job/<int:pk>/", views.indicators_result, name="indicators_result"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("bulletin/<int:pk>/", views.bulletin_result, name="bulletin_result"),
    path("bulletin/<int:pk>/<str:fmt>/", views.bulletin_file, name="bulletin_file"),
    path("ranking/", views.ranking_view, name="ranking"),
    path("scorecards/new/", views.scorecard_edit, name="scorecard_add"),
    path("scorecards/<int:pk>/", views.scorecard_edit, name="scorecard_edit"),
    path("assessment/", views.assessment_view, name="assessment"),
    path("mpi/", views.mpi_view, name="mpi"),
    path("mpi/job/<int:pk>/", views.mpi_result, name="mpi_result"),
]
