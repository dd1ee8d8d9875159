"""Editors' feed pages (/desk/feeds/): list with health, add, detail with recent entries, pause, poll now."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims_tracker.accounts.decorators import editor_required

from . import polling, schedule, selectors, services
from .forms import FeedBoundsForm, FeedForm, seconds
from .models import Feed, WebSubState


def _get_feed(pk: int) -> Feed:
    try:
        return selectors.feed_get(pk=pk)
    except Feed.DoesNotExist:
        raise Http404("No such feed.") from None


def _with_health(feed: Feed) -> Feed:
    feed.health_class, feed.health_label = selectors.feed_health(feed)
    feed.poll_minutes = _minutes(feed.poll_interval)
    feed.bound_minutes = tuple(_minutes(bound) for bound in schedule.interval_bounds(feed))
    return feed


def _minutes(seconds: int) -> int | float:
    """Minutes as an editor reads them: whole from ten minutes on, else to the tenth (1.5, 2, 7.5)."""
    minutes = round(seconds / 60) if seconds >= 600 else round(seconds / 60, 1)
    return int(minutes) if minutes == int(minutes) else minutes


@require_GET
@editor_required
def feed_list(request: HttpRequest) -> HttpResponse:
    feeds = [_with_health(feed) for feed in selectors.feed_list()]
    failing = sum(1 for feed in feeds if feed.health_class == "failed")
    return render(request, "ingest/feed_list.html", {"feeds": feeds, "failing": failing, "form": FeedForm()})


@require_http_methods(["GET", "POST"])
@editor_required
def feed_add(request: HttpRequest) -> HttpResponse:
    form = FeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                feed = polling.feed_create(
                    url=data["url"],
                    title=data["title"],
                    outlet=data["outlet"],
                    poll_interval=data["poll_interval"] * 60,
                    poll_interval_min=seconds(data["poll_interval_min"]),
                    poll_interval_max=seconds(data["poll_interval_max"]),
                    added_by=request.user,
                )
                polling.feed_poll_now(feed=feed)
        except services.IngestError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Feed added; its first poll is on its way.")
            return redirect("ingest-feed-detail", pk=feed.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "ingest/feed_add.html", {"form": form}, status=status)


@require_GET
@editor_required
def feed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feed = _with_health(_get_feed(pk))
    entries = list(selectors.feed_recent_entries(feed=feed))
    bounds = FeedBoundsForm(
        initial={
            "poll_interval_min": _whole_minutes(feed.poll_interval_min),
            "poll_interval_max": _whole_minutes(feed.poll_interval_max),
        }
    )
    websub = getattr(feed, "websub", None)  # a feed without one raises RelatedObjectDoesNotExist, an AttributeError
    context = {"feed": feed, "entries": entries, "bounds_form": bounds, "websub": websub}
    context["websub_class"] = _WEBSUB_CLASSES.get(websub.state, "failed") if websub else ""
    return render(request, "ingest/feed_detail.html", context)


_WEBSUB_CLASSES = {WebSubState.ACTIVE: "done", WebSubState.PENDING: "new"}


def _whole_minutes(seconds: int | None) -> int | None:
    return None if seconds is None else max(1, round(seconds / 60))


@require_POST
@editor_required
def feed_bounds(request: HttpRequest, pk: int) -> HttpResponse:
    """An editor's bounds for the feed's adaptive interval; a refusal is said on the feed's page, nothing changed."""
    feed = _get_feed(pk)
    form = FeedBoundsForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[name].label}: {' '.join(errs)}" for name, errs in form.errors.items())
        messages.error(request, f"Polling bounds not changed. {errors}")
        return redirect("ingest-feed-detail", pk=feed.pk)
    try:
        schedule.feed_set_bounds(
            feed=feed,
            low=seconds(form.cleaned_data["poll_interval_min"]),
            high=seconds(form.cleaned_data["poll_interval_max"]),
        )
    except services.IngestError as exc:
        messages.error(request, f"Polling bounds not changed. {exc.message}")
    else:
        messages.success(request, "Polling bounds saved.")
    return redirect("ingest-feed-detail", pk=feed.pk)


@require_POST
@editor_required
def feed_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    feed = _get_feed(pk)
    polling.feed_set_active(feed=feed, active=not feed.active)
    messages.success(request, "Feed resumed; it will be polled shortly." if feed.active else "Feed paused.")
    return redirect("ingest-feed-detail", pk=feed.pk)


@require_POST
@editor_required
def feed_poll(request: HttpRequest, pk: int) -> HttpResponse:
    feed = _get_feed(pk)
    if not feed.active:
        messages.error(request, "This feed is paused: resume it to poll it.")
    elif polling.feed_poll_now(feed=feed):
        messages.success(request, "Poll queued; refresh in a moment to see what it found.")
    else:
        messages.error(request, "A poll of this feed is already under way.")
    return redirect("ingest-feed-detail", pk=feed.pk)


@require_GET
@editor_required
def article_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """Live state of one article (queued, fetching, extracting, done, failed with the reason), as JSON."""
    article = services.article_resolve(pk)
    if article is None:
        raise Http404("No such article.")
    return JsonResponse(services.article_progress(article))
