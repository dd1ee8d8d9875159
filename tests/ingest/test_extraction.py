"""Main text and metadata from pages: the shared corpus, odd encodings, ClaimReview, garbage."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trafilatura

from claims_tracker.ingest.extraction import ExtractionError, clean_text, extract

ARTICLE = """<!doctype html>
<html lang="{lang}"><head><meta charset="{charset}"><title>{title}</title>
<meta property="article:published_time" content="2023-01-13T09:40:00+00:00">
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://news.example.org/soledar">
{head}
</head><body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article><h1>{title}</h1><p class="byline">By Jane Reporter</p>
<p>{body}</p>
<p>Russia's Defense Ministry said on Friday that its forces had taken the town after weeks of fighting.</p>
<p>Read more: Ten things you missed this week</p>
<p>Ukraine's Deputy Defense Minister Hanna Malyar wrote on Telegram that the battles continued in the town.</p>
<p>Sign up for our daily newsletter to get the news in your inbox.</p>
<p>The fighting in the area has been notable for the role played by fighters from the Wagner group.</p>
<script>alert("x")</script>
</article>
<footer><p>Copyright 2023 Example News. All rights reserved.</p></footer>
</body></html>"""


def page(body: str = "The salt-mining town lies in the east of the country.", **kw: str) -> str:
    values = {"lang": "en", "charset": "utf-8", "title": "Soledar falls", "head": "", "body": body, **kw}
    return ARTICLE.format(**values)


class TestExtractCorpus:
    def test_it_keeps_every_with_snippet_and_drops_every_without_snippet(self, shared_dir):
        articles = shared_dir / "corpus" / "articles"
        expected = json.loads((articles / "expected.json").read_text(encoding="utf-8"))
        assert len(expected) == 10
        for url, spec in expected.items():
            result = extract((articles / "html" / spec["file"]).read_bytes(), url=url)
            for snippet in spec["with"]:
                assert snippet in result.text, (spec["file"], snippet)
            for snippet in spec["without"]:
                assert snippet not in result.text, (spec["file"], snippet)
            assert result.title, spec["file"]

    def test_it_reads_metadata_of_a_real_page(self, shared_dir):
        html = (shared_dir / "corpus/articles/html/wired.com.burn.html").read_bytes()
        result = extract(html)
        assert result.title == "AI Can Do Great Things—if It Doesn't Burn the Planet"
        assert result.byline == "Will Knight"
        assert result.language == "en"
        assert result.canonical_url == "https://www.wired.com/story/ai-great-things-burn-planet/"
        assert result.published is not None and result.published.tzinfo is not None
        assert result.published.date().isoformat() == "2020-01-21"


class TestExtractPage:
    def test_it_returns_text_and_metadata(self):
        result = extract(page())
        assert result.title == "Soledar falls"
        assert result.published == datetime(2023, 1, 13, 9, 40, tzinfo=UTC)
        assert result.site_name == "Example News"
        assert result.language == "en"
        assert result.canonical_url == "https://news.example.org/soledar"
        assert "its forces had taken the town" in result.text
        assert result.claimreview == []

    def test_it_removes_boilerplate_lines(self):
        result = extract(page())
        assert "Read more" not in result.text
        assert "newsletter" not in result.text
        assert "All rights reserved" not in result.text
        assert "Home" not in result.text

    def test_it_sanitises_the_html_it_keeps(self):
        result = extract(page(body='Shelling <a href="javascript:alert(1)" onclick="x()">continued</a> overnight.'))
        assert "<script" not in result.html
        assert "javascript:" not in result.html
        assert "onclick" not in result.html
        assert "continued" in result.html

    @pytest.mark.parametrize(
        ("charset", "body"),
        [
            ("windows-1251", "Бои в Соледаре продолжались всю ночь, сообщили в министерстве."),
            ("koi8-r", "Бои в Соледаре продолжались всю ночь, сообщили в министерстве."),
            ("iso-8859-1", "Les combats à Soledar se sont poursuivis toute la nuit, selon le ministère."),
            ("shift_jis", "ソレダルでの戦闘は夜通し続いたと国防省は述べた。"),
        ],
    )
    def test_it_decodes_bytes_in_the_declared_encoding(self, charset, body):
        result = extract(page(body=body, charset=charset).encode(charset))
        assert body in result.text

    def test_it_decodes_utf16_with_a_bom(self):
        body = "Ukraine’s officials said the battles continued in Soledar on Friday."
        result = extract(page(body=body, charset="utf-16").encode("utf-16"))
        assert body in result.text

    def test_it_guesses_an_undeclared_encoding(self):
        body = "Les combats à Soledar se sont poursuivis toute la nuit, selon le ministère français."
        html = page(body=body, charset="").replace('<meta charset="">', "").encode("cp1252")
        assert body in extract(html).text

    def test_it_records_claimreview_json_ld(self, shared_dir):
        review = (shared_dir / "corpus/claimreview/schemaorg_google_worldisflat.jsonld").read_text(encoding="utf-8")
        head = f'<script type="application/ld+json">{review}</script><script type="application/ld+json">{{bad</script>'
        result = extract(page(head=head))
        assert len(result.claimreview) == 1
        assert result.claimreview[0]["claimReviewed"] == "The world is flat"
        assert result.claimreview[0]["reviewRating"]["alternateName"] == "False"

    def test_it_records_claimreview_in_a_graph_and_in_microdata(self):
        graph = {"@context": "https://schema.org", "@graph": [{"@type": "ClaimReview", "claimReviewed": "A"}]}
        microdata = (
            '<div itemscope itemtype="https://schema.org/ClaimReview"><meta itemprop="claimReviewed" content="B">'
            '<div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">'
            '<meta itemprop="alternateName" content="False"></div></div>'
        )
        head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
        result = extract(page(head=head, body="The fighting continued all night in the town. " + microdata))
        assert [r["claimReviewed"] for r in result.claimreview] == ["A", "B"]
        assert result.claimreview[1]["reviewRating"] == {"@type": "Rating", "alternateName": "False"}


class TestExtractGarbage:
    @pytest.mark.parametrize(
        "data",
        [
            b"",
            b"   \n\t",
            "",
            bytes(range(256)) * 40,  # binary noise
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000,
            b"just some plain text with no markup at all",
            b"<html><body></body></html>",
            b"<html><body><nav><a href=/>Home</a></nav></body></html>",
        ],
    )
    def test_it_raises_a_clear_extraction_error(self, data):
        with pytest.raises(ExtractionError):
            extract(data)

    def test_it_refuses_a_page_that_is_too_large(self):
        with pytest.raises(ExtractionError, match="too large"):
            extract(b"<html><body><p>" + b"a " * 11_000_000 + b"</p></body></html>")

    def test_it_refuses_a_page_with_more_elements_than_the_cap(self):
        # 100,000 spans took 4.3 s and 200 MB in lxml and trafilatura; the pre-scan refuses them at once.
        with pytest.raises(ExtractionError, match="more than 20,000 elements"):
            extract(page().replace("</body>", "<span>x</span>" * 100_000 + "</body>"))

    def test_it_refuses_what_is_not_a_page(self):
        with pytest.raises(ExtractionError):
            extract(12345)  # type: ignore[arg-type]


class TestCleanText:
    def test_it_drops_related_story_lists_and_prompts_but_keeps_reporting(self):
        text = "\n".join(
            [
                "The town fell on Friday.",
                "Related stories",
                "Ukraine says battles continue",
                "- Wagner's role in Soledar",
                "Officials said the fighting would go on for weeks, and residents should leave the area.",
                "Share this article",
                "Subscribe now to continue reading",
                "Jane Reporter is a correspondent for Example News covering Eastern Europe.",
            ]
        )
        assert clean_text(text) == (
            "The town fell on Friday.\n"
            "Officials said the fighting would go on for weeks, and residents should leave the area."
        )

    def test_it_keeps_a_sentence_that_merely_mentions_a_newsletter(self):
        text = "The ministry said in its newsletter that the town had fallen."
        assert clean_text(text) == text


class TestPageClasses:
    """The two page classes where extraction lost text that trafilatura keeps from the raw page.

    The pages in tests/ingest/data/pages are our own: paragraphs.json holds their report, paragraph by paragraph.
    """

    PAGES = Path(__file__).parent / "data" / "pages"

    def report(self) -> list[str]:
        return json.loads((self.PAGES / "paragraphs.json").read_text(encoding="utf-8"))

    def ends_missing(self, text: str) -> list[str]:
        flat = " ".join(text.split())
        return [p for p in self.report() if " ".join(p.split()[-6:]) not in flat]

    def test_react_comment_markers_inside_paragraphs_cut_nothing(self):
        html = (self.PAGES / "react_comments.html").read_text(encoding="utf-8")
        assert self.ends_missing(extract(html).text) == []

    def test_a_report_continued_inside_a_layout_table_is_kept_whole(self):
        html = (self.PAGES / "table_layout.html").read_text(encoding="utf-8")
        text = extract(html).text
        assert self.ends_missing(text) == []
        assert "555-0100" not in text  # the contact table is not the report

    @pytest.mark.parametrize("name", ["react_comments.html", "table_layout.html"])
    def test_it_keeps_at_least_what_trafilatura_defaults_keep(self, name):
        html = (self.PAGES / name).read_text(encoding="utf-8")
        ours = " ".join(extract(html).text.split())
        theirs = trafilatura.extract(html) or ""
        lost = [line for line in theirs.splitlines() if line.strip() and " ".join(line.split()) not in ours]
        assert lost == []
