"""What makes reader pages findable and shareable: sitemap.xml, share tags, canonical links, the
favicon, and the friendly 404 under DEBUG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from claims_tracker.claims import services

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert match, f"no {key}"
    return match.group(1)


@pytest.mark.django_db
class TestSitemap:
    def test_the_index_lists_every_section_with_its_lastmod(self, client, demo):
        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        locs = [s.find(f"{SITEMAP}loc").text for s in root]
        assert {loc.rsplit("/", 1)[1] for loc in locs} == {
            f"sitemap-{s}.xml" for s in ("pages", "claims", "claimants", "stories", "outlets", "articles")
        }
        claims = next(s for s in root if s.find(f"{SITEMAP}loc").text.endswith("sitemap-claims.xml"))
        assert claims.find(f"{SITEMAP}lastmod") is not None
        assert response.has_header("ETag")

    def test_the_claims_section_lists_claims_with_lastmod_and_skips_merged_ones(self, client, demo, editor):
        from claims_tracker.claims.models import Claim

        keep, gone = Claim.objects.order_by("pk")[:2]
        services.claim_merge(source_id=gone.pk, target_id=keep.pk, user=editor)
        root = ET.fromstring(client.get("/sitemap-claims.xml").content)
        urls = {u.find(f"{SITEMAP}loc").text.split("testserver", 1)[1]: u for u in root}
        assert keep.get_absolute_url() in urls
        assert gone.get_absolute_url() not in urls
        keep.refresh_from_db()
        assert urls[keep.get_absolute_url()].find(f"{SITEMAP}lastmod").text == keep.updated_at.date().isoformat()

    def test_the_pages_section_has_the_list_and_the_indexes(self, client, db):
        root = ET.fromstring(client.get("/sitemap-pages.xml").content)
        paths = {u.find(f"{SITEMAP}loc").text.split("testserver", 1)[1] for u in root}
        assert paths == {"/", "/claimants/", "/stories/"}

    @pytest.mark.parametrize("url", ["/sitemap-nothing.xml", "/sitemap-claims.xml?p=99", "/sitemap-claims.xml?p=x"])
    def test_unknown_sections_and_pages_are_404s(self, client, db, url):
        assert client.get(url).status_code == 404


@pytest.mark.django_db
class TestShareTags:
    def test_a_claim_page_carries_its_state_in_text(self, client, mod_claim):
        html = client.get(mod_claim.get_absolute_url()).content.decode()
        assert meta(html, "og:title").startswith("Confirmed: Russian forces")
        assert "State: Confirmed since 25 Jan 2023" in meta(html, "og:description")
        assert "Russian Ministry of Defence" in meta(html, "og:description")
        assert meta(html, "og:url") == f"http://127.0.0.1:8000{mod_claim.get_absolute_url()}"
        assert meta(html, "twitter:card") == "summary_large_image"  # with the share card (test_claim_card.py)
        assert meta(html, "twitter:title") == meta(html, "og:title")
        assert f'<link rel="canonical" href="http://127.0.0.1:8000{mod_claim.get_absolute_url()}">' in html

    def test_the_canonical_link_drops_the_query(self, client, mod_claim):
        html = client.get(mod_claim.get_absolute_url(), {"as_of": "2023-01-20", "utm_source": "x"}).content.decode()
        assert f'<link rel="canonical" href="http://127.0.0.1:8000{mod_claim.get_absolute_url()}">' in html

    def test_a_claimant_page_shares_its_track_record(self, client, demo):
        html = client.get(reverse("claims-claimant", args=["russian-ministry-of-defence"])).content.decode()
        assert meta(html, "og:title") == "Russian Ministry of Defence: track record"
        assert "Confirmed 1" in meta(html, "og:description")

    def test_share_text_is_escaped(self, client, db):
        from tests.factories import ClaimFactory

        claim = ClaimFactory(text='He said "<b>" & left')
        html = client.get(claim.get_absolute_url()).content.decode()
        assert meta(html, "og:title") == "Unverified: He said &quot;&lt;b&gt;&quot; &amp; left"

    def test_every_page_has_a_favicon_and_the_ico_path_finds_it(self, client, db):
        html = client.get(reverse("claims-list")).content.decode()
        assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
        response = client.get("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"] == "/static/img/favicon.svg"


@pytest.mark.django_db
class TestFriendlyNotFound:
    @pytest.mark.parametrize("url", ["/claims/987654/", "/no-such-page/", "/claimants/nobody/"])
    def test_readers_get_the_site_404_even_with_debug_on(self, client, settings, url):
        settings.DEBUG = True
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html
        assert 'name="viewport"' in html
        assert "URLconf" not in html

    def test_a_developer_can_ask_for_the_technical_page(self, client, settings):
        settings.DEBUG = True
        response = client.get("/no-such-page/", {"debug": "1"})
        assert response.status_code == 404
        assert "URLconf" in response.content.decode()

    def test_the_api_keeps_its_own_404(self, client, settings):
        settings.DEBUG = True
        response = client.get("/api/v1/claims/987654/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
