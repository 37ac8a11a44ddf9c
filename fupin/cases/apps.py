from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "fupin.cases"
    label = "cases"
    verbose_name = "识别与消除"

    def ready(self) -> None:
        from fupin.registry.leads import register_lead_handler

        from .leads import raise_leads_bulk

        register_lead_handler(raise_leads_bulk)  # leads raised by ledger imports
