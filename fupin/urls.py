"""URLs: the frame's own, then every installed app's under its plugin's prefix, then the API."""

import importlib
from typing import Any

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from fupin.core.api_router import build_router
from fupin.core.gates import gate_patterns
from fupin.core.plugins import AppPlugin, installed_plugins

handler400 = "fupin.core.views.bad_request"


def _mount(plugin: AppPlugin) -> Any:
    """An app's URLs under its prefix; closed to the roles its plugin denies."""
    if not plugin.deny_roles:
        return path(plugin.url_prefix or "", include(f"{plugin.package}.urls"))
    module = importlib.import_module(f"{plugin.package}.urls")
    patterns = gate_patterns(list(module.urlpatterns), plugin.deny_roles)
    return path(plugin.url_prefix or "", include((patterns, module.app_name)))


def build_urlpatterns() -> list:
    """The URL patterns for the installed apps (a test app's own root URLconf reuses this)."""
    return [
        path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
        path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
        path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(),
             name="password_change_done"),
        path("i18n/", include("django.conf.urls.i18n")),
        path("admin/", admin.site.urls),
        *[_mount(p) for p in installed_plugins() if p.url_prefix is not None],
        # Schema and docs need a login (session or token; SPECTACULAR_SETTINGS SERVE_PERMISSIONS).
        path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
        path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
             name="api-docs"),
        path("api/", include(build_router().urls)),
    ]


urlpatterns = build_urlpatterns()
