"""Where "Start triage" and the nav's "Triage" land (desk-triage-next), issue #18 item 1."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from claims_tracker.ingest.models import Candidate


class TestTriageNext:
    def test_it_starts_at_the_first_candidate_of_the_newest_report(self, editor_client, candidate, unmatched_candidate):
        # One report; whichever candidate was created last, triage starts at the first in the text
        # (offset 0), as the report page's button does.
        for later in (candidate, unmatched_candidate):
            Candidate.objects.filter(pk=later.pk).update(created_at=timezone.now() + timedelta(minutes=1))
            response = editor_client.get(reverse("desk-triage-next"))
            assert response["Location"] == reverse("desk-triage", args=[unmatched_candidate.pk])
