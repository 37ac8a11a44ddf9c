from django.urls import path

from . import views

app_name = "assistance"
urlpatterns = [
    path("helpers/", views.HelperListView.as_view(), name="helper_list"),
    path("helpers/add/", views.HelperCreateView.as_view(), name="helper_add"),
    path("helpers/<int:pk>/", views.helper_detail, name="helper_detail"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/add/", views.UnitCreateView.as_view(), name="unit_add"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/pair/", views.UnitPairView.as_view(), name="unit_pair"),
    path("households/<int:household_pk>/assign/", views.AssignView.as_view(), name="assign"),
    path("households/<int:household_pk>/plan/", views.PlanCreateView.as_view(), name="plan_add"),
    path("households/<int:household_pk>/visit/", views.VisitCreateView.as_view(), name="visit_add"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("flags/", views.FlagListView.as_view(), name="flag_list"),
    path("flags/add/", views.FlagCreateView.as_view(), name="flag_add"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/measures/add/", views.MeasureCreateView.as_view(), name="measure_add"),
    path("measures/<int:pk>/edit/", views.MeasureEditView.as_view(), name="measure_edit"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("photos/<int:pk>/", views.visit_photo, name="visit_photo"),
    path("visits/<int:pk>/evidence/<str:which>/", views.visit_evidence, name="visit_evidence"),
    path("overdue/", views.OverdueView.as_view(), name="overdue_visits"),
    path("township/", views.township_pick, name="township_pick"),
    path("township/<str:code>/", views.township_overview, name="township"),
]
