from __future__ import annotations

import time

import pytest

from claims_tracker.claims.services import ServiceError
from claims_tracker.webhooks import services


class TestSignature:
    def test_it_signs_timestamp_and_body_and_verifies_in_constant_time(self):
        body = b'{"event":"status.changed"}'
        header = services.sign("s" * 32, 1700000000, body)
        assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
        assert services.verify("s" * 32, header, body, now=1700000010)
        assert not services.verify("s" * 32, header, body + b" ", now=1700000010)
        assert not services.verify("x" * 32, header, body, now=1700000010)
        assert not services.verify("s" * 32, header, body, now=1700000000 + 3600)  # a replay, too old
        assert not services.verify("s" * 32, "garbage", body)
        assert services.verify("k" * 20, services.sign("k" * 20, int(time.time()), b"{}"), b"{}")


@pytest.mark.django_db
class TestSubscriptionCreate:
    def test_it_validates_url_events_and_secret(self, editor, settings):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        with pytest.raises(ServiceError) as exc:
            services.subscription_create(owner=editor, url="ftp://example.org/x", events=["claim.created"])
        assert exc.value.field == "url"
        with pytest.raises(ServiceError) as exc:
            services.subscription_create(owner=editor, url="http://127.0.0.1:9/x", events=["claim.created"])
        assert exc.value.field == "url"
        with pytest.raises(ServiceError) as exc:
            services.subscription_create(owner=editor, url="https://example.org/x", events=["claim.deleted"])
        assert exc.value.field == "events"
        with pytest.raises(ServiceError) as exc:
            services.subscription_create(
                owner=editor, url="https://example.org/x", events=["claim.created"], secret="short"
            )
        assert exc.value.field == "secret"
        sub = services.subscription_create(owner=editor, url="https://example.org/x", events=["status.changed"])
        assert len(sub.secret) >= 32 and sub.active
