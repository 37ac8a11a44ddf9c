from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Asset, BenefitLink, ConsumptionSale, FundSource, Project


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "area", "category", "state", "plan_year"]
    search_fields = ["code", "name"]
    list_filter = ["state", "category"]
    readonly_fields = ["state", "version"]


admin.site.register([FundSource, BenefitLink, Asset, ConsumptionSale], SimpleHistoryAdmin)
