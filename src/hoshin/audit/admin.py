"""History rows in the admin: listed and readable, never added, changed or deleted, by anyone."""

from django.contrib import admin

from hoshin.audit.guard import history_models
from hoshin.audit.models import HistoryToken


class ReadOnlyHistoryAdmin(admin.ModelAdmin):
    list_display = ["history_date", "history_type", "history_user", "history_object_label", "history_change_reason"]
    list_filter = ["history_type", "history_date"]
    date_hierarchy = "history_date"
    list_select_related = ["history_user"]

    @admin.display(description="object")
    def history_object_label(self, row) -> str:
        for field in ("key", "name"):
            value = getattr(row, field, None)
            if value:
                return str(value)
        return f"#{row.id}"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyHistoryTokenAdmin(ReadOnlyHistoryAdmin):
    list_display = ["history_type", "history_id", "token_label"]
    list_filter = ["history_type"]
    date_hierarchy = None
    list_select_related = []


for model in history_models():
    if not admin.site.is_registered(model):
        admin.site.register(model, ReadOnlyHistoryTokenAdmin if model is HistoryToken else ReadOnlyHistoryAdmin)
