# Thin wrappers. `make run` and `make test` are the two commands a new machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
# The embedded PostgreSQL (claims_tracker/embedded_db), used whenever DATABASE_URL is unset.
EMBEDDED_DB := $(PY) -m claims_tracker.embedded_db

# What `make test` runs against: the real PostgreSQL and Redis on this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/claims_tracker
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: run install install-dev migrate demo serve db db-stop test test-embedded check lint fmt services shell worker poller beat bench bench-feeds up down clean

# Without DATABASE_URL: start the embedded PostgreSQL (created in .pgdata/ on the first run, kept
# after), migrate, load the demo and serve; Ctrl-C stops the web server, then the database.
run: install
	@$(EMBEDDED_DB) run -- $(MAKE) --no-print-directory migrate demo serve

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(MANAGE) migrate --noinput

demo: install
	$(MANAGE) load_demo

serve: install
	@echo "Claims Tracker on http://127.0.0.1:8000  (Ctrl-C stops it)"
	$(MANAGE) runserver 127.0.0.1:8000

# The embedded PostgreSQL alone, until Ctrl-C: for a worker, manage.py commands or psql beside it
# (manage.py starts it by itself for one command when it is not running).
db: install
	@$(EMBEDDED_DB) run

# Stop an embedded PostgreSQL that a killed `make run` left running (the next `make run` adopts it too).
db-stop: install
	@$(EMBEDDED_DB) stop

services:
	@bash scripts/ensure-services.sh

check: install-dev
	$(VENV)/bin/ruff check .
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-only-$$(date +%s)-a-long-random-enough-secret-value-xyz \
		DJANGO_ALLOWED_HOSTS=claims.example.org $(MANAGE) check --deploy --fail-level WARNING

lint: check

fmt: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install-dev services
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) REDIS_URL=$(TEST_BROKER_URL) \
		CELERY_TASK_ALWAYS_EAGER=1 $(VENV)/bin/pytest $(PYTEST_ARGS)

# The same suite on the embedded PostgreSQL (what `make run` uses), Redis as above.
test-embedded: install-dev services
	@$(EMBEDDED_DB) run -- env -u DATABASE_URL CELERY_BROKER_URL=$(TEST_BROKER_URL) REDIS_URL=$(TEST_BROKER_URL) \
		CELERY_TASK_ALWAYS_EAGER=1 $(VENV)/bin/pytest $(PYTEST_ARGS)

shell: install
	$(MANAGE) shell

# Two worker groups. `worker`: the CPU-bound article work (fetch, extract, find candidates) and webhooks, one
# process per core. `poller`: feed polls only, a thread pool (I/O-bound: each poll mostly waits on the network).
POLL_CONCURRENCY ?= 16
worker: install
	$(VENV)/bin/celery -A claims_tracker worker -Q ingest,default -l info -n extract@%h

poller: install
	$(VENV)/bin/celery -A claims_tracker worker -Q feeds -P threads -c $(POLL_CONCURRENCY) -l info -n poller@%h

beat: install
	$(VENV)/bin/celery -A claims_tracker beat -l info

up:
	docker compose up --build -d

down:
	docker compose down

# Benchmarks print figures (they are not tests). Each size gets a database of its own; the first
# run loads the synthetic claims (about 4 minutes for 1M), later runs reuse them.
BENCH_DB := postgres://postgres@127.0.0.1:5432
bench: install-dev services
	DATABASE_URL=$(BENCH_DB)/ct_bench_100k $(PY) bench/bench_reader.py --pair \
		100000=$(BENCH_DB)/ct_bench_100k 1000000=$(BENCH_DB)/ct_bench_1m
	DATABASE_URL=$(BENCH_DB)/ct_bench_100k $(PY) bench/bench_api.py 100000
	DATABASE_URL=$(BENCH_DB)/ct_bench_1m $(PY) bench/bench_api.py 1000000
	DATABASE_URL=$(BENCH_DB)/ct_bench_100k REDIS_URL=redis://127.0.0.1:6379/13 $(PY) bench/bench_reader_cache.py 100000
	DATABASE_URL=$(BENCH_DB)/ct_bench_1m REDIS_URL=redis://127.0.0.1:6379/13 $(PY) bench/bench_reader_cache.py 1000000
	DATABASE_URL=$(BENCH_DB)/ct_bench_team $(PY) bench/bench_teamwork.py 100000
	DATABASE_URL=$(BENCH_DB)/ct_bench_1m $(PY) bench/bench_desk.py --claims 1000000 --candidates 100000
	DATABASE_URL=$(BENCH_DB)/ct_bench_ingest CELERY_BROKER_URL=redis://127.0.0.1:6379/14 $(PY) bench/bench_ingest.py
	$(PY) bench/bench_hostile_feed.py
	$(PY) bench/eval_extraction.py
	$(PY) bench/eval_attribution.py

# Feeds polled on time at 1k, 3k and 10k feeds: 10 minutes of real time per size, and the drain after (issue 21).
bench-feeds: install-dev services
	DATABASE_URL=$(BENCH_DB)/ct_bench_feeds CELERY_BROKER_URL=redis://127.0.0.1:6379/14 REDIS_URL=redis://127.0.0.1:6379/14 \
		$(PY) bench/bench_feeds.py --feeds 1000,3000,10000 --beat-every 10 --sizes stated \
		--worker "-Q feeds -P threads -c 32" --worker "-Q ingest,default -c 2"

# Removes the embedded database too (after stopping it; refused while `make run` uses it).
clean:
	@if [ -x $(PY) ]; then $(EMBEDDED_DB) stop; fi
	rm -rf $(VENV) staticfiles .pgdata tests/artifacts
