"""The claim's share card (claims/card.py): an SVG carrying the state, validated like the page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import caches
from django.urls import reverse

from claims_tracker.claims.card import CARD_LINES, STATUS_COLOURS, xml_text
from tests.factories import ClaimantFactory, ClaimFactory

from .conftest import set_status

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = (
    'Forces </text><script>alert(1)</script><text> took "the" town & <![CDATA[ x ]]> <!-- y --> '
    "\x07bell \x1bescape \x0bvtab \ufffe\uffff end ]]> &amp; <svg onload=alert(2)>"
)


def card_url(claim) -> str:
    return reverse("claims-card", args=[claim.pk])


def parse(response) -> ET.Element:
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    return ET.fromstring(response.content)  # our own output: it must be well-formed XML


def claim_lines(root: ET.Element) -> list[str]:
    text = root.find(f".//{SVG}text[@class='card-claim']")
    return [span.text or "" for span in text.findall(f"{SVG}tspan")]


def texts(root: ET.Element, cls: str) -> str:
    return root.find(f".//{SVG}text[@class='{cls}']").text


@pytest.mark.django_db
class TestClaimCard:
    def test_it_draws_the_state_in_text_and_colour_with_the_claim_and_its_claimant(self, client, mod_claim):
        response = client.get(card_url(mod_claim))
        assert response.status_code == 200
        root = parse(response)
        assert (root.get("width"), root.get("height")) == ("1200", "630")
        assert texts(root, "card-state") == "✓ Confirmed"
        band = root.find(f".//{SVG}rect[@data-status]")
        assert (band.get("data-status"), band.get("fill")) == ("confirmed", STATUS_COLOURS["confirmed"][0])
        assert " ".join(claim_lines(root)) == mod_claim.text
        assert texts(root, "card-claimant") == "Claim by Russian Ministry of Defence"
        assert root.find(f"{SVG}title").text == f"Confirmed: {mod_claim.text}"
        assert "since 25 Jan 2023" in response.content.decode()

    def test_a_state_change_changes_its_etag_and_its_colour(self, client, mod_claim, editor):
        url = card_url(mod_claim)
        etag = client.get(url)["ETag"]
        set_status(mod_claim, "refuted", user=editor)
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert response["ETag"] != etag
        root = parse(response)
        assert texts(root, "card-state") == "✗ Refuted"
        assert root.find(f".//{SVG}rect[@data-status]").get("fill") == STATUS_COLOURS["refuted"][0]

    def test_it_is_validated_and_kept_like_the_reader_pages(self, client, mod_claim, settings):
        settings.API_SYNC_SETTLE_SECONDS = -3600  # as if every write were long settled: Last-Modified too
        first = client.get(card_url(mod_claim))
        assert first["ETag"] and first["Last-Modified"]
        assert "public" in first["Cache-Control"]
        again = client.get(card_url(mod_claim), headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304 and again.content == b""
        since = client.get(card_url(mod_claim), headers={"If-Modified-Since": first["Last-Modified"]})
        assert since.status_code == 304
        # Its own validator: the page's ETag does not answer for the image.
        page_etag = client.get(mod_claim.get_absolute_url())["ETag"]
        assert page_etag != first["ETag"]
        assert client.get(card_url(mod_claim), headers={"If-None-Match": page_etag}).status_code == 200
        stored = client.get(card_url(mod_claim))
        assert stored["X-Reader-Cache"] == "hit"
        assert stored.content == first.content and stored["Content-Type"] == first["Content-Type"]

    def test_hostile_claim_text_stays_text(self, client, db):
        claim = ClaimFactory(text=HOSTILE, claimant=ClaimantFactory(name='<b>"Bad" & Co</b>\x08'))
        response = client.get(card_url(claim))
        assert response.status_code == 200
        root = parse(response)
        tags = {element.tag for element in root.iter()}
        assert tags == {f"{SVG}{t}" for t in ("svg", "title", "rect", "g", "text", "tspan")}
        assert not any(name.startswith("on") for element in root.iter() for name in element.attrib)
        # Every character of the text is drawn (a word longer than a line is broken across two).
        assert "".join(claim_lines(root)).replace(" ", "") == xml_text(HOSTILE).replace(" ", "")
        assert "<script>alert(1)</script>" in xml_text(HOSTILE)  # kept, as text
        assert texts(root, "card-claimant") == 'Claim by <b>"Bad" & Co</b>'
        body = response.content.decode()
        assert "<script" not in body and "\x07" not in body and "\ufffe" not in body

    def test_a_long_claim_is_cut_to_the_card_with_an_ellipsis(self, client, db):
        claim = ClaimFactory(text="Forces took the town " * 100 + "Supercalifragilistic" * 20)
        lines = claim_lines(parse(client.get(card_url(claim))))
        assert len(lines) == CARD_LINES
        assert lines[-1].endswith("…")
        assert max(len(line) for line in lines) <= 40

    @pytest.mark.parametrize("path", ["/claims/987654/card.svg", "/claims/99999999999999999999/card.svg"])
    def test_it_answers_404_for_a_missing_claim(self, client, db, path):
        response = client.get(path)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    def test_it_rejects_post(self, client, mod_claim):
        assert client.post(card_url(mod_claim)).status_code == 405

    def test_it_costs_the_versions_and_one_query(self, client, mod_claim, settings, django_assert_num_queries):
        settings.READER_PAGE_CACHE_SECONDS = 0  # rendered every time
        settings.API_SYNC_HORIZON_CACHE_SECONDS = 300
        caches["local"].clear()
        client.get(card_url(mod_claim))  # the sync horizon, kept
        with django_assert_num_queries(2):
            assert client.get(card_url(mod_claim)).status_code == 200


@pytest.mark.django_db
class TestClaimPageShareTags:
    def test_the_claim_page_offers_the_card_as_a_large_image(self, client, mod_claim, settings):
        html = client.get(mod_claim.get_absolute_url()).content.decode()
        meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html))
        url = f"{settings.SITE_URL}{card_url(mod_claim)}"
        assert meta["og:image"] == meta["twitter:image"] == url
        assert meta["twitter:card"] == "summary_large_image"
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["og:image:alt"].startswith("Confirmed: Russian forces")
