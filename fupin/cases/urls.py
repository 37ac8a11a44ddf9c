from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("add/", views.OpenIdentificationView.as_view(), name="case_add"),
    path("add-elimination/", views.OpenEliminationView.as_view(), name="elimination_add"),
    path("overdue/", views.OverdueInboxView.as_view(), name="overdue"),
    path("leads/", views.LeadListView.as_view(), name="lead_list"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/act/", views.case_act, name="case_act"),
    path("<int:pk>/objections/", views.objection_add, name="objection_add"),
    path("<int:pk>/rollback/", views.case_rollback, name="case_rollback"),
    path("<int:pk>/override/", views.case_override, name="case_override"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("notice/<str:code>/", views.notice_page, name="notice"),
    path("notice/<str:code>/pdf/", views.notice_pdf, name="notice_pdf"),
]
