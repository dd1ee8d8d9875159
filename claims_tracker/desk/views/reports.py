"""Add a report (URL or pasted text) and follow its progress until candidates appear."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.desk.forms.reports import ReportTextForm, ReportUrlForm
from claims_tracker.ingest.models import CandidateState

from .base import editor_required

PENDING = (IngestState.QUEUED, IngestState.FETCHING, IngestState.EXTRACTING)
STEPS = [
    (IngestState.QUEUED, "Queued"),
    (IngestState.FETCHING, "Fetching the page"),
    (IngestState.EXTRACTING, "Finding claims"),
    (IngestState.DONE, "Ready for triage"),
]


def _ingest():
    # Imported on use: the ingest services are another app's module and the desk must not
    # fail to route if they are missing or broken; the error then shows on this page only.
    from claims_tracker.ingest import services

    return services


@require_http_methods(["GET", "POST"])
@editor_required
def report_add(request: HttpRequest) -> HttpResponse:
    url_form, text_form = ReportUrlForm(prefix="u"), ReportTextForm(prefix="t")
    if request.method == "POST":
        ingest = _ingest()
        if "t-text" in request.POST:
            text_form = ReportTextForm(request.POST, prefix="t")
            if text_form.is_valid():
                data = text_form.cleaned_data
                try:
                    article, created = ingest.article_submit_text(
                        text=data["text"],
                        title=data["title"],
                        outlet=data["outlet"],
                        published_at=data["published_at"],
                        requested_by=request.user,
                    )
                except ingest.IngestError as exc:
                    text_form.add_error(_field(text_form, exc), exc.message)
                else:
                    return _added(request, article, created, f"Report added: “{article}”.")
        else:
            url_form = ReportUrlForm(request.POST, prefix="u")
            if url_form.is_valid():
                try:
                    article, created = ingest.article_submit_url(
                        url=url_form.cleaned_data["url"], requested_by=request.user
                    )
                except ingest.IngestError as exc:
                    url_form.add_error(_field(url_form, exc), exc.message)
                else:
                    queued = "Report queued for fetching; candidates appear here when it is read."
                    return _added(request, article, created, queued)
    recent = Article.objects.filter(requested_by__isnull=False).select_related("outlet", "requested_by")[:8]
    return render(request, "desk/report_add.html", {"url_form": url_form, "text_form": text_form, "recent": recent})


def _added(request: HttpRequest, article: Article, created: bool, message: str) -> HttpResponse:
    """To the report's page, saying whether it is new or was already on the desk (with its link).
    A new one whose message the broker refused (Redis down) is stored and waits: it says so instead."""
    if not created:
        link = format_html('<a href="{}">report #{}</a>', reverse("desk-report", args=[article.pk]), article.pk)
        messages.info(request, format_html("Already added as {}: “{}”.", link, article))
        return redirect("desk-report", pk=article.pk)
    article.refresh_from_db(fields=["ingest_state", "last_error"])
    if article.ingest_state == IngestState.QUEUED and article.last_error:
        messages.warning(request, article.last_error)
    else:
        messages.success(request, message)
    return redirect("desk-report", pk=article.pk)


def _field(form, exc) -> str | None:
    field = getattr(exc, "field", None)
    return field if field in form.fields else None


def progress(article: Article) -> dict:
    counts = {state: 0 for state in CandidateState.values}
    for state in article.candidates.values_list("state", flat=True):
        counts[state] += 1
    order = [s for s, _ in STEPS]
    current = order.index(article.ingest_state) if article.ingest_state in order else len(order)
    return {
        "state": article.ingest_state,
        "label": article.get_ingest_state_display(),
        "pending": article.ingest_state in PENDING,
        "failed": article.ingest_state == IngestState.FAILED,
        "error": article.last_error,
        "title": str(article),
        "candidates": sum(counts.values()),
        "new": counts[CandidateState.NEW],
        "steps": [
            {
                "state": s,
                "label": label,
                "done": i < current or article.ingest_state == IngestState.DONE,
                "current": i == current and article.ingest_state != IngestState.DONE,
            }
            for i, (s, label) in enumerate(STEPS)
        ],
    }


def _resolve(pk: int) -> Article:
    """The article, following a merge into the duplicate it turned out to be (ingest dedupes after fetching)."""
    article = _ingest().article_resolve(pk)
    if article is None:
        raise Http404("No such report.")
    return article


@require_GET
@editor_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kept = _resolve(pk)
    if kept.pk != pk:
        messages.info(request, "This report was already on the desk; here is the earlier copy.")
        return redirect("desk-report", pk=kept.pk)
    article = get_object_or_404(
        Article.objects.select_related("outlet", "requested_by", "copy_of__outlet", "archive").defer(
            "minhash", "minhash_bands"
        ),
        pk=pk,
    )
    # Who has each untriaged one: the candidate's own assignment, or its group's (teamwork).
    candidates = article.candidates.select_related(
        "claimant", "claim", "decided_by", "assignment__assignee", "group__assignment__assignee"
    ).order_by("start_offset", "id")
    copies = article.copies.select_related("outlet").only("pk", "outlet__name").order_by("pk")
    return render(
        request,
        "desk/report_detail.html",
        {"article": article, "candidates": candidates, "copies": copies, "progress": progress(article)},
    )


@require_GET
@editor_required
def report_progress(request: HttpRequest, pk: int) -> JsonResponse:
    article = _resolve(pk)
    data = progress(article)
    if article.pk != pk:
        data["redirect"] = reverse("desk-report", args=[article.pk])
    return JsonResponse(data)
