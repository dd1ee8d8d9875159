"""Article services: an editor's URL or text through fetch, extraction, dedupe and candidates (tasks in-process)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims_tracker.claims import services as claim_services
from claims_tracker.claims.models import Article, IngestState, Stance
from claims_tracker.claims.selectors import claim_word_statistics
from claims_tracker.ingest import services, tasks
from claims_tracker.ingest.models import ArticleRedirect, Candidate, FetchedPage
from claims_tracker.ingest.pipeline import find, store
from claims_tracker.ingest.services import IngestError
from tests.factories import ClaimantFactory, UserFactory
from tests.ingest.pages import seed_page, seed_text, short_page
from tests.ingest.server import LocalServer

pytestmark = pytest.mark.django_db
ARTICLE_RESULT = ("text", "content_hash", "ingest_state", "last_error", "canonical_url", "title", "byline")
ARTICLE_RESULT += ("language", "published_at", "claimreview")


def _page_with_metadata(server: LocalServer) -> str:
    """The seed page with everything extraction reads besides the text: a date, a language, a canonical
    address and another fact-checker's ClaimReview."""
    review = {"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": "Soledar is taken"}
    head = (
        "<meta property='article:published_time' content='2023-01-13T09:40:00+00:00'>"
        f"<link rel='canonical' href='{server.url('/canonical/soledar')}'>"
        f"<script type='application/ld+json'>{json.dumps(review)}</script></head>"
    )
    return seed_page().replace("</head>", head, 1).replace("<html lang='en'>", "<html lang='uk'>", 1)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit enqueues (and the tasks they start, eagerly) as a committed request would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(*args, **kwargs)
        return result

    return run


class TestArticleSubmitText:
    def test_it_finds_the_seed_attributions(self, run_on_commit):
        malyar = ClaimantFactory(name="Hanna Malyar")
        article, _ = run_on_commit(services.article_submit_text, text=seed_text(), title="Soledar")
        article.refresh_from_db()
        assert article.ingest_state == IngestState.DONE
        candidates = list(Candidate.objects.filter(article=article))
        speakers = " | ".join(c.speaker_text for c in candidates)
        for name in ("Defense Ministry", "Prigozhin", "Konashenkov", "Malyar", "Kyrylenko", "Ramani"):
            assert name in speakers
        assert any(c.stance == Stance.DENIES and "Ukrainian officials" in c.speaker_text for c in candidates)
        assert any(c.claimant_id == malyar.pk for c in candidates if "Malyar" in c.speaker_text)

    def test_it_keeps_the_text_unchanged_so_offsets_point_into_it(self, run_on_commit):
        text = "\n\n  " + seed_text() + "\n"
        article, _ = run_on_commit(services.article_submit_text, text=text)
        article.refresh_from_db()
        assert article.text == text
        for c in Candidate.objects.filter(article=article):
            span = text[c.start_offset : c.end_offset]
            assert span, c
            assert (c.quote or c.statement)[:20] in span or span in c.sentence

    def test_it_stores_each_piece_and_whether_it_is_a_quotation(self, run_on_commit):
        text = "“We will not retreat,” Mayor Ivan Fedorov said. “The city will stand.”\n\nHe said the bridge was cut."
        article, _ = run_on_commit(services.article_submit_text, text=text)
        quote, clause = Candidate.objects.filter(article=article).order_by("start_offset")
        assert [text[a:b] for a, b in quote.pieces] == ["We will not retreat", "The city will stand."]
        assert (quote.direct, quote.verb, quote.start_offset, quote.end_offset) == (True, "said", 1, text.index("”\n"))
        cut = text.index("the bridge")
        assert (clause.direct, clause.pieces, clause.speaker_text) == (False, [[cut, cut + 18]], "Mayor Ivan Fedorov")

    def test_the_same_text_twice_is_one_article_with_one_set_of_candidates(self, run_on_commit):
        first, _ = run_on_commit(services.article_submit_text, text=seed_text())
        count = Candidate.objects.filter(article=first).count()
        second, _ = run_on_commit(services.article_submit_text, text="  " + seed_text().replace("\n", "\n\n"))
        assert second.pk == first.pk
        assert Article.objects.count() == 1
        assert Candidate.objects.filter(article=first).count() == count > 0

    @pytest.mark.parametrize("text", ["", "   \n  "])
    def test_it_refuses_empty_text(self, text):
        with pytest.raises(IngestError) as info:
            services.article_submit_text(text=text)
        assert info.value.field == "text"
        assert Article.objects.count() == 0

    def test_it_records_who_asked_and_a_title(self, run_on_commit):
        editor = UserFactory(username="ed")
        article, _ = run_on_commit(services.article_submit_text, text="First line\nMore text.", requested_by=editor)
        assert article.requested_by == editor
        assert article.title == "First line"


