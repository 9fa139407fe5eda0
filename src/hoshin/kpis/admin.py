from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.kpis.models import Kpi, KpiTarget, Measurement, MeasurementRevision


class KpiTargetInline(admin.TabularInline):
    model = KpiTarget
    extra = 0


@admin.register(Kpi)
class KpiAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name", "organization", "unit", "direction", "frequency", "aggregation", "kind", "archived"]
    list_filter = ["organization", "direction", "frequency", "aggregation", "kind", "archived"]
    search_fields = ["key", "name"]
    inlines = [KpiTargetInline]


@admin.register(KpiTarget)
class KpiTargetAdmin(SimpleHistoryAdmin):
    list_display = ["kpi", "period", "start", "end", "value"]
    search_fields = ["kpi__key"]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["kpi", "period_start", "segment", "value", "revision", "source", "recorded_at"]
    list_filter = ["kpi__organization"]
    search_fields = ["kpi__key", "segment"]
    raw_id_fields = ["kpi"]
    date_hierarchy = "period_start"


@admin.register(MeasurementRevision)
class MeasurementRevisionAdmin(admin.ModelAdmin):
    list_display = ["kpi", "period_start", "segment", "value", "revision", "replaced_at"]
    raw_id_fields = ["kpi"]

    def has_change_permission(self, request, obj=None):
        return False
