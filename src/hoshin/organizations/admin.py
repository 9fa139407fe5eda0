from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.organizations.models import CauseEffectLink, Cycle, Organization, Perspective, StrategicKpi, StrategicObjective, Unit


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name", "time_zone", "fiscal_year_start_month", "locale", "visibility"]
    search_fields = ["key", "name"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name", "organization", "parent", "archived"]
    list_filter = ["organization", "archived"]
    search_fields = ["key", "name"]


@admin.register(Perspective)
class PerspectiveAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name", "organization", "position", "archived"]
    list_filter = ["organization"]


class StrategicKpiInline(admin.TabularInline):
    model = StrategicKpi
    extra = 0
    raw_id_fields = ["kpi"]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name", "organization", "perspective", "unit", "rollup_mode", "archived"]
    list_filter = ["organization", "perspective", "archived"]
    search_fields = ["key", "name"]
    inlines = [StrategicKpiInline]


@admin.register(CauseEffectLink)
class CauseEffectLinkAdmin(SimpleHistoryAdmin):
    list_display = ["cause", "effect", "sign", "lag_days", "organization", "archived"]
    list_filter = ["organization", "sign"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "kind", "start", "end", "organization"]
    list_filter = ["organization", "kind"]
