from django.contrib import admin, messages

from . import polling
from .models import (
    ArticleRedirect,
    BearingSuggestion,
    Candidate,
    CandidateGroup,
    Feed,
    FeedEntry,
    WebSubSubscription,
)


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "outlet",
        "active",
        "last_status",
        "last_success_at",
        "consecutive_failures",
        "poll_interval",
        "next_poll_at",
    ]
    list_filter = ["active", "last_status", "outlet"]
    search_fields = ["url", "title"]
    readonly_fields = [
        "etag",
        "last_modified",
        "last_polled_at",
        "last_success_at",
        "consecutive_failures",
        "last_status",
        "last_error",
        "last_poll_note",
        "poll_count",
        "not_modified_count",
    ]
    autocomplete_fields = ["outlet"]
    actions = ["poll_now"]

    @admin.action(description="Poll the selected feeds now")
    def poll_now(self, request, queryset):
        queued = sum(polling.feed_poll_now(feed=feed) for feed in queryset.filter(active=True))
        self.message_user(request, f"{queued} poll(s) queued.", messages.SUCCESS)


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
    raw_id_fields = ["article", "claim", "claimant", "group", "likely_claim"]


@admin.register(CandidateGroup)
class CandidateGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "claimant", "created_at"]
    raw_id_fields = ["claimant"]


@admin.register(BearingSuggestion)
class BearingSuggestionAdmin(admin.ModelAdmin):
    list_display = ["candidate", "claim", "stance", "state", "decided_by", "decided_at"]
    list_filter = ["state", "stance"]
    raw_id_fields = ["candidate", "claim", "evidence"]
    readonly_fields = ["decided_by", "decided_at"]


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["from_article_id", "article", "created_at"]
    raw_id_fields = ["article"]


@admin.register(WebSubSubscription)
class WebSubSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["feed", "hub", "state", "lease_expires_at", "push_count", "last_push_at"]
    list_filter = ["state"]
    search_fields = ["topic", "hub"]
    raw_id_fields = ["feed"]
    exclude = ["secret", "token"]  # the push signing key and the callback's name stay out of sight
    readonly_fields = ["requested_at", "lease_expires_at", "last_push_at", "push_count", "last_error"]
