"""Desk benchmark: server time of every desk page an editor opens, at 1M claims and 100k candidates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_bench_1m .venv/bin/python bench/bench_desk.py \
        [--claims 1000000] [--candidates 100000]

Loads synthetic claims (bench/synthetic.py) and synthetic triage candidates up to the sizes asked (both
idempotent: a second run adds nothing), logs a reviewer in, and times in-process django.test.Client requests
(URL resolution, middleware, view, ORM, templates; no network or WSGI server), as bench_reader.py does. Prints
median and p95 per page and its query count, against the issue's budget of 150 ms of server time per page.
Asserts nothing beyond each page answering 200 (a triage POST, 302).

The team pages (issue 18) get their data too, scaled to the sizes asked and idempotent (`ensure_team_work`):
candidate groups of two reports (one per 20 candidates), 8 editors, assignments of all three kinds (claims:
one per 50 claims; groups: half of them; lone candidates: one per 20 candidates; the measured reviewer holds
300 of each, and 50 of their lone candidates already triaged, which My work must skip), activity rows (one per
5 claims, half by the reviewer, assignments of groups and candidates among them) and the reviewer's
notifications of colleagues' activity. "triage a group (accept, POST)" accepts a fresh group assigned to the
reviewer on each run: the accept, its appearances, the activity and the assignment closed, as an editor's click.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.bench_reader import RUNS, WARMUP, time_page  # noqa: E402  (sets production settings up first)
from bench.dbsetup import ensure_migrated_database  # noqa: E402
from bench.synthetic import ensure_synthetic_claims  # noqa: E402
from claims_tracker.claims.models import Article, Claim, Claimant, Outlet, Story  # noqa: E402
from claims_tracker.ingest.models import Candidate, CandidateGroup, CandidateState  # noqa: E402
from claims_tracker.teamwork.models import Activity, Assignment, Notification  # noqa: E402
from claims_tracker.teamwork.selectors import ACTIVITY_KEYSET, MY_WORK_KEYSET, NOTIFICATION_KEYSET  # noqa: E402

BUDGET_MS = 150
BATCH = 5_000
SYNTHETIC_SPEAKER = "syn-candidate"  # speaker_text of the candidates this script writes
SYNTHETIC_GROUP = "syn-group"  # speaker_key of the candidate groups this script writes
SYNTHETIC_ACTIVITY = "syn-team"  # detail of the activity rows this script writes
EDITORS = 8
MINE = 300  # of each kind of work, assigned to the measured reviewer


def ensure_candidates(n: int) -> int:
    """At least `n` synthetic candidates, one per synthetic article, 70% new, 20% accepted, 10% rejected."""
    have = Candidate.objects.filter(speaker_text=SYNTHETIC_SPEAKER).count()
    if have >= n:
        return 0
    taken = Candidate.objects.filter(speaker_text=SYNTHETIC_SPEAKER).values("article_id")
    rows = (
        Claim.objects.filter(appearances__article__title__startswith="Synthetic report ")
        .exclude(appearances__article__in=taken)
        .values_list("pk", "text", "claimant_id", "appearances__article_id")
        .order_by("pk")
        .distinct("pk")[: n - have]
    )
    batch: list[Candidate] = []
    for k, (claim_id, text, claimant_id, article_id) in enumerate(rows.iterator(chunk_size=BATCH)):
        state = CandidateState.NEW if k % 10 < 7 else CandidateState.ACCEPTED if k % 10 < 9 else CandidateState.REJECTED
        batch.append(
            Candidate(
                article_id=article_id,
                sentence=f"Officials said {text}",
                statement=text,
                quote=text,
                speaker_text=SYNTHETIC_SPEAKER,
                claimant_id=claimant_id,
                verb="said",
                confidence=0.9,
                start_offset=0,
                end_offset=len(text) + 15,
                state=state,
                claim_id=claim_id if state == CandidateState.ACCEPTED else None,
            )
        )
        if len(batch) == BATCH:
            Candidate.objects.bulk_create(batch)
            batch.clear()
    Candidate.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ingest_candidate")
    return Candidate.objects.filter(speaker_text=SYNTHETIC_SPEAKER).count() - have


def ensure_groups_target(candidates: int) -> int:
    return candidates // 20


def ensure_groups(n: int) -> int:
    """At least `n` synthetic candidate groups, each of two new synthetic candidates (two reports)."""
    have = CandidateGroup.objects.filter(speaker_key=SYNTHETIC_GROUP).count()
    if have >= n:
        return 0
    free = (
        Candidate.objects.filter(
            speaker_text=SYNTHETIC_SPEAKER, state=CandidateState.NEW, group__isnull=True, kept_apart=False
        )
        .order_by("pk")
        .values_list("pk", "statement", "claimant_id")[: 2 * (n - have)]
    )
    pairs = list(zip(*[iter(free)] * 2, strict=False))
    groups = CandidateGroup.objects.bulk_create(
        [CandidateGroup(claimant_id=a[2], speaker_key=SYNTHETIC_GROUP, statement=a[1]) for a, _b in pairs],
        batch_size=BATCH,
    )
    members = [(c[0], g.pk) for (a, b), g in zip(pairs, groups, strict=True) for c in (a, b)]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ingest_candidate c SET group_id = v.g FROM unnest(%s::bigint[], %s::bigint[]) AS v(c, g) "
            "WHERE c.id = v.c",
            [[m[0] for m in members], [m[1] for m in members]],
        )
        cursor.execute("ANALYZE ingest_candidate, ingest_candidategroup")
    return len(groups)


def team_users():
    """The measured reviewer (bench-desk, also the client) and colleagues to share the work with."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    editor_group = Group.objects.get_or_create(name="editor")[0]
    users = []
    for n in range(1, EDITORS):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-desk-editor-{n}")
        user.groups.add(editor_group)
        users.append(user)
    return users


