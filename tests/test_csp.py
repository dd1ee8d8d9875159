"""Issue #22 what broke 10: every page carries a Content-Security-Policy that forbids inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import ArticleFactory, ClaimFactory

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# A <script> element: group 1 is its attributes.
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
class TestPolicyHeader:
    def test_every_kind_of_page_forbids_inline_script_and_eval(self, editor):
        claim = ClaimFactory()
        article = ArticleFactory()
        anonymous, desk = Client(), Client()
        desk.force_login(editor)
        pages = [
            (anonymous, "/"),
            (anonymous, claim.get_absolute_url()),
            (anonymous, article.get_absolute_url()),
            (anonymous, "/nothing-here/"),
            (anonymous, "/?q=%00"),
            (anonymous, "/accounts/login/"),
            (anonymous, "/admin/login/"),
            (anonymous, "/api/v1/claims/"),
            (anonymous, "/api/docs/"),
            (anonymous, "/api/redoc/"),
            (anonymous, "/healthz"),
            (desk, "/desk/"),
            (desk, "/desk/claims/"),
        ]
        for client, path in pages:
            response = client.get(path)
            policy = _directives(response.get("Content-Security-Policy", ""))
            assert policy.get("script-src") == ["'self'"], (path, policy)
            assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"], path
            assert policy["frame-ancestors"] == ["'none'"], path


class TestTemplates:
    def test_no_template_has_an_inline_script(self):
        # JSON data blocks (type="application/json") are data, not script, and are allowed by the policy.
        inline = []
        for template in TEMPLATES.rglob("*.html"):
            for attributes in SCRIPT.findall(template.read_text(encoding="utf-8")):
                if "src=" not in attributes and "application/json" not in attributes:
                    inline.append(str(template.relative_to(TEMPLATES)))
        assert inline == []

    def test_the_scan_sees_an_inline_script(self):
        attributes = SCRIPT.findall('<script src="/a.js"></script><script>alert(1)</script>')
        assert [a for a in attributes if "src=" not in a] == [""]
