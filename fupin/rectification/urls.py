from django.urls import path

from . import views

app_name = "rectification"
urlpatterns = [
    path("problems/", views.ProblemListView.as_view(), name="problem_list"),
    path("lists/<str:kind>/", views.ProblemListView.as_view(), name="five_list"),
    path("problems/add/", views.ProblemCreateView.as_view(), name="problem_add"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/edit/", views.ProblemEditView.as_view(), name="problem_edit"),
    path("problems/<int:pk>/act/<str:action>/", views.problem_action, name="problem_action"),
    path("problems/<int:pk>/evidence/", views.problem_evidence, name="problem_evidence"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("spotchecks/", views.SpotCheckListView.as_view(), name="spotcheck_list"),
    path("spotchecks/add/", views.SpotCheckCreateView.as_view(), name="spotcheck_add"),
    path("spotchecks/<int:pk>/", views.spotcheck_detail, name="spotcheck_detail"),
    path("spotcheck-items/<int:pk>/record/", views.spotcheck_record, name="spotcheck_record"),
]
