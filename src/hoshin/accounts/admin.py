from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoshin.accounts.models import Membership


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "unit", "role"]
    list_filter = ["organization", "role"]
