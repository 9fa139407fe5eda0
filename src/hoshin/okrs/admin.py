from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.okrs.models import Alignment, CheckIn, KeyResult, OkrObjective


class AlignmentInline(admin.TabularInline):
    model = Alignment
    fk_name = "objective"
    extra = 0


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    extra = 0
    fields = ["key", "name", "kr_type", "baseline", "target", "weight", "source_kpi", "archived"]
    raw_id_fields = ["source_kpi"]


@admin.register(OkrObjective)
class OkrObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name", "organization", "unit", "cycle", "rollup_mode", "archived"]
    list_filter = ["organization", "cycle", "archived"]
    search_fields = ["key", "name"]
    inlines = [AlignmentInline, KeyResultInline]


@admin.register(Alignment)
class AlignmentAdmin(SimpleHistoryAdmin):
    list_display = ["objective", "strategic_objective", "parent", "weight"]


@admin.register(KeyResult)
class KeyResultAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name", "objective", "kr_type", "baseline", "target", "weight", "source_kpi", "archived"]
    list_filter = ["kr_type", "archived"]
    search_fields = ["key", "name"]
    raw_id_fields = ["source_kpi", "objective"]


@admin.register(CheckIn)
class CheckInAdmin(SimpleHistoryAdmin):
    list_display = ["key_result", "measured_on", "entered_at", "value", "done", "confidence", "author"]
    raw_id_fields = ["key_result"]
