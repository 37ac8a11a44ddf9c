from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("households/", views.HouseholdListView.as_view(), name="household_list"),
    path("households/add/", views.HouseholdCreateView.as_view(), name="household_add"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", views.HouseholdEditView.as_view(), name="household_edit"),
    path("households/<int:pk>/members/add/", views.MemberAddView.as_view(), name="member_add"),
    path("households/<int:pk>/income/", views.IncomeView.as_view(), name="income_set"),
    path("households/<int:pk>/assessments/add/", views.AssessmentView.as_view(),
         name="assessment_add"),
    path("members/<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("members/<int:pk>/leave/", views.MemberLeaveView.as_view(), name="member_leave"),
]
