from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("import/", views.import_view, name="import"),
    path("imports/", views.batch_list, name="batch_list"),
    path("imports/<int:pk>/", views.batch_detail, name="batch"),
    path("imports/<int:pk>/report.xlsx", views.batch_report, name="batch_report"),
    path("jobs/<int:pk>/", views.job_result, name="job_result"),
    path("export/", views.export_view, name="export"),
    path("export/<int:pk>/download/", views.export_download, name="export_download"),
    path("template/", views.template_view, name="template"),
]
