"""The desk home and list pages: content, empty states, and a fixed number of queries."""

from __future__ import annotations

from django.urls import reverse

from claims_tracker.claims import services
from claims_tracker.ingest.models import Candidate, Feed
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, OutletFactory, StoryFactory


def _fill(n: int, colleague) -> None:
    start = Feed.objects.count()
    for i in range(start, start + n):
        article = ArticleFactory()
        for j in range(3):
            Candidate.objects.create(
                article=article, sentence=f"Sentence {i}-{j}", speaker_text="Someone", start_offset=j, end_offset=j + 1
            )
        claim = ClaimFactory(created_by=colleague)
        services.claim_change_status(claim_id=claim.pk, to_status="disputed", rationale="Contested", user=colleague)
        StoryFactory()
        OutletFactory()
        Feed.objects.create(url=f"https://feeds.example/{i}.xml", consecutive_failures=2, last_error="HTTP 500")


class TestDeskHome:
    def test_it_shows_empty_states(self, editor_client, db):
        html = editor_client.get(reverse("desk-home")).content.decode()
        assert "Nothing to triage" in html and "No open claims" in html and "All feeds are healthy" in html

    def test_it_shows_the_queue_awaiting_claims_activity_and_failing_feeds(self, editor_client, colleague, candidate):
        old = ClaimFactory(text="Oldest open claim")
        services.claim_change_status(claim_id=old.pk, to_status="disputed", rationale="Contested", user=colleague)
        Feed.objects.create(url="https://feeds.example/broken.xml", title="Broken feed", consecutive_failures=3)
        response = editor_client.get(reverse("desk-home"))
        html = response.content.decode()
        assert candidate.article.title in html
        assert "Oldest open claim" in html
        assert "colleague" in html and "changed the state of" in html
        assert "Broken feed" in html and "3 failures" in html
        assert response.context["awaiting"][0] == old

    def test_it_orders_awaiting_claims_oldest_first(self, editor_client, db):
        first, second = ClaimFactory(), ClaimFactory()
        assert [c.pk for c in editor_client.get(reverse("desk-home")).context["awaiting"]] == [first.pk, second.pk]

    def test_it_runs_a_fixed_number_of_queries(self, editor_client, colleague, django_assert_max_num_queries):
        # The triage queue: the newest untriaged candidates' articles, their counts, the articles, their candidates;
        # the groups of candidates and their members.
        _fill(2, colleague)
        with django_assert_max_num_queries(16):
            editor_client.get(reverse("desk-home"))
        _fill(8, colleague)
        with django_assert_max_num_queries(16):
            editor_client.get(reverse("desk-home"))


class TestListPages:
    def test_lists_run_a_fixed_number_of_queries(self, editor_client, colleague, django_assert_max_num_queries):
        _fill(12, colleague)
        for claimant in ClaimantFactory.create_batch(3):
            claimant.affiliation = ClaimantFactory()
            claimant.save()
        for name in ("desk-claim-list", "desk-claimant-list", "desk-story-list", "desk-outlet-list"):
            # The claim list: 6, its rows' outlet counts and dispute flags, and its claims' assignees.
            with django_assert_max_num_queries(8):
                response = editor_client.get(reverse(name))
            assert response.status_code == 200, name

    def test_lists_count_each_rows_claims_and_reports(self, editor_client, db):
        busy = ClaimantFactory(name="Busy")
        ClaimantFactory(name="Quiet")
        story = StoryFactory()
        for _ in range(3):
            claim = ClaimFactory(claimant=busy)
            claim.stories.add(story)
        article = ArticleFactory()
        claimants = {
            c.name: c.claim_count for c in editor_client.get(reverse("desk-claimant-list")).context["claimants"]
        }
        assert claimants["Busy"] == 3 and claimants["Quiet"] == 0
        stories = editor_client.get(reverse("desk-story-list")).context["stories"]
        assert [s.claim_count for s in stories if s.pk == story.pk] == [3]
        outlets = editor_client.get(reverse("desk-outlet-list")).context["outlets"]
        assert [o.article_count for o in outlets if o.pk == article.outlet_id] == [1]
        claims = editor_client.get(reverse("desk-claim-list")).context["claims"]
        assert {c.outlet_count for c in claims} == {0} and len(claims) == 3

    def test_big_counts_read_as_more_than_the_cap(self, editor_client, db, monkeypatch):
        from claims_tracker.desk import selectors

        monkeypatch.setattr(selectors, "COUNT_CAP", 2)
        busy = ClaimantFactory(name="Busy")
        for _ in range(3):
            ClaimFactory(claimant=busy)
        response = editor_client.get(reverse("desk-claimant-list"))
        row = next(c for c in response.context["claimants"] if c.pk == busy.pk)
        assert (row.claim_count, row.claim_count_more) == (2, True)
        assert '<td class="num">2+</td>' in response.content.decode()

    def test_the_claim_list_searches(self, editor_client, db):
        ClaimFactory(text="Russian forces control Soledar")
        ClaimFactory(text="Wheat exports rose")
        response = editor_client.get(reverse("desk-claim-list"), {"q": "Soledar"})
        assert [c.text for c in response.context["claims"]] == ["Russian forces control Soledar"]

    def test_the_claim_list_has_an_empty_state(self, editor_client, db):
        assert "No claims yet" in editor_client.get(reverse("desk-claim-list")).content.decode()

    def test_the_report_page_runs_a_fixed_number_of_queries(
        self, editor_client, candidate, django_assert_max_num_queries
    ):
        for j in range(10):
            Candidate.objects.create(
                article=candidate.article,
                sentence=f"S{j}",
                claimant=ClaimantFactory(),
                start_offset=100 + j,
                end_offset=101 + j,
            )
        # Session, user, its second factor, its groups; the article, its copies, the counts by state, its
        # outlet, the fact-checks found, the candidates; the nav's team counts (My work, unread).
        with django_assert_max_num_queries(11):
            response = editor_client.get(reverse("desk-report", args=[candidate.article_id]))
        assert response.status_code == 200

    def test_the_triage_page_runs_a_fixed_number_of_queries(
        self, editor_client, candidate, django_assert_max_num_queries
    ):
        for _ in range(6):
            ClaimFactory(text="Russia controls the town of Soledar")
        with django_assert_max_num_queries(13):  # 12, and the nav's team counts (My work, unread)
            response = editor_client.get(reverse("desk-triage", args=[candidate.pk]))
        assert len(response.context["suggestions"]) == 6
