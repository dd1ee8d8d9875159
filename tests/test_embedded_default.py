"""The embedded default (`make run` with no DATABASE_URL: SQLite, eager tasks) serves the JSON API.

The API's hot paths are written for PostgreSQL; on SQLite they must fall back to portable code.
This runs the whole thing in a fresh process against a fresh SQLite file, like a newcomer would:
migrate, load the demo, then read every API list and detail, ask conditionally, write a status
change with a token, and see a webhook subscription get its delivery (delivered eagerly to a
real receiver on 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, os, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
django.setup()

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client

from claims_tracker.accounts.roles import EDITOR_GROUP
from claims_tracker.claims.models import Article, Claim, Claimant, Outlet, Story
from claims_tracker.webhooks.models import Delivery

out = {"vendor": connection.vendor, "eager": settings.CELERY_TASK_ALWAYS_EAGER, "status": {}, "received": []}
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
server.shutdown()
thread.join(timeout=10)
server.server_close()
print("RESULT " + json.dumps(out))
"""


def test_it_serves_the_api_and_webhooks_on_the_embedded_sqlite_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}", INGEST_ALLOW_PRIVATE_NETWORKS="1")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, result.stdout[-3000:] + result.stderr[-6000:]
    out = json.loads(lines[-1].removeprefix("RESULT "))
    # No 500 was logged, even one the view turned into a clean answer.
    assert "Internal Server Error" not in result.stderr, result.stderr[-6000:]

    assert out["vendor"] == "sqlite" and out["eager"] is True
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
