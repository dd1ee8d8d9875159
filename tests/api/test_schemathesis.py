"""Schemathesis against the live OpenAPI schema of a real server, with every check (`--checks all`) in every phase
that generates requests (examples, coverage, fuzzing): no 5xx, responses as documented, and the schema and the
validation agree both ways (a request the schema calls valid is accepted, one it calls invalid is refused).

Some values are valid only if they name a row: a claimant's slug, an article's or a claim's id, a list's cursor.
No schema can say which rows exist, so the run draws those values from the rows it loaded (a schemathesis
dictionary per reference), and a cursor from "" (the first page; forged cursors are refused, tested in
tests/api/test_keyset.py). Everything else is generated. The coverage phase draws no values from dictionaries: it
sends boundary values ("0", the longest string allowed), so a body naming a row that does not exist must be
answered as the schema says (404, `error.fields` naming it), and a state the claim is already in by a 409.

The fuzzing phase is capped at MAX_EXAMPLES per operation; the coverage phase sends what the schema's
boundaries give (about 1,300 requests). The whole run takes three to five minutes on two busy cores, hence the
longer pytest timeout.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from claims_tracker.claims.models import Article, Claim, Claimant, Story
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
CHECKS = "all"
PHASES = ("examples", "coverage", "fuzzing")
MAX_EXAMPLES = 15


def _config(path: Path) -> Path:
    """A schemathesis.toml binding each reference to rows that exist."""
    claims = list(Claim.objects.filter(merged_into=None).values_list("pk", flat=True)[:20])
    dictionaries = {
        "claimants": list(Claimant.objects.values_list("slug", flat=True)[:20]),
        "articles": list(Article.objects.values_list("pk", flat=True)[:20]),
        # A claim cannot be related to itself: the claims in paths and those named in bodies are apart.
        "claims": claims[::2],
        "other_claims": claims[1::2],
        "stories": list(Story.objects.values_list("slug", flat=True)[:20]),
        "cursors": [""],
    }
    bindings = {
        "body.claimant": "claimants",
        "body.speaker": "claimants",
        "body.article": "articles",
        "path.id": "claims",
        "body.to_claim": "other_claims",
        "body.stories[*]": "stories",
        "query.cursor": "cursors",
    }
    lines = []
    for name, values in dictionaries.items():
        assert values, name
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    lines += [f'"{key}" = {{ dictionary = "{name}" }}' for key, name in bindings.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_it_conforms_to_its_own_schema(live_server, settings, artifacts_dir):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = True
    call_command("load_demo", verbosity=0)  # real rows behind the example ids and slugs
    reviewer = UserFactory(username="schemathesis", groups=["reviewer"])
    token, _ = Token.objects.get_or_create(user=reviewer)
    report = artifacts_dir / "schemathesis.ndjson"
    config = _config(artifacts_dir / "schemathesis.toml")
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config),
            "run", f"{live_server.url}/api/schema/",
            "--checks", CHECKS, "--phases", ",".join(PHASES), "--max-examples", str(MAX_EXAMPLES), "--seed", "42",
            "--continue-on-failure", "--warnings", "off", "--request-timeout", "20",
            "-H", f"Authorization: Token {token.key}", "--report", "ndjson", "--report-ndjson-path", str(report),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=840,
    )  # fmt: skip
    summary = run.stdout[-6000:]
    (artifacts_dir / "schemathesis.txt").write_text(run.stdout)
    # Read from the run's own report, not its wording: every phase ran, no scenario failed, no check failed.
    events = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
    phases = {e["PhaseFinished"]["phase"]["name"]: e["PhaseFinished"] for e in events if "PhaseFinished" in e}
    for name in PHASES:
        assert phases[name]["phase"]["is_enabled"], (name, summary)
        assert phases[name]["status"] in {"success", "skip"}, (name, phases[name]["status"], summary)
    scenarios = [e["ScenarioFinished"] for e in events if "ScenarioFinished" in e]
    failed_checks = [
        (scenario["phase"], scenario["recorder"]["label"], check["name"])
        for scenario in scenarios
        for checks in scenario["recorder"].get("checks", {}).values()
        for check in checks
        if check["status"] != "success"
    ]
    assert failed_checks == [], summary
    assert {s["status"] for s in scenarios} <= {"success", "skip"}, summary
    # Each generating phase exercised (nearly) every operation; the examples phase has no examples to send.
    for name in ("coverage", "fuzzing"):
        passed = [s for s in scenarios if s["phase"] == name and s["status"] == "success"]
        assert len(passed) >= 20, (name, len(passed), summary)
    assert sum(len(checks) for s in scenarios for checks in s["recorder"].get("checks", {}).values()) > 1000
    assert run.returncode == 0, summary
