"""Give a benchmark its own database: create it if missing and bring it to the latest migration."""

from __future__ import annotations

import os


def ensure_database() -> None:
    """CREATE DATABASE for DATABASE_URL when it does not exist yet (PostgreSQL only)."""
    import psycopg
    from dj_database_url import parse

    cfg = parse(os.environ["DATABASE_URL"])
    admin = (
        f"host={cfg['HOST'] or '127.0.0.1'} port={cfg['PORT'] or 5432} user={cfg['USER'] or 'postgres'} dbname=postgres"
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def ensure_migrated_database() -> None:
    from django.core.management import call_command

    ensure_database()
    call_command("migrate", verbosity=0)
