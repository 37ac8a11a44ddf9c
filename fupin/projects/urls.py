from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("library/", views.ProjectListView.as_view(), name="project_list"),
    path("library/add/", views.ProposeView.as_view(), name="project_add"),
    path("library/<int:pk>/", views.project_detail, name="project_detail"),
    path("library/<int:pk>/act/", views.project_act, name="project_act"),
    path("library/<int:pk>/objections/", views.objection_add, name="objection_add"),
    path("library/<int:pk>/allocate/", views.allocation_add, name="allocation_add"),
    path("library/<int:pk>/pay/", views.payment_add, name="payment_add"),
    path("library/<int:pk>/beneficiaries/", views.beneficiary_add, name="beneficiary_add"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("notices/<int:pk>/", views.notice_page, name="notice"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("funds/", views.FundSourceListView.as_view(), name="source_list"),
    path("funds/add/", views.FundSourceAddView.as_view(), name="source_add"),
    path("payments/", views.PaymentListView.as_view(), name="payment_list"),
    path("links/", views.LinkListView.as_view(), name="link_list"),
    path("links/add/", views.LinkAddView.as_view(), name="link_add"),
    path("links/<int:pk>/", views.link_detail, name="link_detail"),
    path("payouts/", views.PayoutListView.as_view(), name="payout_list"),
    path("assets/", views.AssetListView.as_view(), name="asset_list"),
    path("assets/<int:pk>/", views.asset_detail, name="asset_detail"),
    path("sales/", views.SaleListView.as_view(), name="sale_list"),
    path("sales/add/", views.SaleAddView.as_view(), name="sale_add"),
    path("import/", views.import_view, name="import"),
    path("import/<int:pk>/", views.import_result, name="import_result"),
    path("import/<int:pk>/report/", views.import_report, name="import_report"),
    path("template/<str:kind>/", views.template_view, name="template"),
]
