from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "fupin.cases"
    label = "cases"
    verbose_name = "识别与消除"

    def ready(self) -> None:
        from django.urls import reverse

        from fupin.core.views import RESULT_URLS
        from fupin.registry.panels import register_household_panel

        from . import jobs  # noqa: F401  (registers the escalation job)

        RESULT_URLS["cases_escalate"] = lambda job: reverse("cases:overdue")
        register_household_panel("cases/_household_panel.html")
