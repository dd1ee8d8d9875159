"""ClaimReview in: each messy case real pages have, built from schema.org's and Google's rules, one test each."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from claims_tracker.ingest.claimreview import is_datafeed, reviews_in_datafeed, reviews_in_page

URL = "https://factcheck.example/soledar"


def review(**overrides) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": URL,
        "claimReviewed": "Russian forces control Soledar",
        "datePublished": "2023-01-14",
        "author": {"@type": "Organization", "name": "Example Fact Check", "url": "https://factcheck.example/"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 2,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "Mostly false",
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": "Russia's Defense Ministry"},
            "appearance": {"@type": "CreativeWork", "url": "https://news.example/mod-statement"},
        },
    }
    data.update(overrides)
    return data


def page(*objects: dict, raw: str = "") -> bytes:
    blocks = "".join(f'<script type="application/ld+json">{json.dumps(o)}</script>' for o in objects)
    return f"<html><head>{blocks}</head><body><h1>Fact check</h1>{raw}</body></html>".encode()


class TestReviewsInPage:
    def test_it_reads_every_field(self):
        [r] = reviews_in_page(page(review()), url=URL)
        assert (r.reviewer, r.reviewer_url) == ("Example Fact Check", "https://factcheck.example/")
        assert (r.rating_name, r.rating_value, r.best_rating, r.worst_rating) == ("Mostly false", "2", "5", "1")
        assert r.reviewed_at == datetime(2023, 1, 14, tzinfo=UTC)
        assert r.claim_reviewed == "Russian forces control Soledar"
        assert r.claim_author == "Russia's Defense Ministry"
        assert r.url == URL and r.appearance_url == "https://news.example/mod-statement"
        assert r.score() == 0.25

    def test_a_lower_case_rating_type_is_read(self):
        lower = review(reviewRating={"@type": "rating", "ratingValue": "1", "alternateName": "False"})
        [r] = reviews_in_page(page(lower), url=URL)
        assert (r.rating_name, r.rating_value) == ("False", "1")

    def test_a_lower_case_claimreview_type_is_read(self):
        assert len(reviews_in_page(page(review(**{"@type": "claimreview"})), url=URL)) == 1

    @pytest.mark.parametrize("value", [4, "4", 4.0, " 4 "])
    def test_a_rating_value_as_a_number_or_a_string(self, value):
        rated = review(reviewRating={"@type": "Rating", "ratingValue": value, "bestRating": "5", "worstRating": 1})
        [r] = reviews_in_page(page(rated), url=URL)
        assert r.rating_value in ("4", "4.0") and r.score() == 0.75

    def test_item_reviewed_as_a_creative_work(self):
        work = {
            "@type": "CreativeWork",
            "author": {"@type": "Person", "name": "Yevgeny Prigozhin", "sameAs": "https://x.example"},
            "url": "https://telegram.example/post/1",
        }
        [r] = reviews_in_page(page(review(itemReviewed=work)), url=URL)
        assert r.claim_author == "Yevgeny Prigozhin" and r.appearance_url == "https://telegram.example/post/1"

    def test_item_reviewed_as_a_claim(self):
        [r] = reviews_in_page(page(review()), url=URL)
        assert r.claim_author == "Russia's Defense Ministry"

    def test_context_given_last(self):
        data = review()
        context = data.pop("@context")
        text = json.dumps(data)[:-1] + f', "@context": "{context}"}}'
        body = f'<html><script type="application/ld+json">{text}</script><p>x</p></html>'.encode()
        assert text.rstrip("}").endswith('"https://schema.org"')  # the context really is last
        [r] = reviews_in_page(body, url=URL)
        assert r.rating_name == "Mostly false"

    def test_several_reviews_on_one_page(self):
        second = review(claimReviewed="Only 500 people remain in Soledar", reviewRating={"ratingValue": 5})
        in_graph = {"@context": "https://schema.org", "@graph": [review(claimReviewed="Third one"), {"@type": "X"}]}
        found = reviews_in_page(page(review(), second, in_graph), url=URL)
        assert [r.claim_reviewed for r in found] == [
            "Russian forces control Soledar",
            "Only 500 people remain in Soledar",
            "Third one",
        ]

    def test_a_list_of_reviews_in_one_block(self):
        assert len(reviews_in_page(page([review(), review(claimReviewed="b")]), url=URL)) == 2  # type: ignore[arg-type]

    def test_microdata_instead_of_json_ld(self):
        html = b"""<html><body><div itemscope itemtype="https://schema.org/ClaimReview">
          <link itemprop="url" href="https://factcheck.example/md">
          <h1 itemprop="claimReviewed">Russian forces control Soledar</h1>
          <div itemprop="author" itemscope itemtype="https://schema.org/Organization">
            <span itemprop="name">Microdata Checks</span></div>
          <meta itemprop="datePublished" content="2023-01-15">
          <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
            <meta itemprop="ratingValue" content="1"><meta itemprop="bestRating" content="5">
            <meta itemprop="worstRating" content="1"><span itemprop="alternateName">False</span></div>
          <div itemprop="itemReviewed" itemscope itemtype="https://schema.org/Claim">
            <div itemprop="author" itemscope itemtype="https://schema.org/Person">
              <span itemprop="name">Igor Konashenkov</span></div></div>
        </div></body></html>"""
        [r] = reviews_in_page(html, url=URL)
        assert (r.reviewer, r.rating_name, r.rating_value) == ("Microdata Checks", "False", "1")
        assert r.claim_author == "Igor Konashenkov" and r.url == "https://factcheck.example/md"
        assert r.reviewed_at == datetime(2023, 1, 15, tzinfo=UTC) and r.score() == 0.0

    def test_rdfa(self):
        html = b"""<html><body vocab="https://schema.org/"><div typeof="ClaimReview">
          <span property="claimReviewed">Russian forces control Soledar</span>
          <div property="author" typeof="Organization"><span property="name">RDFa Checks</span></div>
          <div property="reviewRating" typeof="Rating"><span property="ratingValue">5</span>
            <span property="alternateName">True</span></div>
        </div></body></html>"""
        [r] = reviews_in_page(html, url=URL)
        assert (r.reviewer, r.rating_name, r.rating_value, r.score()) == ("RDFa Checks", "True", "5", 1.0)

    def test_a_page_without_claimreview_is_not_parsed(self):
        assert reviews_in_page(page({"@type": "NewsArticle", "headline": "x"}), url=URL) == []

    @pytest.mark.parametrize(
        "body",
        [
            b'<script type="application/ld+json">{"@type": "ClaimReview", broken</script>',
            b'<script type="application/ld+json">{"@type": "ClaimReview", "reviewRating": [1], "author": 5}</script>',
            b"\xff\xfe ClaimReview \x00\x00",
            b'<script type="application/ld+json">' + b"[" * 5000 + b"]" * 5000 + b"</script>ClaimReview",
        ],
    )
    def test_hostile_markup_gives_no_review_or_a_blank_one_never_an_error(self, body):
        for r in reviews_in_page(body, url=URL):
            assert r.rating_name == "" and r.reviewer == ""

    def test_a_rating_off_its_scale_has_no_score(self):
        [r] = reviews_in_page(page(review(reviewRating={"ratingValue": 9, "bestRating": 5})), url=URL)
        assert r.rating_value == "9" and r.score() is None


class TestReviewsInDataFeed:
    def test_bare_reviews_and_datafeed_items(self):
        feed = {
            "@context": "https://schema.org",
            "@type": "DataFeed",
            "dataFeedElement": [
                review(),
                {"@type": "DataFeedItem", "item": [review(claimReviewed="b"), review(claimReviewed="c")]},
            ],
        }
        body = json.dumps(feed).encode()
        assert is_datafeed(body)
        assert [r.claim_reviewed for r in reviews_in_datafeed(body)] == ["Russian forces control Soledar", "b", "c"]

    @pytest.mark.parametrize(
        "body",
        [
            b"not json",
            b'{"version": "https://jsonfeed.org/version/1.1"}',
            b"[1, 2]",
            b'{"@type": "DataFeed", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            b'{"@type": "DataFeed", "dataFeedElement": "\xff"}',
        ],
    )
    def test_other_documents_are_not_datafeeds(self, body):
        assert reviews_in_datafeed(body) is None


def test_the_reference_example_of_schema_org_and_google(shared_dir):
    """The corpus's reference ClaimReview (shared/corpus/claimreview), as a page would carry it."""
    example = json.loads((shared_dir / "corpus" / "claimreview" / "schemaorg_google_worldisflat.jsonld").read_text())
    [r] = reviews_in_page(page(example), url="http://example.com/news/science/worldisflat.html")
    assert (r.reviewer, r.rating_name, r.rating_value, r.score()) == ("Example.com science watch", "False", "1", 0.0)
    assert (r.claim_reviewed, r.claim_author) == ("The world is flat", "Square World Society")
    assert r.appearance_url == "http://skeptical.example.net/news/a122121"
    assert r.reviewed_at == datetime(2016, 6, 22, tzinfo=UTC)
