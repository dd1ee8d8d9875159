"""WebSub (W3C Recommendation, 23 January 2018): the hub pushes a feed's new content instead of waiting for a poll.

- Discovery (§4): the hub and the topic (the feed's self URL) come from the response's Link headers, else from the
  document (atom:link rel="hub" / rel="self" in Atom and RSS, `hubs` / `feed_url` in JSON Feed; feeds.py).
- Subscribing (§5.1): after a poll that discovered a hub, a POST to the hub (hub.callback, hub.mode=subscribe,
  hub.topic, hub.lease_seconds, and hub.secret, a fresh random secret per subscription) through safe_fetch, so the
  hub's address passes the same checks as every fetch. Our callback URL carries a random token of its own.
- Verification (§5.3): the hub GETs the callback with hub.mode, hub.topic, hub.challenge and hub.lease_seconds; the
  challenge is echoed (200) only for the subscription we asked for, for that topic; anything else is a 404.
  A hub's refusal (hub.mode=denied, with hub.reason) is recorded.
- Content distribution (§7, §8): the hub POSTs the new content, with X-Hub-Signature: method=hex HMAC of the body
  keyed by our secret (sha1, sha256, sha384 or sha512), compared in constant time. A push that is not signed, or
  signed wrongly, is ignored yet answered 2xx, as §8 requires (the sender learns nothing); a good one is parsed
  and recorded by the same code as a poll's entries (polling.entries_record), so an entry that arrives by push
  and by poll is one entry: the (feed, guid) constraint decides.
- Renewal: a poll that finds the lease ending within RENEW_BEFORE (or in its last half, if shorter) asks again,
  on the same callback with the same secret. Polling carries on beside the push, at the feed's adaptive
  interval: a push the hub loses is still caught.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from . import fetching
from .entries import entries_record
from .feeds import ParsedFeed, parse_feed
from .models import Feed, WebSubState, WebSubSubscription

log = logging.getLogger(__name__)

LEASE_SECONDS = 10 * 86400  # asked for; the hub decides (hub.lease_seconds in its verification)
RENEW_BEFORE = timedelta(days=1)
RETRY_AFTER = timedelta(days=1)  # a refused or failed subscription is asked for again this long after
SIGNATURE_METHODS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL = re.compile(r""";\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""", re.I)


@dataclass
class Push:
    """What a push did: `ignored` says why it changed nothing (a bad signature, an inactive subscription)."""

    new_entries: int = 0
    ignored: str = ""


def discover(*, headers: dict[str, str], url: str, parsed: ParsedFeed) -> tuple[str, str] | None:
    """(hub, topic) for a fetched feed, Link headers first (§4), or None when it names no hub."""
    links: dict[str, str] = {}
    for target, params in _LINK.findall(headers.get("link", "")):
        for quoted, bare in _REL.findall(params):
            for rel in (quoted or bare).split():
                links.setdefault(rel.lower(), urljoin(url, target.strip()))
    hub = links.get("hub") or (urljoin(url, parsed.hub) if parsed.hub else "")
    if not hub:
        return None
    topic = links.get("self") or (urljoin(url, parsed.self_url) if parsed.self_url else url)
    return hub, topic


def websub_wanted(*, feed: Feed, hub: str, topic: str) -> bool:
    """Whether to ask the hub (again): no subscription yet, another hub or topic, a lease ending, an old refusal."""
    sub = WebSubSubscription.objects.filter(feed=feed).first()
    if sub is None or (sub.hub, sub.topic) != (hub, topic):
        return True
    now = timezone.now()
    if sub.state == WebSubState.ACTIVE:
        if sub.lease_expires_at is None:
            return True
        # Within a day of its end, or within the last half of a short lease (not every poll of a 1-hour lease).
        lease = sub.lease_expires_at - sub.requested_at
        return sub.lease_expires_at - now < min(RENEW_BEFORE, lease / 2)
    if sub.state == WebSubState.PENDING:
        return now - sub.requested_at > timedelta(hours=1)  # the hub never checked: ask again
    return now - sub.requested_at > RETRY_AFTER


def callback_url(token: str) -> str:
    return settings.SITE_URL + reverse("websub-callback", args=[token])


def websub_subscribe(*, feed_id: int, hub: str, topic: str) -> WebSubSubscription | None:
    """Ask the hub to push `topic` to us; the subscription waits (pending) for the hub's verification."""
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return None
    old = WebSubSubscription.objects.filter(feed=feed).first()
    if old is not None and (old.hub, old.topic, old.state) == (hub, topic, WebSubState.ACTIVE):
        # A renewal: the same callback and secret, still active, so pushes on their way stay valid meanwhile.
        token, secret, state = old.token, old.secret, WebSubState.ACTIVE
    else:
        token, secret, state = secrets.token_urlsafe(32), secrets.token_hex(32), WebSubState.PENDING
    sub, _ = WebSubSubscription.objects.update_or_create(
        feed=feed,
        defaults={
            "hub": hub[:2000],
            "topic": topic[:2000],
            "token": token,
            "secret": secret,
            "state": state,
            "requested_at": timezone.now(),
            "last_error": "",
        },
    )
    form = {
        "hub.callback": callback_url(token),
        "hub.mode": "subscribe",
        "hub.topic": topic,
        "hub.lease_seconds": str(LEASE_SECONDS),
        "hub.secret": secret,
    }
    try:
        fetching.safe_fetch(
            hub,
            method="POST",
            body=urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            max_bytes=64 * 1024,
            deadline=30.0,
        )
    except fetching.FetchError as exc:
        WebSubSubscription.objects.filter(pk=sub.pk).update(state=WebSubState.FAILED, last_error=exc.message[:2000])
        log.info("feed %s: subscribing at %s failed: %s", feed_id, hub, exc.message)
        sub.refresh_from_db()
    return sub


