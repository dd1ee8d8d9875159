"""The desk nav's counts ("My work", unread notifications) and the story page's follow button."""

from __future__ import annotations

from django import template

from claims_tracker.accounts import roles
from claims_tracker.teamwork import selectors

register = template.Library()


@register.simple_tag
def team_counts(user) -> selectors.Counts | None:
    """One query per desk page; None for a user without the editor's role (no team links)."""
    if not roles.is_editor(user):
        return None
    return selectors.nav_counts(user)


@register.inclusion_tag("teamwork/_follow_story.html", takes_context=True)
def follow_story_button(context, story) -> dict:
    user = context["request"].user
    return {"story": story, "following": selectors.follows_story(user, story.pk), "csrf_token": context["csrf_token"]}
