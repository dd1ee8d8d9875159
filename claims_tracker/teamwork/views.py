"""Shared work on the desk: assign, notes, follow, "My work", notifications, each editor's activity.

Who may see and do what (tests/desk/test_permissions.py holds the matrix): every editor and reviewer
sees every assignment, note and activity page; notifications are the user's own (another user's are
never listed, and naming their ids marks nothing). Changing an assignment: see teamwork.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from claims_tracker.claims.models import Story
from claims_tracker.claims.pagination import CursorError
from claims_tracker.claims.services import NotAllowed, ServiceError, StateConflict
from claims_tracker.desk.views.base import apply_error, editor_required, next_url
from claims_tracker.desk.views.claims import _not_merged, get_claim, render_edit
from claims_tracker.desk.views.groups import get_group, render_group
from claims_tracker.desk.views.triage import get_candidate, render_triage

from . import digest, selectors, services
from .forms import AssignForm, FollowForm, MarkReadForm, NoteForm

INVALID_LINK = "That page link is not valid. Start again from the first page."


def _claim_page(claim_pk: int) -> str:
    return reverse("desk-claim-edit", args=[claim_pk])


def _refuse(request: HttpRequest, message: str, back: str) -> HttpResponse:
    """A 400 page saying what was wrong, with the way back."""
    return render(request, "teamwork/refused.html", {"message": message, "back": back}, status=400)


@require_POST
@editor_required
def claim_assign(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(pk)
    if (moved := _not_merged(request, claim)) is not None:
        return moved
    form = AssignForm(request.POST, editors=selectors.editors(), prefix="assign")
    status = 400
    if form.is_valid():
        assignee_id = form.cleaned_data["assignee"]
        try:
            assignment = services.claim_assign(claim_id=claim.pk, assignee_id=assignee_id, user=request.user)
        except NotAllowed as exc:
            apply_error(form, exc)
            status = 403
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            if assignment is None:
                messages.success(request, f"Claim #{claim.pk} is not assigned to anyone now.")
            else:
                name = assignment.assignee.get_username()
                messages.success(request, f"Claim #{claim.pk} is assigned to {name}; they are notified.")
            return redirect(next_url(request, _claim_page(claim.pk) + "#team"))
    return render_edit(request, get_claim(pk), extra={"assign_form": form}, status=status)


def _triage_assign(request: HttpRequest, *, group_id=None, candidate_id=None, page: str, label: str, rerender):
    """Assign triage work from its page: back to the page's panel, or the page again with the form's error."""
    form = AssignForm(request.POST, editors=selectors.editors(), prefix="assign")
    status = 400
    if form.is_valid():
        try:
            assignment = services.triage_assign(
                group_id=group_id,
                candidate_id=candidate_id,
                assignee_id=form.cleaned_data["assignee"],
                user=request.user,
            )
        except NotAllowed as exc:
            apply_error(form, exc)
            status = 403
        except ServiceError as exc:
            apply_error(form, exc)
            status = 409 if isinstance(exc, StateConflict) else 400
        else:
            if assignment is None:
                messages.success(request, f"{label} is not assigned to anyone now.")
            else:
                name = assignment.assignee.get_username()
                messages.success(request, f"{label} is assigned to {name} to triage; they are notified.")
            return redirect(next_url(request, page + "#team"))
    return rerender(form, status)


@require_POST
@editor_required
def group_assign(request: HttpRequest, pk: int) -> HttpResponse:
    get_group(pk)  # 404 for a group that does not exist
    return _triage_assign(
        request,
        group_id=pk,
        page=reverse("desk-group", args=[pk]),
        label=f"Group #{pk}",
        rerender=lambda form, status: render_group(request, get_group(pk), assign=form, status=status),
    )


@require_POST
@editor_required
def candidate_assign(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_candidate(pk)
    if candidate.group_id:
        # Its group is the work: the triage page's panel posts there; an old form lands on the group page.
        messages.info(request, f"This candidate is one report of group #{candidate.group_id}: assign the group.")
        return redirect(reverse("desk-group", args=[candidate.group_id]) + "#team")
    return _triage_assign(
        request,
        candidate_id=pk,
        page=reverse("desk-triage", args=[pk]),
        label=f"Candidate #{pk}",
        rerender=lambda form, status: render_triage(request, get_candidate(pk), assign=form, status=status),
    )


@require_POST
@editor_required
def claim_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(pk)
    if (moved := _not_merged(request, claim)) is not None:
        return moved
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.note_add(claim_id=claim.pk, user=request.user, text=data["text"], corrects_id=data["corrects"])
        except ServiceError as exc:
            apply_error(form, exc, {"corrects": ""})  # the choice is not a form field: say it above the form
        else:
            messages.success(request, "Note added. Only editors see it.")
            return redirect(next_url(request, _claim_page(claim.pk) + "#notes"))
    # The typed note comes back in the form: nothing the editor wrote is lost.
    return render_edit(request, claim, extra={"note_form": form}, status=400)


def _follow(request: HttpRequest, *, claim=None, story=None, back: str, label: str) -> HttpResponse:
    form = FollowForm(request.POST)
    if not form.is_valid():
        return _refuse(request, "Choose to follow or to stop following.", back)
    on = services.follow_set(user=request.user, claim=claim, story=story, on=form.cleaned_data["action"] == "follow")
    if on:
        messages.success(request, f"You follow {label}: its changes of state, evidence and appearances notify you.")
    else:
        messages.success(request, f"You no longer follow {label}.")
    return redirect(next_url(request, back))


@require_POST
@editor_required
def claim_follow(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(pk)
    if (moved := _not_merged(request, claim)) is not None:
        return moved
    return _follow(request, claim=claim, back=_claim_page(claim.pk) + "#team", label=f"claim #{claim.pk}")


@require_POST
@editor_required
def story_follow(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=pk)
    return _follow(request, story=story, back=reverse("desk-story-edit", args=[pk]), label=f"“{story.title}”")


@require_GET
@editor_required
def my_work(request: HttpRequest) -> HttpResponse:
    page, cursor_error, status = _paged(request, selectors.my_work, request.user)
    context = {"page": page, "cursor_error": cursor_error, "is_first_page": not request.GET.get("after")}
    return render(request, "teamwork/my_work.html", context, status=status)


def _paged(request: HttpRequest, read, owner) -> tuple[object, str | None, int]:
    cursor = request.GET.get("after") or None
    try:
        return read(owner, cursor=cursor), None, 200
    except CursorError:
        return read(owner), INVALID_LINK, 400


@require_GET
@editor_required
def notifications(request: HttpRequest) -> HttpResponse:
    page, cursor_error, status = _paged(request, selectors.notifications_page, request.user)
    context = {
        "page": page,
        "cursor_error": cursor_error,
        "is_first_page": not request.GET.get("after"),
        "digest_on": selectors.wants_digest(request.user),
    }
    return render(request, "teamwork/notifications.html", context, status=status)


@require_POST
@editor_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    form = MarkReadForm(request.POST)
    back = reverse("teamwork-notifications")
    if not form.is_valid():
        return _refuse(request, form.non_field_errors()[0], back)
    count = services.notifications_mark_read(user=request.user, ids=form.cleaned_data["ids"])
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect(next_url(request, back))


@require_GET
@editor_required
def activity(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=pk)
    page, cursor_error, status = _paged(request, selectors.activity_page, person)
    context = {
        "person": person,
        "page": page,
        "cursor_error": cursor_error,
        "is_first_page": not request.GET.get("after"),
        "is_me": person.pk == request.user.pk,
    }
    return render(request, "teamwork/activity.html", context, status=status)


@require_POST
@editor_required
def digest_toggle(request: HttpRequest) -> HttpResponse:
    form = FollowForm(request.POST)  # the same two choices: "follow" the digest, or stop
    back = reverse("teamwork-notifications")
    if not form.is_valid():
        return _refuse(request, "Choose to get the daily email or to stop it.", back)
    if digest.digest_set(user=request.user, on=form.cleaned_data["action"] == "follow"):
        where = request.user.email or "the address on your account (none yet: ask a reviewer to add one)"
        messages.success(request, f"A daily email of unread notifications goes to {where}.")
    else:
        messages.success(request, "No more daily emails.")
    return redirect(back)
