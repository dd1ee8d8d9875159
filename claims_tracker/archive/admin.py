from django.contrib import admin

from .models import ArchiveRecord, EvidenceArchive


@admin.register(ArchiveRecord)
class ArchiveRecordAdmin(admin.ModelAdmin):
    """Read-only: a record is evidence; `manage.py archive_verify` checks the files."""

    list_display = ["url", "fetched_at", "status", "content_type", "payload_size", "file_size", "sha256"]
    search_fields = ["url", "sha256"]
    date_hierarchy = "fetched_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EvidenceArchive)
class EvidenceArchiveAdmin(admin.ModelAdmin):
    list_display = ["evidence", "state", "attempts", "updated_at", "last_error"]
    list_filter = ["state"]
    raw_id_fields = ["evidence", "record"]
    readonly_fields = ["evidence", "record", "state", "attempts", "last_error"]
