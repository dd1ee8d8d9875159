"""Synthetic claims for benchmarks, written with INSERT ... SELECT generate_series (PostgreSQL only).

`ensure_synthetic_claims(n)` makes sure at least `n` synthetic claims exist, with their claimants,
outlets, articles, stories, appearances and status history. It is idempotent and resumable: it
counts what is there and adds only the difference, one committed chunk at a time, so a second
call with the same `n` writes nothing and 1,000,000 claims take minutes, not hours.

Every value is derived from the row's number with a cheap integer hash, so runs are repeatable.
Synthetic rows are recognisable by slugs starting with `syn-`.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

OUTLETS = 200
CLAIMANTS = 5000
STORIES = 500
CHUNK = 100_000
SPAN_DAYS = 3 * 365  # claims spread over three years, newest last

# Words the statements are made of. "Soledar" is one place among many: a search for it
# matches about 1 claim in 120, as a real place name would.
PLACES = [
    "Soledar", "Bakhmut", "Avdiivka", "Kherson", "Kupiansk", "Lyman", "Vuhledar", "Marinka", "Siversk",
    "Kreminna", "Orikhiv", "Robotyne", "Tokmak", "Zaporizhzhia", "Kharkiv", "Izium", "Sumy", "Chasiv Yar",
    "Pokrovsk", "Toretsk", "Niu-York", "Klishchiivka", "Andriivka", "Berdiansk", "Melitopol", "Mariupol",
    "Donetsk", "Luhansk", "Sievierodonetsk", "Lysychansk", "Popasna", "Horlivka", "Kostiantynivka",
    "Druzhkivka", "Kramatorsk", "Sloviansk", "Velyka Novosilka", "Staromaiorske", "Urozhaine", "Pyatykhatky",
    "Nova Kakhovka", "Enerhodar", "Kakhovka", "Oleshky", "Krynky", "Dnipro", "Odesa", "Mykolaiv",
    "Chernihiv", "Kyiv", "Bucha", "Irpin", "Hostomel", "Borodianka", "Makariv", "Brovary", "Zhytomyr",
    "Lviv", "Rivne", "Lutsk", "Ternopil", "Vinnytsia", "Uman", "Poltava", "Kremenchuk", "Kropyvnytskyi",
    "Cherkasy", "Bilhorod", "Belgorod", "Kursk", "Bryansk", "Voronezh", "Rostov", "Taganrog", "Sevastopol",
    "Kerch", "Feodosia", "Dzhankoi", "Yevpatoria", "Simferopol", "Novorossiysk", "Krasnodar", "Engels",
    "Morozovsk", "Millerovo", "Valuyki", "Shebekino", "Graivoron", "Sudzha", "Glushkovo", "Tyotkino",
    "Vovchansk", "Lyptsi", "Kozacha Lopan", "Zolochiv", "Balakliia", "Chuhuiv", "Pechenihy", "Shevchenkove",
    "Svatove", "Kupiansk-Vuzlovyi", "Borova", "Dvorichna", "Synkivka", "Tabaivka", "Terny", "Torske",
    "Bilohorivka", "Verkhnokamianske", "Spirne", "Vyimka", "Rozdolivka", "Paraskoviivka", "Berkhivka",
    "Ivanivske", "Bohdanivka", "Predtechyne", "Kurdiumivka", "Ozarianivka", "Zalizne", "Niu York",
]  # fmt: skip
SUBJECTS = [
    "Russian forces", "Ukrainian forces", "Wagner fighters", "Air defence units", "Artillery crews",
    "Marines", "Paratroopers", "Border guards", "Drone units", "Reserve brigades", "Special forces",
    "Mechanised units", "Territorial defence", "Naval drones", "Engineers",
]  # fmt: skip
VERBS = [
    "have taken control of", "repelled an assault on", "withdrew from", "encircled", "shelled",
    "are advancing towards", "liberated", "hold positions near", "destroyed a depot in", "struck a bridge at",
    "evacuated civilians from", "mined the approaches to", "lost ground near", "regrouped around",
]  # fmt: skip
STATUSES = [
    # (status, share of claims in tenths of a percent)
    ("unverified", 600),
    ("disputed", 150),
    ("confirmed", 80),
    ("refuted", 70),
    ("partly_confirmed", 50),
    ("unverifiable", 30),
    ("retracted", 20),
]
KINDS = ["person", "government", "armed_force", "armed_group", "analyst", "media"]
STANCES_OTHER = ["denies", "disputes", "reports", "confirms"]


def _sql_array(values: list[str]) -> str:
    return "(ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[])"


def _status_case(hash_expr: str) -> str:
    """A CASE picking a status from the share table by `hash_expr % 1000`."""
    parts, upper = [], 0
    for status, share in STATUSES:
        upper += share
        parts.append(f"WHEN ({hash_expr}) % 1000 < {upper} THEN '{status}'")
    return "CASE " + " ".join(parts) + " ELSE 'unverified' END"


def _h(expr: str, salt: int) -> str:
    """A cheap repeatable integer hash of `expr` (a bigint), non-negative."""
    return f"((({expr}) * 2654435761 + {salt}) % 4294967296)"


def _ensure_fixed_rows(cursor) -> None:
    cursor.execute("SELECT count(*) FROM claims_outlet WHERE slug LIKE 'syn-outlet-%%'")
    if cursor.fetchone()[0] < OUTLETS:
        cursor.execute(
            f"""
            INSERT INTO claims_outlet (created_at, updated_at, name, slug, homepage, kind, country)
            SELECT now(), now(), 'Synthetic Outlet ' || k, 'syn-outlet-' || k, 'https://outlet' || k || '.example/',
                   (ARRAY['agency','broadcaster','newspaper','state_media','social'])[k % 5 + 1], ''
            FROM generate_series(1, {OUTLETS}) AS k
            ON CONFLICT (slug) DO NOTHING
            """
        )
    cursor.execute("SELECT count(*) FROM claims_claimant WHERE slug LIKE 'syn-claimant-%%'")
    if cursor.fetchone()[0] < CLAIMANTS:
        cursor.execute(
            f"""
            INSERT INTO claims_claimant (created_at, updated_at, name, slug, kind, role, side, description, version)
            SELECT now(), now(), 'Spokesperson ' || k, 'syn-claimant-' || k, {_sql_array(KINDS)}[k % 6 + 1],
                   'Synthetic claimant', (ARRAY['Russia','Ukraine',''])[k % 3 + 1], '', 1
            FROM generate_series(1, {CLAIMANTS}) AS k
            ON CONFLICT (slug) DO NOTHING
            """
        )
    cursor.execute("SELECT count(*) FROM claims_story WHERE slug LIKE 'syn-story-%%'")
    if cursor.fetchone()[0] < STORIES:
        cursor.execute(
            f"""
            INSERT INTO claims_story (created_at, updated_at, title, slug, summary, place)
            SELECT now(), now(), 'Synthetic story ' || k, 'syn-story-' || k, '', ''
            FROM generate_series(1, {STORIES}) AS k
            ON CONFLICT (slug) DO NOTHING
            """
        )


def synthetic_claim_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM claims_claim c JOIN claims_claimant p ON p.id = c.claimant_id "
            "WHERE p.slug LIKE 'syn-claimant-%%'"
        )
        return cursor.fetchone()[0]


def _insert_chunk(cursor, first: int, last: int) -> None:
    """Claims numbered first..last with articles, stories, appearances and history (one transaction)."""
    cursor.execute("SELECT min(id), max(id) FROM claims_outlet WHERE slug LIKE 'syn-outlet-%%'")
    outlet_min, _ = cursor.fetchone()
    cursor.execute("SELECT min(id) FROM claims_claimant WHERE slug LIKE 'syn-claimant-%%'")
    claimant_min = cursor.fetchone()[0]
    cursor.execute("SELECT min(id) FROM claims_story WHERE slug LIKE 'syn-story-%%'")
    story_min = cursor.fetchone()[0]
    # Slugs were inserted in one statement each, so their ids are consecutive.
    when = f"(timestamptz '2021-01-01 00:00+00' + (i::float8 / {10**6} * {SPAN_DAYS}) * interval '1 day')"
    cursor.execute("SELECT coalesce(max(id), 0) FROM claims_article")
    article_base = cursor.fetchone()[0]
    # One article per claim number; its id is article_base + (i - first + 1).
    cursor.execute(
        f"""
        INSERT INTO claims_article (created_at, updated_at, url, title, byline, published_at, language, summary,
                                    text, ingest_state, last_error, ingest_holder, outlet_id)
        SELECT now(), now(), '', 'Synthetic report ' || i, '', {when} + interval '2 hours', 'en', '', '', 'done', '',
               '', {outlet_min} + {_h("i", 11)} % {OUTLETS}
        FROM generate_series({first}, {last}) AS i ORDER BY i
        """
    )
    cursor.execute("SELECT coalesce(max(id), 0) FROM claims_claim")
    claim_base = cursor.fetchone()[0]
    place = f"{_sql_array(PLACES)}[{_h('i', 3)} % {len(PLACES)} + 1]"
    subject = f"{_sql_array(SUBJECTS)}[{_h('i', 5)} % {len(SUBJECTS)} + 1]"
    verb = f"{_sql_array(VERBS)}[{_h('i', 7)} % {len(VERBS)} + 1]"
    status = _status_case(_h("i", 13))
    cursor.execute(
        f"""
        INSERT INTO claims_claim (created_at, updated_at, text, claimed_at, status, status_changed_at, version,
                                  search_document, claimant_id)
        SELECT now(), now(), t.text, t.claimed_at, t.status,
               CASE WHEN t.status = 'unverified' THEN t.claimed_at ELSE t.claimed_at + interval '3 days' END,
               1, 'Spokesperson ' || t.who || ' said ' || t.text, {claimant_min} + t.who - 1
        FROM (
            SELECT i, {subject} || ' ' || {verb} || ' ' || {place} || ' (report ' || i || ').' AS text,
                   {when} AS claimed_at, {status} AS status, 1 + {_h("i", 17)} % {CLAIMANTS} AS who
            FROM generate_series({first}, {last}) AS i
        ) AS t ORDER BY t.i
        """
    )
    # Claim number i has id claim_base + (i - first + 1): one INSERT, ordered, on an idle bench database.
    claim_no = f"(c.id - {claim_base} + {first} - 1)"
    claims = f"claims_claim c WHERE c.id > {claim_base}"
    cursor.execute(
        f"""
        INSERT INTO claims_claim_stories (claim_id, story_id)
        SELECT c.id, {story_min} + {_h(claim_no, 19)} % {STORIES} FROM {claims}
        """
    )
    article = f"{article_base} + {claim_no} - {first} + 1"
    cursor.execute(
        f"""
        INSERT INTO claims_appearance (stance, quote, is_paraphrase, mode, verb, created_at, article_id, claim_id,
                                       speaker_id)
        SELECT 'asserts', c.text, false, 'statement', 'said', c.claimed_at, {article}, c.id, c.claimant_id
        FROM {claims}
        UNION ALL
        SELECT {_sql_array(STANCES_OTHER)}[{_h(claim_no, 23)} % 4 + 1], 'Another party commented on it.', true,
               'statement', 'said', c.claimed_at + interval '1 hour', {article}, c.id,
               {claimant_min} + {_h(claim_no, 29)} % {CLAIMANTS}
        FROM {claims}
        """
    )
    cursor.execute(
        f"""
        INSERT INTO claims_statuschange (from_status, to_status, rationale, changed_at, recorded_at, claim_id)
        SELECT '', 'unverified', 'Logged as claimed.', c.claimed_at, c.claimed_at, c.id FROM {claims}
        UNION ALL
        SELECT 'unverified', c.status, 'Synthetic verdict.', c.status_changed_at, c.status_changed_at, c.id
        FROM {claims} AND c.status <> 'unverified'
        """
    )


def ensure_synthetic_claims(n: int, *, verbose: bool = True) -> int:
    """Make at least `n` synthetic claims exist; returns how many were added."""
    if connection.vendor != "postgresql":
        raise RuntimeError("Synthetic data needs PostgreSQL (INSERT ... SELECT generate_series).")
    with transaction.atomic(), connection.cursor() as cursor:
        _ensure_fixed_rows(cursor)
    have = synthetic_claim_count()
    added = 0
    while have < n:
        first, last = have + 1, min(n, have + CHUNK)
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            # Serialise writers: the id arithmetic above relies on nobody else inserting meanwhile.
            cursor.execute("LOCK TABLE claims_claim, claims_article IN EXCLUSIVE MODE")
            _insert_chunk(cursor, first, last)
        added += last - first + 1
        have = last
        if verbose:
            print(f"  synthetic claims {first:,}-{last:,} written in {time.monotonic() - started:.1f}s", flush=True)
    if added:
        # What autovacuum would do a while after a bulk load, done now so the first figures are not
        # skewed by it: statistics for the planner, the visibility map, and the search index's
        # pending list merged (GIN's fast update defers new entries to a list every search scans).
        with connection.cursor() as cursor:
            for table in (
                "claims_claim",
                "claims_claimant",
                "claims_outlet",
                "claims_story",
                "claims_appearance",
                "claims_statuschange",
                "claims_article",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute("VACUUM ANALYZE claims_claim_stories")
    return added
