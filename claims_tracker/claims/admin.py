"""Admin for operators: every model, with filters, search and inlines; status history read-only.

Writes that carry rules (creating claims, changing status) go through the services, so the admin
cannot put a claim in a state the table of states forbids.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from claims_tracker.lib.text import normalize_name

from . import services
from .models import (
    Appearance,
    Article,
    Claim,
    Claimant,
    ClaimantAlias,
    ClaimRelation,
    Evidence,
    Outlet,
    SearchAlias,
    Status,
    StatusChange,
    Story,
)
from .templatetags.claims_extras import status_badge as _badge_context


def _badge_html(status: str):
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    # The badge template escapes its inputs; the status comes from a fixed list of choices.
    return mark_safe(render_to_string("claims/_badge.html", _badge_context(status, small=True)))


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "homepage"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "homepage"]
    prepopulated_fields = {"slug": ["name"]}


class AppearanceInline(admin.TabularInline):
    model = Appearance
    extra = 0
    autocomplete_fields = ["article", "speaker"]
    fields = ["article", "speaker", "stance", "quote", "is_paraphrase", "mode", "verb"]


class ArticleAppearanceInline(AppearanceInline):
    autocomplete_fields = ["claim", "speaker"]
    fields = ["claim", "speaker", "stance", "quote", "is_paraphrase", "mode", "verb"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "published_at", "language", "ingest_state"]
    list_filter = ["ingest_state", "outlet", "language", ("published_at", admin.DateFieldListFilter)]
    search_fields = ["title", "canonical_url", "url", "byline"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["outlet"]
    readonly_fields = ["content_hash", "fetched_at", "created_at", "updated_at", "last_error"]
    list_select_related = ["outlet"]
    inlines = [ArticleAppearanceInline]


class AliasInline(admin.TabularInline):
    model = ClaimantAlias
    extra = 1
    fields = ["alias"]


@admin.register(Claimant)
class ClaimantAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "role", "affiliation", "side"]
    list_filter = ["kind", "side"]
    search_fields = ["name", "slug", "role", "aliases__alias"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["affiliation"]
    list_select_related = ["affiliation"]
    readonly_fields = ["version"]
    inlines = [AliasInline]

    def save_formset(self, request, form, formset, change):
        # Aliases keep their normalised form for matching names in text.
        instances = formset.save(commit=False)
        from claims_tracker.lib.text import normalize_name

        for obj in instances:
            if isinstance(obj, ClaimantAlias):
                obj.normalized = normalize_name(obj.alias)
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "place", "started_on", "ended_on"]
    search_fields = ["title", "summary", "place"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "started_on"


class SearchAliasForm(forms.ModelForm):
    class Meta:
        model = SearchAlias
        fields = ["alias", "means"]

    def clean_alias(self) -> str:
        alias = self.cleaned_data["alias"]
        normalized = normalize_name(alias)
        if not normalized:
            raise ValidationError("Enter the name as readers write it.")
        if SearchAlias.objects.filter(normalized=normalized).exclude(pk=self.instance.pk).exists():
            raise ValidationError("This alias is already set; change that one instead.")
        return alias


@admin.register(SearchAlias)
class SearchAliasAdmin(admin.ModelAdmin):
    form = SearchAliasForm
    list_display = ["alias", "means"]
    search_fields = ["alias", "means"]

    def save_model(self, request, obj, form, change):
        obj.normalized = normalize_name(obj.alias)  # the key searches look the alias up by
        super().save_model(request, obj, form, change)


class EvidenceInline(admin.StackedInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ["article"]
    fields = ["stance", "kind", "url", "article", "summary"]


class StatusChangeInline(admin.TabularInline):
    """History is shown, never edited here: new changes go through the "change status" action."""

    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "rationale", "changed_by"]
    readonly_fields = fields
    ordering = ["-changed_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False


class ClaimAdminForm(forms.ModelForm):
    new_status = forms.ChoiceField(
        choices=[("", "— keep the current state —"), *Status.choices], required=False, label="Change state to"
    )
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    cite_evidence = forms.ModelMultipleChoiceField(queryset=Evidence.objects.none(), required=False)

    class Meta:
        model = Claim
        fields = ["text", "claimant", "claimed_at", "stories"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["cite_evidence"].queryset = Evidence.objects.filter(claim=self.instance)
        else:
            for name in ("new_status", "rationale", "cite_evidence"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("new_status"):
            # The same rules as every other write path, checked before anything is saved.
            try:
                services.claim_check_status_change(
                    claim=Claim.objects.get(pk=self.instance.pk),
                    to_status=data["new_status"],
                    rationale=data.get("rationale", ""),
                    evidence_ids=[e.pk for e in data.get("cite_evidence") or []],
                    user=getattr(self, "request_user", None),
                )
            except services.ServiceError as exc:
                field = {"to_status": "new_status", "evidence": "cite_evidence"}.get(exc.field, exc.field)
                self.add_error(field if field in self.fields else None, exc.message)
        return data


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    form = ClaimAdminForm
    list_display = ["text", "claimant", "badge", "status_changed_at", "claimed_at"]
    list_filter = ["status", ("claimed_at", admin.DateFieldListFilter), "stories", "claimant__kind"]
    search_fields = ["text", "claimant__name", "appearances__quote"]
    autocomplete_fields = ["claimant", "stories"]
    list_select_related = ["claimant"]
    date_hierarchy = "claimed_at"
    readonly_fields = ["status", "status_changed_at", "version", "merged_into", "created_at", "updated_at"]
    inlines = [AppearanceInline, EvidenceInline, StatusChangeInline]

    @admin.display(description="State", ordering="status")
    def badge(self, obj: Claim):
        return _badge_html(obj.status)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if not change:
                created = services.claim_create(
                    text=data["text"],
                    claimant=data["claimant"],
                    claimed_at=data["claimed_at"],
                    stories=list(data.get("stories") or []),
                    created_by=request.user,
                )
                obj.pk = created.pk
                obj._state.adding = False
                obj.refresh_from_db()
                return
            updated = services.claim_update(
                claim_id=obj.pk,
                expected_version=form.initial.get("version", obj.version),
                user=request.user,
                text=data["text"],
                claimant=data["claimant"],
                claimed_at=data["claimed_at"],
            )
            if data.get("new_status"):
                services.claim_change_status(
                    claim_id=obj.pk,
                    to_status=data["new_status"],
                    rationale=data.get("rationale", ""),
                    evidence_ids=[e.pk for e in data.get("cite_evidence") or []],
                    user=request.user,
                    expected_version=updated.version,
                )
        except services.ServiceError as exc:
            messages.error(request, exc.message)
            raise ValidationError(exc.message) from exc

    def save_related(self, request, form, formsets, change):
        # Stories are set by the service on create; inlines save as usual.
        form.save_m2m = lambda: None
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        if change and "stories" in form.cleaned_data:
            form.instance.stories.set(form.cleaned_data["stories"])
        services.claim_refresh_search(claim_id=form.instance.pk)

    def has_delete_permission(self, request, obj=None):
        # A claim with public history is never deleted: merge or retract it instead.
        return False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["summary", "claim", "stance", "kind", "created_at"]
    list_filter = ["stance", "kind"]
    search_fields = ["summary", "url", "claim__text"]
    autocomplete_fields = ["claim", "article"]
    list_select_related = ["claim"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """Read-only: the history is append-only."""

    list_display = ["claim", "from_status", "to_status", "changed_at", "changed_by"]
    list_filter = ["to_status", ("changed_at", admin.DateFieldListFilter)]
    search_fields = ["claim__text", "rationale"]
    list_select_related = ["claim", "changed_by"]
    date_hierarchy = "changed_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["evidence"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClaimRelation)
class ClaimRelationAdmin(admin.ModelAdmin):
    list_display = ["from_claim", "kind", "to_claim", "created_at"]
    list_filter = ["kind"]
    search_fields = ["from_claim__text", "to_claim__text"]
    autocomplete_fields = ["from_claim", "to_claim"]
    list_select_related = ["from_claim", "to_claim"]
