#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer; start them where they are
# installed but down, and say how to get them (and Chromium, for browser tests) where they are missing.
set -u
ok=1

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  :
elif command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "PostgreSQL is down; starting it."
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not come up on 127.0.0.1:5432." >&2; ok=0; }
else
  echo "PostgreSQL is not installed. Install it (Debian: apt-get install postgresql) or run" >&2
  echo "  docker compose up -d postgres   and set DATABASE_URL." >&2
  ok=0
fi

if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  :
elif command -v redis-server >/dev/null 2>&1; then
  echo "Redis is down; starting it."
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "Redis did not come up on 127.0.0.1:6379." >&2; ok=0; }
else
  echo "Redis is not installed. Install it (Debian: apt-get install redis-server) or run" >&2
  echo "  docker compose up -d redis   and set CELERY_BROKER_URL." >&2
  ok=0
fi

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "Chromium is missing (browser tests drive it headless). Install it: apt-get install chromium" >&2
  ok=0
fi

[ "$ok" = 1 ] || exit 1