def ensure_team_work(me, others, *, claims: int, candidates: int) -> None:
    """Assignments of three kinds, activity and notifications at the sizes asked (see the module docstring).
    Idempotent: each kind is topped up to its size, nothing is added twice."""
    ids = [u.pk for u in others]
    new_synthetic = f"speaker_text = '{SYNTHETIC_SPEAKER}' AND group_id IS NULL"
    open_group = (
        f"speaker_key = '{SYNTHETIC_GROUP}' AND EXISTS "
        "(SELECT 1 FROM ingest_candidate m WHERE m.group_id = t.id AND m.state = 'new')"
    )
    kinds = [
        # (column, table, rows that may be given out, the reviewer's, everyone's)
        ("claim_id", "claims_claim", "merged_into_id IS NULL", MINE, max(MINE, claims // 50)),
        ("group_id", "ingest_candidategroup", open_group, MINE, max(MINE, ensure_groups_target(candidates) // 2)),
        ("candidate_id", "ingest_candidate", f"{new_synthetic} AND state = 'new'", MINE, max(MINE, candidates // 20)),
        # Already triaged, as if the receiver that drops a finished assignment had failed: My work skips them.
        ("candidate_id", "ingest_candidate", f"{new_synthetic} AND state = 'accepted'", 50, 50),
    ]
    with connection.cursor() as cursor:
        for column, table, where, mine, total in kinds:
            for assignee, wanted in ((me.pk, mine), (None, total)):
                held = Assignment.objects.filter(**{f"{column[:-3]}__isnull": False})
                if assignee is not None:
                    held = held.filter(assignee_id=assignee)
                if column == "candidate_id":  # the two candidate kinds are counted apart
                    held = held.filter(candidate__state="new" if "'new'" in where else "accepted")
                need = wanted - held.count()
                if need <= 0:
                    continue
                cursor.execute(
                    f"""INSERT INTO teamwork_assignment ({column}, assignee_id, assigned_by_id, assigned_at)
                        SELECT t.id, COALESCE(%s, (%s::int[])[1 + t.id %% %s]), %s,
                               now() - (t.id %% 100000) * interval '1 second'
                        FROM {table} t
                        WHERE {where} AND NOT EXISTS (SELECT 1 FROM teamwork_assignment a WHERE a.{column} = t.id)
                        ORDER BY t.id LIMIT %s""",
                    [assignee, ids, len(ids), ids[0], need],
                )
        # Activity: one row per 5 claims, even ones by the reviewer; every 10th an assignment of a group.
        have = Activity.objects.filter(detail=SYNTHETIC_ACTIVITY).count()
        cursor.execute("SELECT min(id), max(id) FROM claims_claim")
        low, high = cursor.fetchone()
        cursor.execute("SELECT min(id), max(id) FROM ingest_candidategroup WHERE speaker_key = %s", [SYNTHETIC_GROUP])
        glow, ghigh = cursor.fetchone()
        cursor.execute(
            """INSERT INTO teamwork_activity (actor_id, verb, claim_id, group_id, subject_id, detail, created_at)
               SELECT CASE WHEN g %% 2 = 0 THEN %s ELSE (%s::int[])[1 + g %% %s] END,
                      CASE WHEN g %% 10 = 5 THEN 'assigned'
                           ELSE (ARRAY['status_changed','evidence_added','appearance_added','note_added'])[1 + g %% 4]
                      END,
                      CASE WHEN g %% 10 = 5 THEN NULL ELSE %s + (g * 7919) %% %s END,
                      CASE WHEN g %% 10 = 5 THEN %s + (g * 31) %% %s END,
                      CASE WHEN g %% 10 = 5 THEN %s END,
                      %s, now() - g * interval '10 seconds'
               FROM generate_series(%s, %s) g""",
            [
                me.pk,
                ids,
                len(ids),
                low,
                high - low + 1,
                glow,
                ghigh - glow + 1,
                me.pk,
                SYNTHETIC_ACTIVITY,
                have,
                claims // 5 - 1,
            ],
        )
        # The reviewer's notifications: colleagues' activity, a tenth unread.
        cursor.execute(
            """INSERT INTO teamwork_notification (user_id, activity_id, created_at, read_at)
               SELECT %s, a.id, a.created_at, CASE WHEN a.id %% 10 = 0 THEN NULL ELSE now() END
               FROM teamwork_activity a WHERE a.detail = %s AND a.actor_id <> %s
               ON CONFLICT DO NOTHING""",
            [me.pk, SYNTHETIC_ACTIVITY, me.pk],
        )
        cursor.execute("ANALYZE teamwork_assignment, teamwork_activity, teamwork_notification")


def reviewer():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username="bench-desk", defaults={"email": "bench@example.org"})
    user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in ("editor", "reviewer")))
    return user


def reviewer_client(user=None) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user or reviewer())
    return client


def _deeper(qs, keyset, share: float = 0.9) -> str:
    """A keyset cursor `share` of the way down a list (a bounded read: the list's rows up to that point)."""
    count = qs.count()
    row = qs.order_by(*keyset.order_by())[max(0, int(count * share) - 1)]
    return keyset.encode(keyset.position_of(row))


def team_pages(me, colleague) -> dict[str, list[str]]:
    from claims_tracker.teamwork.selectors import open_work

    groups = list(
        open_work(Assignment.objects.filter(assignee=me, group__isnull=False))
        .order_by("-assigned_at")
        .values_list("group_id", flat=True)[:10]
    )
    work = open_work(Assignment.objects.filter(assignee=me))
    return {
        "My work (claims, groups, candidates)": ["/desk/team/work/"],
        "My work, 90% down (keyset)": [f"/desk/team/work/?after={_deeper(work, MY_WORK_KEYSET)}"],
        "notifications, first page": ["/desk/team/notifications/"],
        "notifications, 90% down (keyset)": [
            f"/desk/team/notifications/?after={_deeper(Notification.objects.filter(user=me), NOTIFICATION_KEYSET)}"
        ],
        "activity page (mine, a colleague's)": [f"/desk/team/people/{me.pk}/", f"/desk/team/people/{colleague.pk}/"],
        "activity, 90% down (keyset)": [
            f"/desk/team/people/{me.pk}/?after={_deeper(Activity.objects.filter(actor=me), ACTIVITY_KEYSET)}"
        ],
        "candidate group page": [f"/desk/groups/{pk}/" for pk in groups],
    }


def time_group_accepts(client: Client, me, runs: int) -> tuple[float, float, int, int]:
    """Accept `runs` + 1 of the reviewer's assigned groups through the group page's form: median, p95, the
    queries of one accept, and how many groups the reviewer still has to triage afterwards."""
    import statistics

    from django.test.utils import CaptureQueriesContext

    from bench.bench_reader import percentile
    from claims_tracker.teamwork.selectors import open_work

    mine = open_work(Assignment.objects.filter(assignee=me, group__isnull=False)).select_related("group")
    groups = list(mine.order_by("assigned_at", "id")[: runs + 1])
    if len(groups) < runs + 1:
        raise SystemExit(f"only {len(groups)} open groups assigned to {me}: run at a larger --candidates")

    def accept(assignment) -> None:
        data = {"a-text": f"Bench: {assignment.group.statement[:200]}", "a-claimant": str(assignment.group.claimant_id)}
        response = client.post(f"/desk/groups/{assignment.group_id}/accept/", data)
        assert response.status_code == 302, (assignment.group_id, response.status_code, response.content[:500])

    with CaptureQueriesContext(connection) as ctx:
        accept(groups[0])
    queries = len(ctx.captured_queries)  # read now: the next request clears the log it slices
    timings = []
    for assignment in groups[1:]:
        started = time.perf_counter()
        accept(assignment)
        timings.append((time.perf_counter() - started) * 1000)
    left = mine.count()
    return statistics.median(timings), percentile(timings, 95), queries, left


def pages() -> dict[str, list[str]]:
    ids = Claim.objects.filter(merged_into__isnull=True).order_by("-pk").values_list("pk", flat=True)
    total = ids.count()
    claims = [ids[(k * 7919) % total] for k in range(10)]
    new = list(Candidate.objects.filter(state=CandidateState.NEW).order_by("-pk").values_list("pk", "article_id")[:10])
    first = {
        model.__name__: model.objects.order_by("-pk").values_list("pk", flat=True).first()
        for model in (Claimant, Story, Outlet, Article)
    }
    return {
        "desk home": ["/desk/"],
        "claims (recently changed)": ["/desk/claims/"],
        "claims, search 'Soledar'": ["/desk/claims/?q=Soledar", "/desk/claims/?q=Bakhmut"],
        "claims, state disputed": ["/desk/claims/?status=disputed"],
        "claim edit page": [f"/desk/claims/{pk}/" for pk in claims],
        "claim merge page": [f"/desk/claims/{pk}/merge/" for pk in claims],
        "triage a candidate": [f"/desk/triage/{pk}/" for pk, _ in new],
        "report page (its candidates)": [f"/desk/reports/{article}/" for _, article in new],
        "claimants": ["/desk/claimants/", "/desk/claimants/?q=Spokesperson"],
        "claimant edit page": [f"/desk/claimants/{first['Claimant']}/"],
        "stories": ["/desk/stories/"],
        "story edit page": [f"/desk/stories/{first['Story']}/"],
        "outlets": ["/desk/outlets/"],
        "accounts (reviewers)": ["/desk/accounts/"],
        "add a report (form)": ["/desk/reports/new/"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL bench database, e.g. postgres://postgres@127.0.0.1:5432/ct_bench_1m")
    ensure_migrated_database()
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)  # hashed names, as in production
    started = time.monotonic()
    ensure_synthetic_claims(args.claims)
    added = ensure_candidates(args.candidates)
    grouped = ensure_groups(ensure_groups_target(args.candidates))
    me, others = reviewer(), team_users()
    ensure_team_work(me, others, claims=args.claims, candidates=args.candidates)
    print(f"data ready in {time.monotonic() - started:.0f}s ({added:,} candidates, {grouped:,} groups added)")
    print(
        f"database {settings.DATABASES['default']['NAME']}: {Claim.objects.count():,} claims, "
        f"{Candidate.objects.count():,} candidates; in-process django.test.Client, {RUNS} runs after {WARMUP} "
        f"warm-up, DEBUG={settings.DEBUG}"
    )
    print(
        f"team: {Assignment.objects.filter(assignee=me).count():,} assignments to the reviewer "
        f"({Assignment.objects.count():,} in all), {Activity.objects.count():,} activity rows, "
        f"{Notification.objects.filter(user=me).count():,} notifications for the reviewer, "
        f"{CandidateGroup.objects.count():,} candidate groups"
    )
    client = reviewer_client(me)
    print(f"  {'page':38} {'median ms':>10} {'p95 ms':>9} {'queries':>8}")
    over = []
    for name, urls in {**pages(), **team_pages(me, others[0])}.items():
        median, p95, queries = time_page(client, urls)
        flag = "" if p95 <= BUDGET_MS else f"  OVER {BUDGET_MS} ms"
        if flag:
            over.append(name)
        print(f"  {name:38} {median:10.1f} {p95:9.1f} {queries:8d}{flag}", flush=True)
    runs = min(RUNS, 20)
    median, p95, queries, left = time_group_accepts(client, me, runs)
    flag = "" if p95 <= BUDGET_MS else f"  OVER {BUDGET_MS} ms"
    if flag:
        over.append("triage a group")
    name = f"triage a group (accept, POST, {runs} runs)"
    print(f"  {name:38} {median:10.1f} {p95:9.1f} {queries:8d}{flag}   ({left} groups left in My work)")
    print(f"pages over {BUDGET_MS} ms at p95: {', '.join(over) if over else 'none'}")


if __name__ == "__main__":
    main()
