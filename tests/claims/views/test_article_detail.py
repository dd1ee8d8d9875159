"""The article page: text with each claim's quote highlighted and linked, escaped."""

from __future__ import annotations

import pytest

from claims_tracker.claims import services
from claims_tracker.claims.models import Appearance
from claims_tracker.claims.views.article import segment
from tests.factories import ArticleFactory, ClaimFactory

TEXT = (
    "Moscow said on Friday that <b>its</b> forces had taken the town.\n\n"
    "Kyiv said the   night in Soledar was hot, the battles continued. Observers were unsure."
)


@pytest.mark.django_db
class TestArticleDetail:
    def test_it_marks_quotes_by_offsets_or_by_finding_them(self, client, db):
        article = ArticleFactory(text=TEXT)
        by_offset = ClaimFactory(text="Russia took the town")
        start = TEXT.index("its</b> forces")
        services.appearance_add(
            claim=by_offset,
            article=article,
            quote="its</b> forces had taken the town",
            start_offset=start,
            end_offset=start + len("its</b> forces had taken the town"),
        )
        by_search = ClaimFactory(text="Fighting went on")
        services.appearance_add(claim=by_search, article=article, quote="the night in Soledar was hot")
        missing = ClaimFactory(text="Elsewhere")
        services.appearance_add(claim=missing, article=article, quote="words not in the text")
        response = client.get(article.get_absolute_url())
        html = response.content.decode()
        assert f'href="{by_offset.get_absolute_url()}" id="q1"' in html
        assert "<mark>its&lt;/b&gt; forces had taken the town</mark>" in html
        assert "<mark>the   night in Soledar was hot</mark>" in html
        assert "<b>its</b>" not in html
        assert [a.claim_id for a in response.context["unplaced"]] == [missing.pk]
        assert len(response.context["paragraphs"]) == 2

    @pytest.mark.parametrize("url", ["javascript:alert('x')//", " JavaScript:alert(1)", "data:text/html,x"])
    def test_a_stored_address_that_is_not_http_never_becomes_a_link(self, client, url):
        article = ArticleFactory(url=url, canonical_url=None)
        evidence_claim = ClaimFactory()
        services.appearance_add(claim=evidence_claim, article=article, quote="the town was taken")
        for page in (article.get_absolute_url(), evidence_claim.get_absolute_url()):
            html = client.get(page).content.decode().lower()
            assert "javascript:" not in html and "data:text" not in html
            assert "original report" not in html

    def test_overlapping_quotes_keep_one_mark(self):
        a = Appearance(quote="night in Soledar", pk=1)
        b = Appearance(quote="Soledar was hot", pk=2)
        segments, unplaced = segment(TEXT, [a, b])
        assert [s.text for s in segments if s.appearance] == ["night in Soledar"]
        assert unplaced == [b]
        assert "".join(s.text for s in segments) == TEXT

    def test_stale_offsets_fall_back_to_the_quote(self):
        a = Appearance(quote="battles continued", start_offset=0, end_offset=5)
        segments, _ = segment(TEXT, [a])
        assert [s.text for s in segments if s.appearance] == ["battles continued"]

    def test_a_quote_in_pieces_is_placed_by_its_offsets(self):
        text = "“We will not retreat,” Mayor Ivan Fedorov said. “The city will stand.”"
        a = Appearance(quote="We will not retreat … The city will stand.", start_offset=1, end_offset=len(text) - 1)
        segments, unplaced = segment(text, [a])
        assert [s.text for s in segments if s.appearance] == [text[1:-1]]
        assert unplaced == []

    def test_it_shows_the_summary_when_no_text_is_stored(self, client, demo):
        from claims_tracker.claims.models import Article

        article = Article.objects.get(outlet__slug="nbc-news")
        response = client.get(article.get_absolute_url())
        assert "The full text of this report is not stored here" in response.content.decode()
        assert len(response.context["unplaced"]) == 10

    def test_its_query_count_is_constant(self, client, db, django_assert_max_num_queries):
        article = ArticleFactory(text=TEXT)
        for _ in range(20):
            services.appearance_add(claim=ClaimFactory(), article=article, quote="battles continued")
        with django_assert_max_num_queries(3):  # + the versions (claims/caching.py)
            client.get(article.get_absolute_url())

    def test_it_answers_404(self, client, db):
        assert client.get("/articles/424242/").status_code == 404
