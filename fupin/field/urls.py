"""Mounted at the site root (plugin url_prefix ""): /sw.js and /manifest.webmanifest must
sit at the root for the service worker's scope; the public application page is /apply/."""

from django.urls import path

from . import views

app_name = "field"
urlpatterns = [
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("field/icon.svg", views.icon, name="icon"),
    path("field/my-work/", views.my_work, name="my_work"),
    path("field/offline/", views.offline, name="offline"),
    path("field/api/households/", views.api_households, name="api_households"),
    path("field/api/sync/", views.api_sync, name="api_sync"),
    path("field/applications/", views.inbox, name="inbox"),
    path("field/applications/add/", views.proxy_apply, name="proxy_apply"),
    path("field/applications/<int:pk>/", views.application, name="application"),
    path("apply/", views.apply, name="apply"),
    path("apply/done/", views.apply_done, name="apply_done"),
    path("apply/status/", views.status, name="status"),
    path("apply/areas/", views.villages_json, name="areas"),
]
