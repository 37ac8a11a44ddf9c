from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, Case, CaseSettings, Objection, Step


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["id", "kind", "household", "status", "step", "step_due", "overdue", "escalation"]
    list_filter = ["kind", "status", "step", "escalation"]
    raw_id_fields = ["household", "reflag_of", "opened_by"]
    readonly_fields = ["version"]


@admin.register(Step)
class StepAdmin(SimpleHistoryAdmin):
    list_display = ["case", "seq", "step", "action", "actor", "acted_at"]
    raw_id_fields = ["case", "actor"]


admin.site.register(Attachment, SimpleHistoryAdmin)
admin.site.register(Objection, SimpleHistoryAdmin)
admin.site.register(CaseSettings, SimpleHistoryAdmin)
