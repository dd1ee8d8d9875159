from django.contrib import admin

from .models import FactCheck


@admin.register(FactCheck)
class FactCheckAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "rating_name", "rating_value", "claim_reviewed", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["reviewer", "claim_reviewed", "url"]
    raw_id_fields = ["article", "feed", "claim", "evidence", "decided_by"]
    readonly_fields = ["key", "raw"]