class TestFindCandidates:
    def test_it_is_idempotent(self, run_on_commit):
        article, _ = run_on_commit(services.article_submit_text, text=seed_text())
        count = Candidate.objects.filter(article=article).count()
        Article.objects.filter(pk=article.pk).update(ingest_state=IngestState.EXTRACTING)  # as after a redelivery
        assert services.article_find_candidates(article.pk) == count
        assert Candidate.objects.filter(article=article).count() == count

    def test_it_uses_a_fixed_number_of_queries(self, run_on_commit, django_assert_max_num_queries):
        ClaimantFactory.create_batch(5)
        article = Article.objects.create(text=seed_text(), content_hash="x", ingest_state=IngestState.EXTRACTING)
        services.reset_matcher_cache()
        with django_assert_max_num_queries(10):
            services.article_find_candidates(article.pk)

    def test_it_fails_the_article_visibly_when_the_finder_breaks(self, monkeypatch):
        from claims_tracker.ingest import attribution

        def broken(text, *, matcher=None):
            raise RuntimeError("finder bug")

        monkeypatch.setattr(attribution, "find_attributions", broken)
        article = Article.objects.create(text="Text.", content_hash="y", ingest_state=IngestState.EXTRACTING)
        services.article_find_candidates(article.pk)
        article.refresh_from_db()
        assert article.ingest_state == IngestState.FAILED
        assert "finder bug" in article.last_error


