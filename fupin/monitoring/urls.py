from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.WarningListView.as_view(), name="index"),
    path("warnings/", views.WarningListView.as_view(), name="warning_list"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="warning_detail"),
    path("warnings/<int:pk>/assign/", views.warning_assign, name="warning_assign"),
    path("warnings/<int:pk>/dismiss/", views.warning_dismiss, name="warning_dismiss"),
    path("warnings/<int:pk>/reopen/", views.warning_reopen, name="warning_reopen"),
    path("sweeps/", views.SweepListView.as_view(), name="sweep_list"),
    path("sweeps/start/", views.sweep_start, name="sweep_start"),
    path("sweeps/<int:pk>/", views.SweepDetailView.as_view(), name="sweep_detail"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/add/", views.RuleAddView.as_view(), name="rule_add"),
    path("rules/<int:pk>/", views.RuleDetailView.as_view(), name="rule_detail"),
    path("rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("rules/<int:pk>/area/", views.rule_area_switch, name="rule_area"),
    path("settings/", views.SettingListView.as_view(), name="setting_list"),
    path("settings/add/", views.SettingAddView.as_view(), name="setting_add"),
    path("settings/keys/add/", views.SettingKeyAddView.as_view(), name="settingkey_add"),
    path("events/add/", views.EventAddView.as_view(), name="event_add"),
    path("events/upload/", views.event_upload, name="event_upload"),
    path("households/<int:pk>/", views.household_panel, name="household_panel"),
    path("rosters/", views.RosterListView.as_view(), name="roster_list"),
    path("rosters/upload/", views.RosterUploadView.as_view(), name="roster_upload"),
    path("rosters/<int:pk>/", views.RosterDetailView.as_view(), name="roster_detail"),
]
