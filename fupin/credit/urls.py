from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.LoanListView.as_view(), name="loan_list"),
    path("add/", views.LoanApplyView.as_view(), name="loan_add"),
    path("<int:pk>/", views.loan_detail, name="loan_detail"),
    path("<int:pk>/<slug:action>/", views.loan_action, name="loan_action"),
    path("bank/", views.BankFileListView.as_view(), name="bankfile_list"),
    path("bank/upload/", views.BankFileUploadView.as_view(), name="bankfile_upload"),
    path("bank/<int:pk>/", views.bankfile_detail, name="bankfile_detail"),
    path("bank/<int:pk>/apply/", views.bankfile_apply, name="bankfile_apply"),
    path("subsidies/", views.SubsidyListView.as_view(), name="subsidy_list"),
    path("subsidies/run/", views.SubsidyRunView.as_view(), name="subsidy_run_add"),
    path("subsidies/runs/<int:pk>/", views.subsidy_run, name="subsidy_run"),
    path("funds/", views.FundListView.as_view(), name="fund_list"),
    path("funds/add/", views.FundAddView.as_view(), name="fund_add"),
    path("funds/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("policies/", views.PolicyListView.as_view(), name="policy_list"),
]
