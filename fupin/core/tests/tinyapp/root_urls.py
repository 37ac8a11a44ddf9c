from fupin.urls import build_urlpatterns

urlpatterns = build_urlpatterns()