class TestArticleSubmitUrl:
    @pytest.fixture(autouse=True)
    def _allow(self, allow_private):
        pass

    def test_it_fetches_extracts_and_finds_candidates(self, server: LocalServer, run_on_commit):
        url = server.route("/seed", seed_page())
        article, _ = run_on_commit(services.article_submit_url, url=url)
        article.refresh_from_db()
        assert article.ingest_state == IngestState.DONE, article.last_error
        assert article.title == "Russia claims control of Soledar"
        assert "Soledar" in article.text and article.content_hash
        assert article.fetched_at is not None
        assert Candidate.objects.filter(article=article).count() >= 8
        assert not FetchedPage.objects.exists()  # the raw page is let go once done
        assert services.article_progress(article)["state"] == "done"

    def test_the_same_url_twice_is_one_article(self, server: LocalServer, run_on_commit):
        url = server.route("/seed", seed_page())
        first, _ = run_on_commit(services.article_submit_url, url=url)
        second, _ = run_on_commit(services.article_submit_url, url=url + "#comments")
        assert first.pk == second.pk
        assert len(server.hits_for("/seed")) == 1

    def test_two_urls_with_the_same_report_become_one_article(self, server: LocalServer, run_on_commit):
        a, _ = run_on_commit(services.article_submit_url, url=server.route("/a", seed_page()))
        b, _ = run_on_commit(services.article_submit_url, url=server.route("/amp/a", seed_page()))
        assert Article.objects.count() == 1
        assert not Article.objects.filter(pk=b.pk).exists()
        assert ArticleRedirect.objects.get(from_article_id=b.pk).article_id == a.pk
        progress = services.article_progress(b)
        assert progress["id"] == a.pk and progress["merged"] and progress["state"] == "done"

    def test_a_page_whose_canonical_url_is_known_joins_that_article(self, server: LocalServer, run_on_commit):
        canonical = server.url("/story/soledar")
        first, _ = run_on_commit(services.article_submit_url, url=server.route("/story/soledar", short_page(1)))
        run_on_commit(
            services.article_submit_url,
            url=server.route(
                "/m/1", short_page(2).replace("<title>", f'<link rel="canonical" href="{canonical}"><title>')
            ),
        )
        assert list(Article.objects.values_list("pk", flat=True)) == [first.pk]

    @pytest.mark.parametrize(
        "url, message",
        [
            ("file:///etc/passwd", "Only http and https"),
            ("javascript:alert(1)", "Only http and https"),
            ("http://169.254.169.254/latest/meta-data/", "link-local"),
            ("http://0x7f000001/", "loopback"),
            ("not a url", "spaces"),
        ],
    )
    def test_it_refuses_bad_urls_with_a_clear_error(self, settings, url, message):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        with pytest.raises(IngestError, match=message) as info:
            services.article_submit_url(url=url)
        assert info.value.field == "url"
        assert Article.objects.count() == 0

    def test_a_blocked_hostname_fails_the_article_with_the_reason(self, server, settings, run_on_commit):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        server.route("/x", seed_page())
        article, _ = run_on_commit(services.article_submit_url, url=f"http://localhost:{server.port}/x")
        article.refresh_from_db()
        assert article.ingest_state == IngestState.FAILED
        assert "localhost resolves to" in article.last_error
        assert server.hits == []

    @pytest.mark.parametrize(
        "route, message",
        [
            ({"body": b"\x89PNG", "headers": {"Content-Type": "image/png"}}, "not a page we can read"),
            ({"body": b"gone", "status": 404}, "HTTP 404"),
            ({"body": b"<html><body><nav>menu</nav></body></html>"}, "no main text"),
        ],
    )
    def test_it_fails_bad_pages_at_once_with_the_reason(self, server, run_on_commit, route, message):
        url = server.route("/bad", **route)
        article, _ = run_on_commit(services.article_submit_url, url=url)
        article.refresh_from_db()
        assert article.ingest_state == IngestState.FAILED
        assert message in article.last_error
        assert len(server.hits_for("/bad")) == 1  # permanent errors are not retried

    def test_it_reads_a_page_in_an_invalid_encoding(self, server, run_on_commit):
        page = short_page(3).encode("utf-8").replace(b"front", b"fr\xff\xfe\xc3nt")
        url = server.route("/enc", page, headers={"Content-Type": "text/html; charset=bogus-encoding"})
        article, _ = run_on_commit(services.article_submit_url, url=url)
        article.refresh_from_db()
        assert article.ingest_state == IngestState.DONE, article.last_error
        assert "the battles continued" in article.text

    def test_asking_again_retries_a_failed_article(self, server, run_on_commit):
        url = server.route("/flaky", b"gone", status=404)
        article, _ = run_on_commit(services.article_submit_url, url=url)
        server.route("/flaky", seed_page())
        again, _ = run_on_commit(services.article_submit_url, url=url)
        again.refresh_from_db()
        assert again.pk == article.pk and again.ingest_state == IngestState.DONE

    def test_a_broken_finder_keeps_the_text_and_fails_with_the_reason(self, server, run_on_commit, monkeypatch):
        from claims_tracker.ingest import attribution

        def broken(text, *, matcher=None):
            raise RuntimeError("finder bug")

        monkeypatch.setattr(attribution, "find_attributions", broken)
        article, _ = run_on_commit(services.article_submit_url, url=server.route("/seed", seed_page()))
        article.refresh_from_db()
        assert article.ingest_state == IngestState.FAILED and "finder bug" in article.last_error
        assert "Soledar" in article.text and article.content_hash


