from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from fupin.interop.router import router

handler400 = "fupin.core.views.bad_request"

urlpatterns = [
    path("", include("fupin.core.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("areas/", include("fupin.areas.urls")),
    path("registry/", include("fupin.registry.urls")),
    path("ledgers/", include("fupin.ledgers.urls")),
    path("monitoring/", include("fupin.monitoring.urls")),
    path("cases/", include("fupin.cases.urls")),
    path("assistance/", include("fupin.assistance.urls")),
    path("rectification/", include("fupin.rectification.urls")),
    path("reports/", include("fupin.reports.urls")),
    # Schema and docs need a login (session or token; SPECTACULAR_SETTINGS SERVE_PERMISSIONS).
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
         name="api-docs"),
    path("api/", include(router.urls)),
]
