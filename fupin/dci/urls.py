"""Mounted at /api/dci/ (plugin url_prefix): the specification's paths, then the pages."""

from django.urls import path, re_path

from . import views

app_name = "dci"
urlpatterns = [
    path("registry/search", views.search, name="search"),
    path("registry/sync/search", views.sync_search, name="sync_search"),
    path("registry/subscribe", views.subscribe, name="subscribe"),
    path("registry/unsubscribe", views.unsubscribe, name="unsubscribe"),
    path("registry/txn/status", views.txn_status, name="txn_status"),
    path("registry/sync/txn/status", views.sync_txn_status, name="sync_txn_status"),
    path("public-key.pem", views.public_key, name="public_key"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/add/", views.partner_add, name="partner_add"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    re_path(r"^(?P<rest>.*)$", views.not_served, name="not_served"),
]
