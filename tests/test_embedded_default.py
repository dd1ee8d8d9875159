"""The embedded default (`make run` with no DATABASE_URL: the embedded PostgreSQL, eager tasks).

This runs the whole thing like a newcomer would, in a fresh folder for the embedded server:
`python -m claims_tracker.embedded_db run -- manage.py shell -c SCRIPT` (how `make run` wraps its
manage.py commands) migrates, loads the demo, reads every API list and detail, asks
conditionally, writes a status change with a token, and sees a webhook subscription get its
delivery (delivered eagerly to a real receiver on 127.0.0.1). Search, triage suggestions and the
append-only history are PostgreSQL's, as in production. Then a plain manage.py command, with no
server running, starts it for itself, finds the data kept, and stops it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claims_tracker.embedded_db import Server

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, os, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client

from claims_tracker.accounts.roles import EDITOR_GROUP
from claims_tracker.claims.models import Article, Claim, Claimant, Outlet, StatusChange, Story
from claims_tracker.claims.selectors import claim_list, claim_search
from claims_tracker.ingest.claim_matching import Probe, claim_matches
from claims_tracker.webhooks.models import Delivery

out = {"vendor": connection.vendor, "host": settings.DATABASES["default"]["HOST"],
       "eager": settings.CELERY_TASK_ALWAYS_EAGER, "status": {}, "received": []}
call_command("migrate", verbosity=0)
call_command("load_demo", verbosity=0)

received = out["received"]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        received.append(json.loads(body)["event"])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
thread = threading.Thread(target=server.serve_forever, daemon=True)
thread.start()

client = Client(HTTP_HOST="127.0.0.1")


def get(url, **headers):
    response = client.get(url, **headers)
    out["status"][url + (" (conditional)" if headers else "")] = response.status_code
    return response


claim = Claim.objects.filter(merged_into__isnull=True).order_by("pk").first()
claimant, story = Claimant.objects.order_by("pk").first(), Story.objects.order_by("pk").first()
article, outlet = Article.objects.order_by("pk").first(), Outlet.objects.order_by("pk").first()
urls = [
    "/api/v1/claims/", "/api/v1/claims/?page_size=2", "/api/v1/claims/?ordering=claimed",
    f"/api/v1/claims/{claim.pk}/", f"/api/v1/claims/{claim.pk}/claimreview",
    "/api/v1/claims/sync/", "/api/v1/claims/sync/?updated_since=2000-01-01T00:00:00Z",
    "/api/v1/status-changes/", "/api/v1/claimants/", f"/api/v1/claimants/{claimant.slug}/",
    "/api/v1/stories/", f"/api/v1/stories/{story.slug}/", "/api/v1/articles/", f"/api/v1/articles/{article.pk}/",
    "/api/v1/outlets/", f"/api/v1/outlets/{outlet.slug}/", "/api/schema/", "/api/v1/claimreview.jsonld",
]
bodies = {url: get(url) for url in urls}
first = bodies["/api/v1/claims/"].json()
out["claims_listed"] = len(first["results"])
out["claims_total"] = Claim.objects.count()
out["claim_row_matches_model"] = [
    (r["id"], r["updated_at"], sorted(r["stories"])) for r in first["results"] if r["id"] == claim.pk
] == [(claim.pk, claim.updated_at.isoformat().replace("+00:00", "Z"), sorted(s.slug for s in claim.stories.all()))]
small = bodies["/api/v1/claims/?page_size=2"].json()
out["small_page_has_more"] = small["has_more"] and bool(small["next_cursor"])

# Conditional requests: the stored ETag must equal the one sent with the full body.
for url in ["/api/v1/claims/", "/api/v1/claims/?page_size=2", f"/api/v1/claims/{claim.pk}/", "/api/v1/claimants/"]:
    get(url, HTTP_IF_NONE_MATCH=bodies[url]["ETag"])

# An editor with a token changes a state; a webhook subscriber hears of it.
editor = User.objects.create_user("embedded-editor", password="embedded-password-123")
editor.groups.add(Group.objects.get_or_create(name=EDITOR_GROUP)[0])
token = client.post(
    "/api/v1/auth/token/",
    {"username": "embedded-editor", "password": "embedded-password-123"},
    content_type="application/json",
)
out["status"]["POST token"] = token.status_code
auth = {"HTTP_AUTHORIZATION": "Token " + token.json()["token"]}
hook = client.post(
    "/api/v1/webhooks/create/",
    {"url": f"http://127.0.0.1:{server.server_address[1]}/hook", "events": ["status.changed"]},
    content_type="application/json",
    **auth,
)
out["status"]["POST webhook"] = hook.status_code
changed = client.post(
    f"/api/v1/claims/{claim.pk}/status/",
    {"to_status": "disputed", "rationale": "Contradicted by a second source.", "expected_version": claim.version},
    content_type="application/json",
    **auth,
)
out["status"]["POST status"] = changed.status_code
claim.refresh_from_db()
out["claim_status"] = claim.status
out["deliveries"] = list(Delivery.objects.filter(subscription_id=hook.json()["id"]).values_list("event", "state"))
detail = f"/api/v1/claims/{claim.pk}/"
out["etag_changed"] = client.get(detail, HTTP_IF_NONE_MATCH=bodies[detail]["ETag"]).status_code

# PostgreSQL's search syntax (a phrase, -word, OR), its "best match", pg_trgm suggestions, triggers.
wagner = [c.pk for c in Claim.objects.filter(text__icontains="Wagner")]
soledar = {c.pk for c in claim_search(claim_list(), "Soledar")}
without = {c.pk for c in claim_search(claim_list(), '"Soledar" -Wagner')}
out["minus_word"] = bool(wagner) and bool(without) and without < soledar and not set(wagner) & without
either = {c.pk for c in claim_search(claim_list(), "Wagner or Bakhmut")}
out["or_query"] = set(wagner) < either
page = client.get("/?q=Soledar").content.decode()
out["best_match_offered"] = 'value="relevance" selected' in page
target = Claim.objects.filter(merged_into__isnull=True).order_by("pk").last()
found = claim_matches(Probe(text=f"The ministry said: {target.text.rstrip('.')}, officials added."), limit=3)
out["suggestion"] = [found[0].claim.pk == target.pk, round(found[0].score, 2)] if found else None
try:
    with transaction.atomic():
        StatusChange.objects.update(rationale="rewritten")
    out["history_append_only"] = False
except IntegrityError:
    out["history_append_only"] = True
server.shutdown()
thread.join(timeout=10)
server.server_close()
print("RESULT " + json.dumps(out))
"""


