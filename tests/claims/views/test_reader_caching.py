"""HTTP caching of reader pages and feeds (claims/caching.py): validators, 304s, the page cache."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from .conftest import set_status

READER_URLS = [
    lambda c: reverse("claims-list"),
    lambda c: c.get_absolute_url(),
    lambda c: c.claimant.get_absolute_url(),
    lambda c: reverse("claims-feed"),
    lambda c: reverse("claims-feed-changes"),
]


@pytest.mark.django_db
class TestReaderCaching:
    @pytest.mark.parametrize("url_of", READER_URLS)
    def test_it_answers_304_when_the_etag_matches(self, client, mod_claim, url_of):
        url = url_of(mod_claim)
        first = client.get(url)
        assert first.status_code == 200
        etag = first["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200

    def test_it_sends_public_cache_control_from_settings(self, client, mod_claim, settings):
        settings.READER_CACHE_MAX_AGE, settings.READER_CACHE_S_MAXAGE = 30, 120
        settings.READER_CACHE_STALE_WHILE_REVALIDATE = 900
        response = client.get(mod_claim.get_absolute_url())
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {"public", "max-age=30", "s-maxage=120", "stale-while-revalidate=900"}
        assert "Cookie" in response["Vary"]  # an editor's cookie must not be answered from a shared copy

    def test_a_state_change_changes_the_etag_of_the_claim_and_the_list(self, client, mod_claim, editor):
        claim_url, list_url = mod_claim.get_absolute_url(), reverse("claims-list")
        before = {url: client.get(url)["ETag"] for url in (claim_url, list_url)}
        set_status(mod_claim, "refuted", user=editor)
        for url, etag in before.items():
            response = client.get(url, headers={"If-None-Match": etag})
            assert response.status_code == 200, url
            assert response["ETag"] != etag
            assert "Refuted" in response.content.decode()

    def test_it_answers_if_modified_since_once_the_writes_are_settled(self, client, mod_claim, settings):
        settings.API_SYNC_SETTLE_SECONDS = -3600  # as if every write were long settled
        url = reverse("claims-list")
        last_modified = client.get(url)["Last-Modified"]
        assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
        older = http_date((timezone.now() - timedelta(days=1)).timestamp())
        assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200

    def test_a_date_in_the_future_is_not_trusted(self, client, mod_claim, settings):
        settings.API_SYNC_SETTLE_SECONDS = -3600
        future = http_date((timezone.now() + timedelta(days=365)).timestamp())
        assert client.get(reverse("claims-list"), headers={"If-Modified-Since": future}).status_code == 200

    @pytest.mark.parametrize("header", ["garbage", "", "Mon, 99 Foo 2023 00:00:00 GMT", "W/", '"' * 500])
    def test_hostile_validators_get_the_page(self, client, mod_claim, header):
        for name in ("If-None-Match", "If-Modified-Since"):
            assert client.get(mod_claim.get_absolute_url(), headers={name: header}).status_code == 200

    def test_logged_in_editors_bypass_the_caches(self, client, mod_claim, editor):
        url = mod_claim.get_absolute_url()
        etag = client.get(url)["ETag"]
        client.force_login(editor)
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert "X-Reader-Cache" not in response
        assert not response.has_header("ETag")
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives
        assert "public" not in directives
        assert "Log out" in response.content.decode()

    def test_a_reader_with_a_flash_message_gets_a_private_page(self, client, mod_claim):
        client.cookies["messages"] = "anything"
        response = client.get(reverse("claims-list"))
        assert "private" in response["Cache-Control"]

    def test_the_second_reader_is_served_the_stored_page(self, client, mod_claim, django_assert_num_queries, settings):
        # The sync horizon is kept 0.5 s by default, in this process's memory: one an earlier test left could
        # expire between the two requests, and a slow machine could outlast 0.5 s. Start afresh, keep it longer.
        settings.API_SYNC_HORIZON_CACHE_SECONDS = 300
        caches["local"].clear()
        url = mod_claim.get_absolute_url()
        first = client.get(url)
        assert "X-Reader-Cache" not in first
        with django_assert_num_queries(1):  # the versions only (the sync horizon is cached)
            second = client.get(url)
        assert second["X-Reader-Cache"] == "hit"
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]
        assert second["Content-Type"] == first["Content-Type"]

    def test_the_page_is_kept_in_redis_and_in_this_process(self, client, mod_claim):
        url = mod_claim.get_absolute_url()
        first = client.get(url)
        caches["local"].clear()  # another process: only Redis has it
        assert client.get(url)["X-Reader-Cache"] == "hit"
        caches["default"].clear()  # the copy this process took on the way is enough now
        second = client.get(url)
        assert second["X-Reader-Cache"] == "hit"
        assert second.content == first.content

    def test_a_304_costs_one_query(self, client, mod_claim, django_assert_num_queries):
        url = reverse("claims-list")
        etag = client.get(url)["ETag"]
        with django_assert_num_queries(1):
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    def test_the_stored_page_is_not_served_after_a_change(self, client, mod_claim, editor):
        url = mod_claim.get_absolute_url()
        client.get(url)
        set_status(mod_claim, "refuted", user=editor)
        response = client.get(url)
        assert "X-Reader-Cache" not in response
        assert "Refuted" in response.content.decode()

    def test_a_new_search_alias_changes_the_list_etag(self, client, mod_claim):
        from claims_tracker.claims import services

        url = reverse("claims-list")
        etag = client.get(url, {"q": "Краматорськ"})["ETag"]
        services.search_alias_set(alias="Краматорськ", means="Kramatorsk")
        assert client.get(url, {"q": "Краматорськ"}, headers={"If-None-Match": etag}).status_code == 200

    def test_the_query_string_is_part_of_the_key(self, client, mod_claim):
        url = reverse("claims-list")
        plain = client.get(url)
        refuted = client.get(url, {"status": "refuted"})
        assert refuted["ETag"] != plain["ETag"]
        assert "X-Reader-Cache" not in refuted

    def test_missing_pages_are_neither_validated_nor_stored(self, client, db):
        for _ in range(2):
            response = client.get(reverse("claims-detail", args=[987654]))
            assert response.status_code == 404
            assert not response.has_header("ETag")
            assert "X-Reader-Cache" not in response

    def test_the_page_cache_can_be_turned_off(self, client, mod_claim, settings):
        settings.READER_PAGE_CACHE_SECONDS = 0
        url = mod_claim.get_absolute_url()
        client.get(url)
        response = client.get(url)
        assert "X-Reader-Cache" not in response
        assert response.has_header("ETag")

    def test_a_new_cache_version_drops_kept_pages_and_etags(self, client, mod_claim, settings):
        url = mod_claim.get_absolute_url()
        etag = client.get(url)["ETag"]
        settings.READER_CACHE_VERSION = "next-release"
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert "X-Reader-Cache" not in response
        assert response["ETag"] != etag

    def test_it_still_refuses_a_post(self, client, mod_claim):
        assert client.post(mod_claim.get_absolute_url()).status_code == 405
