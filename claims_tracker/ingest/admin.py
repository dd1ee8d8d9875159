from django.contrib import admin

from .models import Candidate, Feed, FeedEntry


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "active", "last_success_at", "consecutive_failures", "next_poll_at"]
    list_filter = ["active", "outlet"]
    search_fields = ["url", "title"]
    readonly_fields = [
        "etag",
        "last_modified",
        "last_polled_at",
        "last_success_at",
        "consecutive_failures",
        "last_error",
    ]
    autocomplete_fields = ["outlet"]


@admin.register(FeedEntry)
class FeedEntryAdmin(admin.ModelAdmin):
    list_display = ["guid", "feed", "article", "seen_at"]
    list_filter = ["feed"]
    search_fields = ["guid", "link"]
    raw_id_fields = ["article"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["speaker_text", "statement", "stance", "confidence", "state", "article"]
    list_filter = ["state", "stance"]
    search_fields = ["sentence", "speaker_text", "statement"]
    raw_id_fields = ["article", "claim", "claimant"]
