from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RiskEvent, Roster, Rule, RuleVersion, Setting, SettingKey, Sweep, Warning


class RuleVersionInline(admin.TabularInline):
    model = RuleVersion
    extra = 0
    readonly_fields = ("number", "condition", "severity", "explanation", "effective_from",
                       "effective_to", "created_by", "note")
    can_delete = False


@admin.register(Rule)
class RuleAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "severity", "active")
    readonly_fields = ("current_version",)
    inlines = [RuleVersionInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # edit through the pages: a change must make a new version


@admin.register(SettingKey)
class SettingKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "unit", "by_income_year")


@admin.register(Setting)
class SettingAdmin(SimpleHistoryAdmin):
    list_display = ("key", "area_code", "year_from", "value", "source_doc", "updated_at")
    list_filter = ("key",)


@admin.register(Warning)
class WarningAdmin(admin.ModelAdmin):
    list_display = ("household", "rule", "severity", "status", "opened_at", "last_seen")
    list_filter = ("status", "severity", "rule")
    raw_id_fields = ("household", "assigned_to", "dismissed_by", "sweep")
    readonly_fields = ("rule_version", "last_version", "values", "first_values")


@admin.register(RiskEvent)
class RiskEventAdmin(SimpleHistoryAdmin):
    list_display = ("household", "kind", "date", "amount", "source")
    raw_id_fields = ("household",)


admin.site.register(Sweep)
admin.site.register(Roster)