@pytest.fixture
def settled_matcher(monkeypatch):
    """The worker's matcher, built before its first article (as it is once per worker) and not re-checked here,
    so the statements counted are the article's own."""
    monkeypatch.setattr(find, "_MATCHER_RECHECK", 3600.0)
    find._matcher()


def _candidates(article: Article, spans: range) -> list[Candidate]:
    return [
        Candidate(article_id=article.pk, sentence=f"Sentence {n}.", start_offset=n * 10, end_offset=n * 10 + 9)
        for n in spans
    ]


class TestPipelineCosts:
    """What an article costs beside extraction: a fixed handful of statements, a cached matcher."""

    def test_a_fetched_article_takes_fourteen_statements(
        self, server, allow_private, settled_matcher, django_assert_num_queries
    ):
        article, _created = services.article_for_url(url=server.route("/seed", seed_page()), enqueue=False)
        # The claim and the URL it reads, the extracting marker, the copies sharing a MinHash band, then the
        # result: savepoint, update, insert, release.
        # Six more archive the page (claims_tracker/archive): savepoint, look-up, insert, read-back, link, release.
        with django_assert_num_queries(8 + 6):
            tasks.fetch_article.run(article.pk)
        article.refresh_from_db()
        assert article.ingest_state == IngestState.DONE, article.last_error
        assert Candidate.objects.filter(article=article).count() >= 8

    @pytest.mark.parametrize("count", [1, 40])
    def test_storing_a_result_takes_four_statements_whatever_the_candidates(self, count, django_assert_num_queries):
        article = Article.objects.create(url="http://example.test/a", ingest_state=IngestState.EXTRACTING)
        fields = {"text": "The text.", "content_hash": "h", "ingest_state": IngestState.DONE, "last_error": ""}
        with django_assert_num_queries(4):  # savepoint, update, one insert of every candidate, release
            assert store.article_store(article.pk, fields, _candidates(article, range(count))) == article.pk
        assert Candidate.objects.filter(article=article).count() == count
        assert Article.objects.get(pk=article.pk).ingest_state == IngestState.DONE

    def test_storing_for_a_done_article_writes_nothing(self, django_assert_num_queries):
        article = Article.objects.create(text="Kept.", content_hash="k", ingest_state=IngestState.DONE)
        fields = {"text": "other text", "content_hash": "other", "ingest_state": IngestState.FAILED}
        with django_assert_num_queries(3):  # savepoint, the update that finds nothing to do, release
            assert store.article_store(article.pk, fields, _candidates(article, range(3))) == article.pk
        assert not Candidate.objects.filter(article=article).exists()
        assert Article.objects.values_list("text", "ingest_state").get(pk=article.pk) == ("Kept.", IngestState.DONE)

    def test_the_matcher_is_reused_until_the_claimants_change(self, monkeypatch, django_assert_num_queries):
        monkeypatch.setattr(find, "_MATCHER_RECHECK", 0.0)
        first = find._matcher()
        with django_assert_num_queries(1):  # the fingerprint only
            assert find._matcher() is first
        claimant = claim_services.claimant_create(name="Hanna Malyar", aliases=["Malyar"])
        second = find._matcher()
        assert second is not first and second.match("Malyar").claimant_id == claimant.pk
        claim_services.claimant_add_aliases(claimant=claimant, aliases=["Hanna Maliar"])
        third = find._matcher()
        assert third is not second and third.match("Hanna Maliar").claimant_id == claimant.pk

    def test_the_fingerprint_is_read_at_most_once_a_second(self, django_assert_num_queries):
        first = find._matcher()
        with django_assert_num_queries(0):
            assert find._matcher() is first


