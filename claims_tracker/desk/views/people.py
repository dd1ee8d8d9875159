"""Claimants, stories and outlets: lists, create and edit (with optimistic locking)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from claims_tracker.claims import services as claims
from claims_tracker.claims.models import Article, Claim, Claimant, Outlet, Story
from claims_tracker.claims.services import ServiceError, StaleVersion
from claims_tracker.desk import history, selectors, services
from claims_tracker.desk.forms.common import lines
from claims_tracker.desk.forms.people import (
    ClaimantEditForm,
    ClaimantForm,
    OutletEditForm,
    OutletForm,
    StoryEditForm,
    StoryForm,
)

from .base import apply_error, differences, editor_required, next_url, rebind


def _search(qs, request: HttpRequest, *fields: str):
    query = request.GET.get("q", "").strip()
    if query:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": query})
        qs = qs.filter(condition).distinct()
    return qs, query


# Claimants ---------------------------------------------------------------------------------


@require_GET
@editor_required
def claimant_lookup(request: HttpRequest) -> JsonResponse:
    """Suggestions for a claimant field as the editor types: [{"value": "Name #12", "label": role}]."""
    found = selectors.claimant_suggestions(request.GET.get("q", ""))
    return JsonResponse({"results": [{"value": f"{c.name} #{c.pk}", "label": c.role} for c in found]})


@require_GET
@editor_required
def claimant_list(request: HttpRequest) -> HttpResponse:
    qs, query = _search(Claimant.objects.select_related("affiliation"), request, "name", "role", "aliases__alias")
    claimants = selectors.with_counts(list(qs.order_by("name")[:200]), Claim, "claimant", "claim_count")
    return render(request, "desk/claimant_list.html", {"claimants": claimants, "q": query})


@require_http_methods(["GET", "POST"])
@editor_required
def claimant_create(request: HttpRequest) -> HttpResponse:
    form = ClaimantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claimant = claims.claimant_create(
                name=data["name"],
                kind=data["kind"],
                role=data["role"],
                affiliation=data["affiliation"],
                side=data["side"],
                description=data["description"],
                aliases=lines(data["aliases"]),
            )
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Claimant “{claimant.name}” added.")
            return redirect(next_url(request, reverse("desk-claimant-edit", args=[claimant.pk])))
    return render(
        request,
        "desk/entity_form.html",
        {"form": form, "what": "claimant", "title": "New claimant", "cancel": reverse("desk-claimant-list")},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def claimant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    claimant = get_object_or_404(Claimant.objects.select_related("affiliation").prefetch_related("aliases"), pk=pk)
    form = ClaimantEditForm(request.POST or None, instance=claimant, initial=ClaimantEditForm.initial_for(claimant))
    stale, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                claims.claimant_update(
                    claimant_id=claimant.pk,
                    expected_version=data["version"],
                    name=data["name"],
                    kind=data["kind"],
                    role=data["role"],
                    affiliation=data["affiliation"],
                    side=data["side"],
                    description=data["description"],
                )
                claimant.refresh_from_db()
                services.claimant_set_aliases(claimant=claimant, aliases=lines(data["aliases"]))
            except StaleVersion as exc:
                fresh = get_object_or_404(Claimant.objects.prefetch_related("aliases"), pk=pk)
                saved = ClaimantEditForm.initial_for(fresh)
                saved["affiliation"] = fresh.affiliation
                stale = {
                    "message": exc.message,
                    "revisions": history.revisions(fresh, since_version=data["version"]),
                    "differences": differences(form, saved),
                }
                form = rebind(ClaimantEditForm, request.POST, exc.current_version, instance=fresh)
                claimant, status = fresh, 409
            except ServiceError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, f"Claimant “{claimant.name}” saved.")
                return redirect(next_url(request, reverse("desk-claimant-edit", args=[claimant.pk])))
    context = {
        "form": form,
        "what": "claimant",
        "title": f"Edit claimant: {claimant.name}",
        "obj": claimant,
        "public_url": claimant.get_absolute_url(),
        "cancel": reverse("desk-claimant-list"),
        "revisions": history.revisions(claimant),
        "stale": stale,
    }
    return render(request, "desk/entity_form.html", context, status=status)


# Stories ----------------------------------------------------------------------------------


@require_GET
@editor_required
def story_list(request: HttpRequest) -> HttpResponse:
    qs, query = _search(Story.objects.all(), request, "title", "place", "summary")
    stories = list(qs.order_by("-started_on", "title")[:200])
    stories = selectors.with_counts(stories, Claim.stories.through, "story", "claim_count")
    return render(request, "desk/story_list.html", {"stories": stories, "q": query})


def _simple_create(request: HttpRequest, *, form_class, create, what: str, list_name: str) -> HttpResponse:
    """A create page for stories and outlets: the service writes, refusals land on the form."""
    form = form_class(request.POST or None)
    list_url = reverse(list_name)
    if request.method == "POST" and form.is_valid():
        try:
            created = create(**form.cleaned_data)
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"{what.capitalize()} “{created}” added.")
            return redirect(next_url(request, list_url))
    return render(
        request,
        "desk/entity_form.html",
        {"form": form, "what": what, "title": f"New {what}", "cancel": list_url},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def story_create(request: HttpRequest) -> HttpResponse:
    return _simple_create(
        request, form_class=StoryForm, create=claims.story_create, what="story", list_name="desk-story-list"
    )


def _versioned_edit(request, obj, *, form_class, update, initial, what: str, list_url: str, title: str):
    """Edit a story or outlet: same shape, locked by `updated_at`."""
    version = services.stamp(obj.updated_at)
    form = form_class(request.POST or None, initial=initial(obj, version))
    stale, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            expected = data.pop("version")
            try:
                obj = update(obj.pk, expected, data)
            except StaleVersion as exc:
                obj.refresh_from_db()
                stale = {"message": exc.message, "differences": differences(form, initial(obj, 0))}
                form, status = rebind(form_class, request.POST, exc.current_version), 409
            except ServiceError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, f"{what.capitalize()} “{obj}” saved.")
                return redirect(next_url(request, list_url))
    context = {
        "form": form,
        "what": what,
        "title": title,
        "obj": obj,
        "public_url": obj.get_absolute_url(),
        "cancel": list_url,
        "stale": stale,
        "updated_at": obj.updated_at,
    }
    return render(request, "desk/entity_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@editor_required
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=pk)
    return _versioned_edit(
        request,
        story,
        form_class=StoryEditForm,
        update=lambda pk, expected, data: services.story_update(story_id=pk, expected_version=expected, **data),
        initial=StoryEditForm.initial_for,
        what="story",
        list_url=reverse("desk-story-list"),
        title=f"Edit story: {story.title}",
    )


# Outlets ----------------------------------------------------------------------------------


def _outlet_initial(outlet: Outlet, version: int) -> dict:
    return {
        "name": outlet.name,
        "kind": outlet.kind,
        "homepage": outlet.homepage,
        "country": outlet.country,
        "version": version,
    }


@require_GET
@editor_required
def outlet_list(request: HttpRequest) -> HttpResponse:
    qs, query = _search(Outlet.objects.all(), request, "name", "country")
    outlets = selectors.with_counts(list(qs.order_by("name")[:200]), Article, "outlet", "article_count")
    return render(request, "desk/outlet_list.html", {"outlets": outlets, "q": query})


@require_http_methods(["GET", "POST"])
@editor_required
def outlet_create(request: HttpRequest) -> HttpResponse:
    return _simple_create(
        request, form_class=OutletForm, create=services.outlet_create, what="outlet", list_name="desk-outlet-list"
    )


@require_http_methods(["GET", "POST"])
@editor_required
def outlet_edit(request: HttpRequest, pk: int) -> HttpResponse:
    outlet = get_object_or_404(Outlet, pk=pk)
    return _versioned_edit(
        request,
        outlet,
        form_class=OutletEditForm,
        update=lambda pk, expected, data: services.outlet_update(outlet_id=pk, expected_version=expected, **data),
        initial=_outlet_initial,
        what="outlet",
        list_url=reverse("desk-outlet-list"),
        title=f"Edit outlet: {outlet.name}",
    )
