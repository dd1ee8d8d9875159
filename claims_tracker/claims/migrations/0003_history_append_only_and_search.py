"""Rules the ORM cannot state: append-only status history and the weighted search vector.

PostgreSQL: plpgsql triggers, pg_trgm and a trigram index (for "similar claims"). The embedded
default is PostgreSQL too, so there is no other half (an earlier SQLite one is gone).
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE OR REPLACE FUNCTION claims_refuse_history_edit() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'status history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER claims_statuschange_append_only BEFORE UPDATE OR DELETE ON claims_statuschange
    FOR EACH ROW EXECUTE FUNCTION claims_refuse_history_edit()
    """,
    """
    CREATE TRIGGER claims_statuschange_evidence_append_only
    BEFORE UPDATE OR DELETE ON claims_statuschange_evidence
    FOR EACH ROW EXECUTE FUNCTION claims_refuse_history_edit()
    """,
    """
    CREATE OR REPLACE FUNCTION claims_claim_search_update() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.text, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.search_document, '')), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER claims_claim_search BEFORE INSERT OR UPDATE OF text, search_document ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claim_search_update()
    """,
    "CREATE INDEX IF NOT EXISTS claim_text_trgm ON claims_claim USING gin (text gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS claim_text_trgm",
    "DROP TRIGGER IF EXISTS claims_claim_search ON claims_claim",
    "DROP FUNCTION IF EXISTS claims_claim_search_update()",
    "DROP TRIGGER IF EXISTS claims_statuschange_evidence_append_only ON claims_statuschange_evidence",
    "DROP TRIGGER IF EXISTS claims_statuschange_append_only ON claims_statuschange",
    "DROP FUNCTION IF EXISTS claims_refuse_history_edit()",
]


def _run(statements):
    def run(apps, schema_editor):
        # A plain cursor: no parameter parsing, so plpgsql's own `%` placeholders pass through.
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_initial")]

    operations = [
        migrations.RunPython(_run(PG_FORWARD), _run(PG_BACKWARD)),
    ]
