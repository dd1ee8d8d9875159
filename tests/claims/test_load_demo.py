"""load_demo: the Soledar story, loaded the same way however often it runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.core.management import call_command

from claims_tracker.claims.models import Claim, ClaimRelation, Status
from claims_tracker.claims.selectors import claim_status_as_of


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("claims").get_models()}


@pytest.mark.django_db
class TestLoadDemo:
    def test_it_creates_nothing_new_the_second_time(self, capsys):
        call_command("load_demo")
        first = _counts()
        call_command("load_demo")
        assert _counts() == first
        assert "nothing new" in capsys.readouterr().out
        assert first["claims.Claim"] == 6 and first["claims.Appearance"] >= 8

    def test_it_confirms_the_defence_ministry_claim_on_25_january_2023(self):
        call_command("load_demo")
        claim = Claim.objects.get(claimant__slug="russian-ministry-of-defence")
        assert claim.status == Status.CONFIRMED
        last = claim.status_changes.latest()
        assert last.changed_at.date().isoformat() == "2023-01-25"
        assert last.changed_by.get_full_name() == "Demo desk" and not last.changed_by.has_usable_password()
        assert last.evidence.get().kind == "admission"
        on_20th = claim_status_as_of(claim=claim, when=datetime(2023, 1, 20, tzinfo=UTC))
        assert on_20th.to_status == Status.DISPUTED

    def test_it_links_the_ministry_and_malyar_claims_as_contradicting(self):
        call_command("load_demo")
        relation = ClaimRelation.objects.get(kind="contradicts")
        assert {relation.from_claim.claimant.slug, relation.to_claim.claimant.slug} == {
            "russian-ministry-of-defence",
            "hanna-malyar",
        }

    def test_it_keeps_every_side_of_the_ministry_claim_visible(self):
        call_command("load_demo")
        claim = Claim.objects.get(claimant__slug="russian-ministry-of-defence")
        stances = set(claim.appearances.values_list("stance", flat=True))
        assert stances == {"asserts", "disputes", "denies", "reports"}
        quotes = list(claim.appearances.values_list("quote", flat=True))
        assert any("the battles continued" in q for q in quotes)
        assert all(len(q) < 300 for q in quotes), "short verbatim quotes only, never the article"

    def test_the_demo_articles_do_not_carry_the_article_text(self):
        call_command("load_demo")
        from claims_tracker.claims.models import Article

        assert all(not a.text and a.summary for a in Article.objects.all())


@pytest.mark.django_db
class TestDemoReportAddresses:
    def test_the_demo_writes_only_the_addresses_its_data_gives(self):
        from claims_tracker.claims import demo
        from claims_tracker.claims.models import Article

        demo.load_demo()
        given = {a["title"]: a.get("url", "") for a in demo.ARTICLES}
        assert {a.title: a.url for a in Article.objects.all()} == given

    def test_an_address_given_later_reaches_an_existing_demo_and_its_pages(self, client, monkeypatch):
        from claims_tracker.claims import demo
        from claims_tracker.claims.models import Article

        demo.load_demo()
        nbc = Article.objects.get(outlet__slug="nbc-news")
        assert "No address is recorded for this report" in client.get(nbc.get_absolute_url()).content.decode()
        address = "https://www.example.org/soledar-report"  # a test address (RFC 2606), not a source
        articles = [{**a, "url": address} if a["key"] == "nbc" else a for a in demo.ARTICLES]
        monkeypatch.setattr(demo, "ARTICLES", articles)
        assert demo.load_demo().created == {"article addresses": 1}
        nbc.refresh_from_db()
        assert nbc.url == address
        page = client.get(nbc.get_absolute_url()).content.decode()
        assert f'<a href="{address}" rel="noopener noreferrer external">Read the original report</a>' in page
        claim = Claim.objects.get(claimant__slug="russian-ministry-of-defence")
        claim_page = client.get(claim.get_absolute_url()).content.decode()
        # Every appearance in NBC's report links to it.
        assert claim_page.count(f'<a href="{address}" rel="noopener noreferrer external">original report</a>') == 5
        # An address already stored is kept.
        monkeypatch.setattr(demo, "ARTICLES", [{**a, "url": address + "-2"} if a.get("url") else a for a in articles])
        assert demo.load_demo().total == 0
        nbc.refresh_from_db()
        assert nbc.url == address
