"""One report, however it arrives: pasted twice, pasted then fetched, syndicated on another site, lightly edited.

The variants of the seed below are ours (a dateline and credits as wire copy carries them, a few words changed
as a later edit does); the follow-up report is written for this test and shares two paragraphs with the seed.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest import services
from claims_tracker.ingest.models import ArticleRedirect, Candidate
from claims_tracker.ingest.pipeline import copies
from claims_tracker.lib import neardup
from claims_tracker.lib.text import normalize_for_hash
from tests.ingest.pages import article_page, seed_text
from tests.ingest.server import LocalServer


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def edited(text: str) -> str:
    """A light edit: a few words changed, as an outlet's later version of the same story."""
    return (
        text.replace("heaviest combat", "fiercest fighting", 1)
        .replace("on Friday", "on Friday morning", 1)
        .replace("most of them elderly", "most of them old people", 1)
    )


def wire_page(title: str, text: str) -> str:
    """The report as a syndicating site shows it: its own headline, a dateline, a credit line."""
    body = paragraphs(text)
    body[0] = "SOLEDAR, Ukraine (Wire) — " + body[0]
    return article_page(title, [*body, "Reporting by the Wire's Kyiv bureau; editing by the Wire's desk."])


FOLLOW_UP = [
    "Fighting around the salt-mining town went on into the weekend, local officials said on Saturday, "
    "as both armies moved reinforcements toward Bakhmut along the roads that were still open.",
    "Residents who left in the last convoy described shelling that lasted through the night and said "
    "the water supply had failed days before, leaving those who stayed to melt snow for drinking.",
    "Aid groups in Kramatorsk said they had registered several hundred new arrivals over the week and "
    "were running short of blankets, generators and medicine for the elderly among them.",
    "Military analysts cautioned that neither side's account could be checked independently and that "
    "the town's value lay less in its ruins than in the approaches to Bakhmut it controls.",
]


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def run_on_commit(db, django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def pasted(run_on_commit, db) -> Article:
    article, created = run_on_commit(services.article_submit_text, text=seed_text(), title="Soledar")
    assert created
    article.refresh_from_db()
    assert article.ingest_state == IngestState.DONE and article.minhash and len(article.minhash_bands) == 32
    return article


class TestSignatures:
    def test_a_light_edit_stays_near_and_another_report_does_not(self):
        seed = neardup.signature(seed_text())
        assert neardup.similarity(seed, neardup.signature(edited(seed_text()))) >= neardup.NEAR
        follow_up = "\n".join([*paragraphs(seed_text())[:2], *FOLLOW_UP])
        assert neardup.similarity(seed, neardup.signature(follow_up)) < 0.5

    def test_signatures_and_similarity_are_datasketch_s_own(self):
        """The shared permutations give what fresh MinHash sketches give, and the similarity is theirs: stored
        signatures keep their meaning."""
        from datasketch import MinHash

        texts = [seed_text(), edited(seed_text()), "\n".join([*paragraphs(seed_text())[:2], *FOLLOW_UP])]
        for text in texts:
            words = re.findall(r"\w+", normalize_for_hash(text))
            shingles = {" ".join(words[i : i + neardup.SHINGLE]).encode() for i in range(len(words) - 4)}
            fresh = MinHash(num_perm=neardup.NUM_PERM, scheme=neardup.SCHEME)
            fresh.update_batch(list(shingles))
            assert neardup.signature(text) == [int(v) for v in fresh.hashvalues]
        signatures = [neardup.signature(text) for text in texts]
        for a in signatures:
            for b in signatures:
                sketches = [MinHash(hashvalues=v, scheme=neardup.SCHEME) for v in (a, b)]
                assert neardup.similarity(a, b) == sketches[0].jaccard(sketches[1])
        assert 0 < neardup.similarity(signatures[0], signatures[2]) < neardup.similarity(signatures[0], signatures[1])
        with pytest.raises(ValueError):
            neardup.similarity(signatures[0], signatures[0][:64])

    @pytest.mark.parametrize("text", ["", "   ", "Soledar.", "word " * 40, "«»—…" * 500])
    def test_short_or_wordless_text_has_no_signature(self, text):
        assert neardup.signature(text) is None  # too short to call anything a copy of it

    def test_repeated_words_are_one_shingle(self):
        # 5000 words but one distinct five-word shingle: nothing to compare.
        assert neardup.signature("Soledar " * 5000) is None


class TestPasted:
    def test_the_same_text_pasted_again_is_the_same_report(self, pasted, run_on_commit):
        again, created = run_on_commit(services.article_submit_text, text=seed_text() + "\n\n")
        assert (again.pk, created) == (pasted.pk, False)

    def test_a_lightly_edited_paste_is_the_same_report(self, pasted, run_on_commit):
        count = Candidate.objects.count()
        again, created = run_on_commit(services.article_submit_text, text=edited(seed_text()))
        assert (again.pk, created) == (pasted.pk, False)
        assert Article.objects.count() == 1 and Candidate.objects.count() == count

    def test_another_report_sharing_two_paragraphs_is_new(self, pasted, run_on_commit):
        follow_up = "\n".join([*paragraphs(seed_text())[:2], *FOLLOW_UP])
        other, created = run_on_commit(services.article_submit_text, text=follow_up)
        assert created and other.pk != pasted.pk and other.copy_of is None


class TestPastedThenFetched:
    @pytest.mark.parametrize("variant", [lambda t: t, edited], ids=["same", "edited"])
    def test_the_fetched_page_joins_the_pasted_report(
        self, pasted, server: LocalServer, allow_private, run_on_commit, variant
    ):
        count = Candidate.objects.filter(article=pasted).count()
        url = server.route("/world/soledar", article_page("Russia claims Soledar", paragraphs(variant(seed_text()))))
        fetched, created = run_on_commit(services.article_submit_url, url=url)
        assert created
        assert list(Article.objects.values_list("pk", flat=True)) == [pasted.pk]  # one report
        assert ArticleRedirect.objects.get(from_article_id=fetched.pk).article_id == pasted.pk
        pasted.refresh_from_db()
        assert pasted.url == url and pasted.canonical_url  # the pasted report now has its address
        assert pasted.text == seed_text()  # offsets of its candidates still point into it
        assert Candidate.objects.count() == count  # the triage queue holds each statement once
        # The address again: the same report, said so at once.
        again, created = run_on_commit(services.article_submit_url, url=url)
        assert (again.pk, created) == (pasted.pk, False)


class TestSyndicated:
    def test_a_wire_copy_on_another_site_is_linked_and_triaged_once(
        self, server: LocalServer, allow_private, run_on_commit
    ):
        first_url = server.route("/a/soledar", article_page("Russia claims Soledar", paragraphs(seed_text())))
        first, _ = run_on_commit(services.article_submit_url, url=first_url)
        first.refresh_from_db()
        count = Candidate.objects.filter(article=first).count()
        assert count >= 8
        copy_url = server.route("/wire/123", wire_page("Moscow says its forces took Soledar", edited(seed_text())))
        copy, created = run_on_commit(services.article_submit_url, url=copy_url)
        copy.refresh_from_db()
        assert created and copy.copy_of_id == first.pk and copy.ingest_state == IngestState.DONE
        assert not Candidate.objects.filter(article=copy).exists()
        assert Candidate.objects.count() == count
        # A copy of the copy links to the first report, not to the copy.
        third, _ = run_on_commit(
            services.article_submit_url, url=server.route("/m/123", wire_page("Soledar", seed_text()))
        )
        third.refresh_from_db()
        assert third.copy_of_id == first.pk

    def test_another_report_on_the_same_story_is_not_a_copy(self, server: LocalServer, allow_private, run_on_commit):
        first, _ = run_on_commit(
            services.article_submit_url, url=server.route("/a", article_page("Soledar", paragraphs(seed_text())))
        )
        follow_up = article_page("Fighting goes on", [*paragraphs(seed_text())[:2], *FOLLOW_UP])
        other, _ = run_on_commit(services.article_submit_url, url=server.route("/b", follow_up))
        other.refresh_from_db()
        assert other.copy_of_id is None and other.ingest_state == IngestState.DONE

    def test_the_lookup_is_one_query(self, pasted, django_assert_num_queries):
        fields = copies.copy_fields(edited(seed_text()))
        with django_assert_num_queries(1):
            assert copies.article_original(fields).pk == pasted.pk


class TestDesk:
    def test_a_second_paste_says_already_added_with_a_link(self, editor_client, pasted):
        response = editor_client.post(reverse("desk-report-add"), {"t-text": seed_text()}, follow=True)
        html = response.content.decode()
        link = reverse("desk-report", args=[pasted.pk])
        assert f'Already added as <a href="{link}">report #{pasted.pk}</a>' in html
        assert "Report added" not in html

    def test_the_same_url_again_says_already_added(
        self, editor_client, server: LocalServer, allow_private, django_capture_on_commit_callbacks
    ):
        url = server.route("/a", article_page("Soledar", paragraphs(seed_text())))
        with django_capture_on_commit_callbacks(execute=True):
            first = editor_client.post(reverse("desk-report-add"), {"u-url": url}, follow=True)
        assert "Report queued for fetching" in first.content.decode()
        second = editor_client.post(reverse("desk-report-add"), {"u-url": url}, follow=True).content.decode()
        assert "Already added as" in second and "Report queued" not in second

    def test_a_copy_page_links_to_its_report(self, editor_client, server: LocalServer, allow_private, run_on_commit):
        first, _ = run_on_commit(
            services.article_submit_url, url=server.route("/a", article_page("Soledar", paragraphs(seed_text())))
        )
        copy, _ = run_on_commit(services.article_submit_url, url=server.route("/w", wire_page("Soledar", seed_text())))
        html = editor_client.get(reverse("desk-report", args=[copy.pk])).content.decode()
        assert f'A copy of <a href="{reverse("desk-report", args=[first.pk])}">report #{first.pk}</a>' in html
        html = editor_client.get(reverse("desk-report", args=[first.pk])).content.decode()
        assert f'Also published as: <a href="{reverse("desk-report", args=[copy.pk])}">' in html
