"""Team work benchmark: server time of "My work", notifications, activity pages (first and a deep
keyset page), the claim page's team panel (its selector), and the desk's claim list.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_bench_team .venv/bin/python bench/bench_teamwork.py [100000]

Loads synthetic claims (bench/synthetic.py) up to the size, then team rows in bulk SQL (idempotent: a
second run reuses them): 8 editors, 500 claims assigned to the measured editor (20,000 in all),
200,000 activity rows (100,000 by the measured editor), 100,000 notifications for them and 30 notes
on one claim. Requests are made in-process with django.test.Client, as bench_reader.py does; prints
median and p95 per page and its number of queries (the tests assert those counts too).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
os.environ["DJANGO_DEBUG"] = os.environ.get("BENCH_DEBUG", "0")  # production settings, as bench_reader.py
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-bench-only-secret-bench-only-secret-0123")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.bench_reader import RUNS, time_page  # noqa: E402
from bench.dbsetup import ensure_migrated_database  # noqa: E402
from bench.synthetic import ensure_synthetic_claims  # noqa: E402
from claims_tracker.claims.models import Claim  # noqa: E402
from claims_tracker.teamwork.models import Activity, Notification  # noqa: E402
from claims_tracker.teamwork.selectors import ACTIVITY_KEYSET, NOTIFICATION_KEYSET, claim_team  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

EDITORS = 8


def _team_rows(me, others) -> None:
    if Activity.objects.filter(actor=me).exists():
        print("  team rows already loaded", flush=True)
        return
    ids = [u.pk for u in others]
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM claims_claim")
        low, high = cursor.fetchone()
        span = high - low + 1
        # 20,000 assignments, the first 500 to the measured editor.
        cursor.execute(
            """INSERT INTO teamwork_assignment (claim_id, assignee_id, assigned_by_id, assigned_at)
               SELECT %s + g, CASE WHEN g < 500 THEN %s ELSE (%s::int[])[1 + g %% %s] END, %s,
                      now() - g * interval '1 minute'
               FROM generate_series(0, 19999) g WHERE %s + g <= %s""",
            [low, me.pk, ids, len(ids), ids[0], low, high],
        )
        # 200,000 activity rows: even ones by the measured editor, the rest by colleagues.
        cursor.execute(
            """INSERT INTO teamwork_activity (actor_id, verb, claim_id, detail, created_at)
               SELECT CASE WHEN g %% 2 = 0 THEN %s ELSE (%s::int[])[1 + g %% %s] END,
                      (ARRAY['status_changed','evidence_added','appearance_added','note_added'])[1 + g %% 4],
                      %s + (g * 7919) %% %s, 'Unverified → Disputed', now() - g * interval '10 seconds'
               FROM generate_series(0, 199999) g""",
            [me.pk, ids, len(ids), low, span],
        )
        # 100,000 notifications for the measured editor, of colleagues' activity; a tenth unread.
        cursor.execute(
            """INSERT INTO teamwork_notification (user_id, activity_id, created_at, read_at)
               SELECT %s, a.id, a.created_at, CASE WHEN row_number() OVER () %% 10 = 0 THEN NULL ELSE now() END
               FROM teamwork_activity a WHERE a.actor_id <> %s""",
            [me.pk, me.pk],
        )
        cursor.execute(
            """INSERT INTO teamwork_note (claim_id, author_id, text, created_at)
               SELECT %s, %s, 'Bench note number ' || g, now() - g * interval '1 hour' FROM generate_series(1, 30) g""",
            [low, ids[0]],
        )
        cursor.execute("ANALYZE teamwork_assignment, teamwork_activity, teamwork_notification, teamwork_note")
    print("  team rows loaded", flush=True)


def _deep(model, keyset, **filters) -> str:
    count = model.objects.filter(**filters).count()
    row = model.objects.filter(**filters).order_by(*keyset.order_by())[int(count * 0.9)]
    return keyset.encode(keyset.position_of(row))


def main(size: int) -> None:
    ensure_migrated_database()
    call_command("collectstatic", interactive=False, verbosity=0)  # hashed names, as in production
    ensure_synthetic_claims(size)
    Group.objects.get_or_create(name="editor")
    me = UserFactory(username="bench-editor-0", groups=["editor"])
    others = [UserFactory(username=f"bench-editor-{n}", groups=["editor"]) for n in range(1, EDITORS)]
    _team_rows(me, others)
    client = Client()
    client.force_login(me)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(id) FROM claims_claim")
        total, first_claim = cursor.fetchone()
    notif_deep = _deep(Notification, NOTIFICATION_KEYSET, user=me)
    activity_deep = _deep(Activity, ACTIVITY_KEYSET, actor=me)
    pages = {
        "My work (500 assigned)": ["/desk/team/work/"],
        "notifications, first page": ["/desk/team/notifications/"],
        "notifications, 90% down (keyset)": [f"/desk/team/notifications/?after={notif_deep}"],
        "activity, first page": [f"/desk/team/people/{me.pk}/"],
        "activity, 90% down (keyset)": [f"/desk/team/people/{me.pk}/?after={activity_deep}"],
        "desk claim list (assignee column)": ["/desk/claims/"],
    }
    print(f"\n=== {total:,} claims, {Activity.objects.count():,} activity rows, {RUNS} runs ===")
    print(f"  {'page':42} {'median ms':>10} {'p95 ms':>9} {'queries':>8}")
    for name, urls in pages.items():
        median, p95, queries = time_page(client, urls)
        print(f"  {name:42} {median:10.1f} {p95:9.1f} {queries:8d}", flush=True)
    # The claim's desk page itself is not timed here: at 100k claims its appearance form lists every
    # article (tens of seconds, before this feature). Its team panel alone:
    claim = Claim.objects.get(pk=first_claim)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        claim_team(claim, me)
        timings.append((time.perf_counter() - started) * 1000)
    median, p95 = statistics.median(timings), sorted(timings)[int(0.95 * (len(timings) - 1))]
    print(f"  {'claim page team panel (30 notes), selector':42} {median:10.1f} {p95:9.1f} {4:8d}", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