@pytest.mark.django_db(transaction=True)
class TestInAWorker:
    """As in a worker, in autocommit: each step's writes commit on their own, seen at once by other connections."""

    def test_an_article_is_fourteen_statements(self, server, allow_private, settled_matcher):
        article, _created = services.article_for_url(url=server.route("/seed", seed_page()), enqueue=False)
        claim_word_statistics()  # read by matching at most every ten minutes per process: read before, not counted
        # The claim, its URL, the extracting marker, the copies lookup, then the result: begin, update, insert, commit.
        # Six more archive the page (claims_tracker/archive): begin, look-up, insert, read-back, link, commit.
        with CaptureQueriesContext(connection) as queries:
            tasks.fetch_article.run(article.pk)
        article.refresh_from_db()
        assert article.ingest_state == IngestState.DONE, article.last_error
        spans = list(Candidate.objects.filter(article=article).values_list("start_offset", "end_offset"))
        assert len(spans) >= 8 and len(spans) == len(set(spans))
        # Then relate_candidates, a task of its own that a worker runs apart (here in-process, as tasks are eager
        # in tests): the new candidates, then two matching queries for all of them (their lexemes; their pools
        # and scores), then grouping's two reads (its own candidates, the same speakers' elsewhere). No claims:
        # none scored to read, no bearing suggestion to store.
        assert len(queries) == 8 + 6 + (1 + 2 + 2), [q["sql"][:80] for q in queries.captured_queries]

    def test_a_redelivered_task_of_a_done_article_is_one_statement_and_no_fetch(
        self, server, allow_private, django_assert_num_queries
    ):
        article, _created = services.article_for_url(url=server.route("/seed", seed_page()), enqueue=False)
        tasks.fetch_article.run(article.pk)
        count = Candidate.objects.filter(article=article).count()
        with django_assert_num_queries(1):  # the claim, which finds the article done
            tasks.fetch_article.run(article.pk)
        assert len(server.hits_for("/seed")) == 1
        assert Candidate.objects.filter(article=article).count() == count > 0

    def test_storing_a_result_is_one_transaction(self, django_assert_num_queries):
        article = Article.objects.create(url="http://example.test/a", ingest_state=IngestState.EXTRACTING)
        fields = {"text": "The text.", "content_hash": "h", "ingest_state": IngestState.DONE, "last_error": ""}
        with django_assert_num_queries(4):  # begin, update, one insert of every candidate, commit
            store.article_store(article.pk, fields, _candidates(article, range(5)))
        assert Candidate.objects.filter(article=article).count() == 5

    def test_the_markers_are_visible_while_the_article_runs(self, server, allow_private, monkeypatch):
        seen = []

        def read_state_elsewhere() -> str:
            # As an editor's page would: another connection, while the task runs.
            try:
                return Article.objects.get(pk=article.pk).ingest_state
            finally:
                connection.close()

        def spy(body, *, url=""):
            with ThreadPoolExecutor(1) as reader:
                seen.append(reader.submit(read_state_elsewhere).result(timeout=10))
            return extract(body, url=url)

        from claims_tracker.ingest import extraction

        extract = extraction.extract
        monkeypatch.setattr(extraction, "extract", spy)
        article, _created = services.article_for_url(url=server.route("/seed", seed_page()), enqueue=False)
        tasks.fetch_article.run(article.pk)
        article.refresh_from_db()
        assert seen == [IngestState.EXTRACTING]
        assert article.ingest_state == IngestState.DONE, article.last_error

    @pytest.mark.parametrize("error", [ValueError("no tree"), RuntimeError("time limit")], ids=["bad-page", "abort"])
    def test_extraction_breaking_fails_the_article_or_leaves_it_for_redelivery(
        self, server, allow_private, monkeypatch, error
    ):
        from claims_tracker.ingest import extraction

        def broken(body, *, url=""):
            raise error

        monkeypatch.setattr(extraction, "extract", broken)
        article, _created = services.article_for_url(url=server.route("/seed", seed_page()), enqueue=False)
        if isinstance(error, ValueError):
            tasks.fetch_article.run(article.pk)
        else:
            with pytest.raises(RuntimeError, match="time limit"):  # a soft time limit, say: the task ends
                tasks.fetch_article.run(article.pk)
        article.refresh_from_db()
        if isinstance(error, ValueError):
            assert article.ingest_state == IngestState.FAILED
            assert article.last_error == "Could not read the page: no tree"
        else:
            # A failed task is acknowledged, not redelivered: the article fails where editors see it.
            assert article.ingest_state == IngestState.FAILED
            assert article.last_error == "Processing stopped on an unexpected error (RuntimeError)."
        assert not Candidate.objects.exists()

    def test_it_stores_what_the_page_says_beside_the_text(self, server, allow_private):
        article, _created = services.article_for_url(
            url=server.route("/seed", _page_with_metadata(server)), enqueue=False
        )
        tasks.fetch_article.run(article.pk)
        stored = Article.objects.values(*ARTICLE_RESULT).get(pk=article.pk)
        assert stored["ingest_state"] == IngestState.DONE and stored["last_error"] == ""
        assert "Soledar" in stored["text"] and stored["content_hash"]
        assert stored["title"] == "Russia claims control of Soledar" and stored["byline"]
        assert stored["language"] == "uk"
        assert stored["published_at"] == datetime(2023, 1, 13, 9, 40, tzinfo=UTC)
        assert stored["claimreview"][0]["claimReviewed"] == "Soledar is taken"
        assert stored["canonical_url"] == server.url("/canonical/soledar")

    def test_a_feeds_own_date_wins_over_the_pages(self, server, allow_private):
        feed_date = datetime(2023, 1, 14, 8, 0, tzinfo=UTC)
        dated, _created = services.article_for_url(
            url=server.route("/dated", _page_with_metadata(server)), published_at=feed_date, enqueue=False
        )
        page = seed_page(marker="This report was updated with the regional figures.")
        undated, _created = services.article_for_url(url=server.route("/undated", page), enqueue=False)
        tasks.fetch_article.run(dated.pk)
        tasks.fetch_article.run(undated.pk)
        dated.refresh_from_db()
        undated.refresh_from_db()
        assert dated.ingest_state == IngestState.DONE and dated.published_at == feed_date
        assert dated.title == "Russia claims control of Soledar" and dated.byline
        assert undated.ingest_state == IngestState.DONE and undated.published_at is None
        assert undated.claimreview is None and undated.language == "en"

    def test_storing_again_changes_nothing(self, server, allow_private):
        article, _created = services.article_for_url(url=server.route("/seed", seed_page()), enqueue=False)
        tasks.fetch_article.run(article.pk)
        article.refresh_from_db()
        count = Candidate.objects.filter(article=article).count()
        # A redelivery that got as far as the store after another delivery finished: nothing is written.
        fields = {"text": "other text", "content_hash": "other", "ingest_state": IngestState.DONE, "last_error": ""}
        assert store.article_store(article.pk, fields, _candidates(article, range(1000, 1005))) == article.pk
        assert Candidate.objects.filter(article=article).count() == count
        assert Article.objects.get(pk=article.pk).text == article.text

    def test_a_twin_is_merged(self, server, allow_private):
        first, _created = services.article_for_url(url=server.route("/a", seed_page()), enqueue=False)
        tasks.fetch_article.run(first.pk)
        count = Candidate.objects.filter(article=first).count()
        second, _created = services.article_for_url(url=server.route("/amp/a", seed_page()), enqueue=False)
        tasks.fetch_article.run(second.pk)
        assert list(Article.objects.values_list("pk", flat=True)) == [first.pk]
        assert ArticleRedirect.objects.get(from_article_id=second.pk).article_id == first.pk
        assert Candidate.objects.count() == count  # the twin's candidates went with its rolled-back result
