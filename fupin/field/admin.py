"""Read-only admin views: applications change only through fupin.field.services."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SelfApplication, SyncItem


class ReadOnly:
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(SelfApplication)
class SelfApplicationAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["receipt_no", "area", "happened", "found_on", "accept_due", "state"]
    list_filter = ["state", "happened"]
    search_fields = ["receipt_no"]


@admin.register(SyncItem)
class SyncItemAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["uuid", "kind", "user", "household", "recorded_at", "synced_at"]
    list_filter = ["kind"]