def _without_database_url(folder) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env.update(EMBEDDED_DB_DIR=str(folder), INGEST_ALLOW_PRIVATE_NETWORKS="1")
    return env


def _postmaster_running(folder) -> bool:
    return (folder / "data" / "postmaster.pid").exists()


@pytest.mark.slow
def test_it_serves_the_api_and_webhooks_on_the_embedded_postgresql_default(tmp_path):
    folder = tmp_path / "pg"
    env = _without_database_url(folder)
    manage = [sys.executable, "manage.py", "shell", "-c", SCRIPT]
    try:
        result = subprocess.run(
            [sys.executable, "-m", "claims_tracker.embedded_db", "run", "--", *manage],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        kept = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from claims_tracker.claims.models import Claim; print('CLAIMS', Claim.objects.count())",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        Server(folder).stop()  # only if a run above left it up (then the asserts below say so)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, result.stdout[-3000:] + result.stderr[-6000:]
    out = json.loads(lines[-1].removeprefix("RESULT "))
    # No 500 was logged, even one the view turned into a clean answer.
    assert "Internal Server Error" not in result.stderr, result.stderr[-6000:]
    # The wrapper created the cluster, started it, and stopped it when the command ended.
    assert "created a new cluster" in result.stderr and "stopped" in result.stderr, result.stderr[-3000:]

    assert out["vendor"] == "postgresql" and out["host"] == str(folder / "run") and out["eager"] is True
    conditional = {url: s for url, s in out["status"].items() if url.endswith("(conditional)")}
    plain = {url: s for url, s in out["status"].items() if url not in conditional and not url.startswith("POST")}
    assert len(plain) == 18 and set(plain.values()) == {200}, plain
    assert len(conditional) == 4 and set(conditional.values()) == {304}, conditional
    assert out["status"]["POST token"] == 200
    assert out["status"]["POST webhook"] == 201
    assert out["status"]["POST status"] in (200, 201)
    assert out["claims_listed"] >= 3 and out["claim_row_matches_model"] and out["small_page_has_more"]
    assert out["claim_status"] == "disputed"
    # The change moved the claim's ETag, and the subscription got one delivery, sent eagerly.
    assert out["etag_changed"] == 200
    assert out["deliveries"] == [["status.changed", "succeeded"]], out["deliveries"]
    assert out["received"] == ["status.changed"]
    # Search, suggestions and constraints as in production.
    assert out["minus_word"] and out["or_query"] and out["best_match_offered"]
    assert out["suggestion"] and out["suggestion"][0] and out["suggestion"][1] >= 0.5, out["suggestion"]
    assert out["history_append_only"] is True

    # A manage.py command with no server running starts one for itself on the kept data, then stops it.
    assert kept.returncode == 0, kept.stderr[-3000:]
    assert "created" not in kept.stderr and "ready on" in kept.stderr and "stopped" in kept.stderr
    assert int(kept.stdout.split("CLAIMS")[1].split()[0]) == out["claims_total"] > 0
    assert not _postmaster_running(folder)
