"""The claims list (home page): filters, full-text search, sorts and keyset pages."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import partial

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from claims_tracker.lib import cache

from .. import selectors
from ..caching import catalogue_versions, reader_cached
from ..models import Claimant, Outlet, Status, Story
from ..pagination import SORTS, CursorError, keyset_page, tiered_page

PAGE_SIZE = 30
# Filter menus list this many choices; a longer tail is reached from claimant/story/outlet pages.
MENU_LIMIT = 300
FILTER_KEYS = ("q", "status", "claimant", "story", "outlet", "claimed_from", "claimed_to", "sort")


class ClaimFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search claims")
    status = forms.ChoiceField(required=False, choices=[("", "Any state"), *Status.choices], label="State")
    claimant = forms.ModelChoiceField(
        required=False, queryset=Claimant.objects.only("pk", "slug", "name"), to_field_name="slug"
    )
    story = forms.ModelChoiceField(
        required=False, queryset=Story.objects.only("pk", "slug", "title"), to_field_name="slug"
    )
    outlet = forms.ModelChoiceField(
        required=False, queryset=Outlet.objects.only("pk", "slug", "name"), to_field_name="slug"
    )
    claimed_from = forms.DateField(required=False, label="Claimed from")
    claimed_to = forms.DateField(required=False, label="Claimed to")
    sort = forms.ChoiceField(required=False, choices=[(s.key, s.label) for s in SORTS.values()])

    def clean_q(self) -> str:
        # NUL cannot reach PostgreSQL; other control characters mean nothing to search.
        return "".join(ch for ch in self.cleaned_data["q"] if ch.isprintable() or ch == " ").strip()

    def clean(self):
        data = super().clean()
        start, end = data.get("claimed_from"), data.get("claimed_to")
        if start and end and end < start:
            self.add_error("claimed_to", "The end date is before the start date.")
        return data


def _option(slug: str, name: str, selected: bool = False) -> str:
    return format_html('<option value="{}"{}>{}</option>', slug, " selected" if selected else "", name)


def _menu_options() -> dict[str, tuple[list[tuple[str, str]], str]]:
    """Each filter menu's choices and their `<option>`s, built once and cached for a minute: three
    sorted scans and some nine hundred escaped options on every page view buy nothing, and a new
    claimant reaching the menu a minute late costs nothing."""

    def load() -> dict[str, tuple[list[tuple[str, str]], str]]:
        menus = {
            "claimant": list(Claimant.objects.order_by("name").values_list("slug", "name")[:MENU_LIMIT]),
            "story": list(Story.objects.order_by("title").values_list("slug", "title")[:MENU_LIMIT]),
            "outlet": list(Outlet.objects.order_by("name").values_list("slug", "name")[:MENU_LIMIT]),
        }
        return {key: (pairs, "".join(_option(*pair) for pair in pairs)) for key, pairs in menus.items()}

    # In this process's memory: read on every list view, a Redis round trip would cost more than a
    # process's own copy (each process builds it once a minute).
    return cache.remembered("claims:list-menus:v2", load, timeout=60)


def _menus(filters: selectors.ClaimFilters) -> dict[str, str]:
    claimant = (filters.claimant.slug, filters.claimant.name) if filters.claimant else None
    story = (filters.story.slug, filters.story.title) if filters.story else None
    outlet = (filters.outlet.slug, filters.outlet.name) if filters.outlet else None
    menus = _menu_options()  # one cache read for the three menus
    built = {}
    for key, current in (("claimant", claimant), ("story", story), ("outlet", outlet)):
        pairs, options = menus[key]
        if current is None:
            html = options
        elif current in pairs:
            html = options.replace(_option(*current), _option(*current, selected=True), 1)
        else:  # the chosen one is listed even when past the menu's limit
            html = _option(*current, selected=True) + options
        built[f"{key}_options"] = mark_safe(html)  # noqa: S308 - every option went through format_html
    return built


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@require_GET
@reader_cached(catalogue_versions)
def claim_list(request: HttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET)
    form.is_valid()  # invalid fields are reported beside the form; the valid ones still apply
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    query = data.get("q", "")
    filters = selectors.ClaimFilters(
        status=data.get("status", ""),
        claimant=data.get("claimant"),
        story=data.get("story"),
        outlet=data.get("outlet"),
        claimed_from=_day_start(data["claimed_from"]) if data.get("claimed_from") else None,
        claimed_to=_day_start(data["claimed_to"]) + timedelta(days=1) if data.get("claimed_to") else None,
    )
    searching = bool(query)
    sort_key = data.get("sort") or ("relevance" if searching else "claimed")
    if sort_key == "relevance" and not searching:
        sort_key = "claimed"
    sort = SORTS[sort_key]

    lean = [*sort.keyset.fields]  # what the page reads
    qs = selectors.claim_filter(selectors.claim_list(annotate=False).select_related(None).only(*lean), filters)
    if sort.tiered:
        tiers = selectors.claim_search_tiers(qs, query)
        read = partial(tiered_page, tiers, sort=sort, size=PAGE_SIZE, load=selectors.claim_rows_picked)
    else:
        qs = selectors.claim_search(qs, query, ranked=False)
        fenced = selectors.claim_search_is_sparse(query)
        read = partial(keyset_page, qs, sort=sort, size=PAGE_SIZE, fenced=fenced, load=selectors.claim_rows_picked)
    cursor_error = ""
    try:
        page = read(after=request.GET.get("after"), before=request.GET.get("before"))
    except CursorError as exc:
        cursor_error = str(exc)
        page = read()
    # The page is picked on bare claim rows (the keyset's fields), and the chosen rows are read with
    # their joins and facts by the same query (selectors.claim_rows_picked).
    claims = page.items
    headlines = selectors.claim_search_headlines([c.pk for c in claims], query) if searching else {}
    for claim in claims:
        claim.headline = headlines.get(claim.pk, "")

    kept = {k: request.GET.get(k, "") for k in FILTER_KEYS if request.GET.get(k, "") and k not in form.errors}
    # Nothing found: the names the words most resemble (pg_trgm), as a search to click.
    suggestion = selectors.claim_search_suggestion(query) if searching and not claims and not page.items else ""
    sort_choices = [s for s in SORTS.values() if s.key != "relevance" or searching]
    context = {
        "form": form,
        "claims": claims,
        "page": page,
        "query": query,
        "sort": sort,
        "sort_choices": sort_choices,
        "statuses": Status.choices,
        "filters": filters,
        "is_filtered": any(v for k, v in kept.items() if k != "sort"),
        # On a phone the filters fold away (<details>) unless one of them is in use.
        "is_filtered_beyond_search": any(v for k, v in kept.items() if k not in ("q", "sort")),
        "cursor_error": cursor_error,
        "suggestion": suggestion,
        "suggestion_url": f"?{urlencode({**kept, 'q': suggestion})}" if suggestion else "",
        "next_url": f"?{urlencode({**kept, 'after': page.next_cursor})}" if page.next_cursor else "",
        "prev_url": f"?{urlencode({**kept, 'before': page.prev_cursor})}" if page.prev_cursor else "",
        "first_url": f"?{urlencode(kept)}",
        "is_first_page": not (request.GET.get("after") or request.GET.get("before")) or cursor_error,
        **_menus(filters),
    }
    # A bad cursor is the client's error (400), answered with the first page and the explanation.
    return render(request, "claims/claim_list.html", context, status=400 if cursor_error else 200)