def websub_verify(*, token: str, params) -> str | None:
    """The hub's verification of intent (§5.3): the challenge to echo, or None (a 404: not ours, not asked for)."""
    sub = WebSubSubscription.objects.filter(token=token).first()
    mode, topic = params.get("hub.mode", ""), params.get("hub.topic", "")
    if sub is None or topic != sub.topic:
        return None
    if mode == "denied":
        reason = params.get("hub.reason", "")[:1000]
        WebSubSubscription.objects.filter(pk=sub.pk).update(state=WebSubState.DENIED, last_error=reason)
        return ""
    challenge = params.get("hub.challenge", "")
    if mode != "subscribe" or sub.state not in (WebSubState.PENDING, WebSubState.ACTIVE) or not challenge:
        return None  # an unsubscribe we never asked for, or a check without a challenge
    lease = params.get("hub.lease_seconds", "")
    seconds = min(int(lease), 366 * 86400) if lease.isdigit() else LEASE_SECONDS
    WebSubSubscription.objects.filter(pk=sub.pk).update(
        state=WebSubState.ACTIVE, lease_expires_at=timezone.now() + timedelta(seconds=seconds), last_error=""
    )
    return challenge


def signature_matches(*, secret: str, body: bytes, header: str) -> bool:
    method, _, digest = (header or "").partition("=")
    algorithm = SIGNATURE_METHODS.get(method.strip().lower())
    if algorithm is None or not digest:
        return False
    expected = hmac.new(secret.encode(), body, algorithm).hexdigest()
    return hmac.compare_digest(expected, digest.strip().lower())


def websub_receive(*, token: str, body: bytes, content_type: str, signature: str) -> Push | None:
    """A push (§7): None when the token is not ours; otherwise what it recorded, or why it was ignored."""
    sub = WebSubSubscription.objects.select_related("feed").filter(token=token).first()
    if sub is None:
        return None
    if sub.state != WebSubState.ACTIVE:
        log.warning("websub %s: a push to an inactive subscription (%s) was ignored", sub.pk, sub.state)
        return Push(ignored="the subscription is not active")
    if not signature_matches(secret=sub.secret, body=body, header=signature):
        log.warning("websub %s: a push with a missing or wrong signature was ignored", sub.pk)
        return Push(ignored="the signature does not match")
    parsed = parse_feed(body, content_type=content_type, url=sub.topic)
    if parsed.broken:
        WebSubSubscription.objects.filter(pk=sub.pk).update(last_error=f"Broken push: {parsed.error}"[:2000])
        return Push(ignored=f"broken feed: {parsed.error}")
    with transaction.atomic():
        outcome = entries_record(sub.feed, parsed)
        now = timezone.now()
        WebSubSubscription.objects.filter(pk=sub.pk).update(last_push_at=now, push_count=F("push_count") + 1)
        note = f"Pushed by the hub: {outcome.new_entries} new entr{'y' if outcome.new_entries == 1 else 'ies'}"
        Feed.objects.filter(pk=sub.feed_id).update(last_poll_note=note)
    return Push(new_entries=outcome.new_entries)
