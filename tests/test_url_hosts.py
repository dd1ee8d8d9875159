"""A host name DNS cannot hold (a label over 63 characters, a name over 253) is refused with a clear message at
every entry of an address: the API (webhooks, evidence), the desk (a report's URL, a feed), the command line and a
feed's entries. One check does it (`lib.urls.host_problem`); the OpenAPI schema states the same bounds."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims_tracker.api.schema import HOST_PATTERN
from claims_tracker.claims.models import Article, Evidence
from claims_tracker.ingest.fetching import InvalidURL, validate_url
from claims_tracker.ingest.models import Feed
from claims_tracker.lib.urls import host_problem, web_url_validator
from claims_tracker.webhooks.models import Subscription
from tests.factories import ClaimFactory
from tests.ingest.pages import rss

LABEL = "a" * 63
LONG_LABEL = f"https://{'b' * 64}.example.org/x"  # one label of 64
LONG_NAME = f"https://{'.'.join([LABEL] * 4)}/x"  # 4 × 63 + 3 dots = 255 characters
LABEL_MESSAGE = "at most 63 are allowed between dots"
NAME_MESSAGE = "at most 253 are allowed"
HOSTILE = [(LONG_LABEL, LABEL_MESSAGE), (LONG_NAME, NAME_MESSAGE)]

pytestmark = pytest.mark.django_db


class TestTheOneCheck:
    def test_it_allows_the_longest_names_dns_holds(self):
        longest = ".".join([LABEL] * 3) + "." + "c" * 61  # 253 characters
        assert len(longest) == 253
        assert host_problem(longest) is None and host_problem(longest + ".") is None
        web_url_validator(f"https://{longest}/x")
        assert validate_url(f"https://{longest}/x") == f"https://{longest}/x"

    def test_it_names_the_bound_a_name_breaks(self):
        assert LABEL_MESSAGE in host_problem("b" * 64 + ".example.org")
        assert NAME_MESSAGE in host_problem(".".join([LABEL] * 4))

    @pytest.mark.parametrize("url, message", HOSTILE)
    def test_forms_serializers_and_the_fetcher_refuse_alike(self, url, message):
        with pytest.raises(ValidationError, match=message):
            web_url_validator(url)
        with pytest.raises(InvalidURL, match=message):
            validate_url(url)

    @pytest.mark.parametrize(
        "url",
        [
            "https://example.org/x",
            "http://user:pw@example.org:8080/a?b#c",
            "http://127.0.0.1:8000/x",
            "http://[::1]:8000/x",
            f"https://{LABEL}.com/",
            LONG_LABEL,
            LONG_NAME,
            "https://0.a",  # Django's URLValidator wants a top-level label of two letters or more
            f"https://u@{'b' * 64}.com/",
        ],
    )
    def test_the_schemas_pattern_and_the_validator_agree(self, url):
        try:
            web_url_validator(url)
            accepted = True
        except ValidationError:
            accepted = False
        assert bool(re.search(HOST_PATTERN, url)) == accepted, url


def _api(editor) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    return client


def _desk(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


class TestEveryEntry:
    @pytest.mark.parametrize("url, message", HOSTILE)
    def test_the_webhook_api(self, editor, url, message):
        body = {"url": url, "events": ["claim.created"]}
        response = _api(editor).post("/api/v1/webhooks/create/", body, format="json")
        assert response.status_code == 400
        assert any(message in m for m in response.json()["error"]["fields"]["url"])
        assert not Subscription.objects.exists()

    @pytest.mark.parametrize("url, message", HOSTILE)
    def test_the_evidence_api(self, editor, url, message):
        claim = ClaimFactory()
        body = {"stance": "supports", "summary": "Seen.", "url": url}
        response = _api(editor).post(f"/api/v1/claims/{claim.pk}/evidence/", body, format="json")
        assert response.status_code == 400
        assert any(message in m for m in response.json()["error"]["fields"]["url"])
        assert not Evidence.objects.exists()

    @pytest.mark.parametrize("url, message", HOSTILE)
    def test_the_desks_report_url(self, editor, url, message):
        response = _desk(editor).post(reverse("desk-report-add"), {"u-url": url})
        assert message in " ".join(response.context["url_form"].errors["url"])
        assert response.context["url_form"]["url"].value() == url  # kept for the editor to correct
        assert not Article.objects.exists()

    @pytest.mark.parametrize("url, message", HOSTILE)
    def test_the_desks_feed_form(self, editor, url, message):
        response = _desk(editor).post(reverse("ingest-feed-add"), {"url": url, "poll_interval": 15})
        assert response.status_code == 400 and message in response.content.decode()
        assert not Feed.objects.exists()

    @pytest.mark.parametrize("url, message", HOSTILE)
    def test_the_command_line(self, tmp_path, url, message):
        with pytest.raises(CommandError, match=message):
            call_command("ingest_url", url, stdout=io.StringIO(), stderr=io.StringIO())
        page = tmp_path / "page.html"
        page.write_text("<html><body><p>Text.</p></body></html>", encoding="utf-8")
        with pytest.raises(CommandError, match=message):
            call_command("ingest_file", str(page), "--url", url, stdout=io.StringIO(), stderr=io.StringIO())
        assert not Article.objects.exists()

    def test_a_feeds_entries(self, tmp_path):
        feed = tmp_path / "feed.xml"
        feed.write_text(rss([("g1", LONG_LABEL, "One"), ("g2", LONG_NAME, "Two")]), encoding="utf-8")
        err = io.StringIO()
        call_command("ingest_file", str(feed), "--progress", stdout=io.StringIO(), stderr=err)
        assert f"refused: A part of the host name ({'b' * 20}…)" in err.getvalue()
        assert f"refused: The host name is 255 characters long; {NAME_MESSAGE}" in err.getvalue()
        assert not Article.objects.exists()
