from __future__ import annotations

from django.urls import reverse

from claims_tracker.claims import services
from claims_tracker.claims.models import Claimant, Outlet, Story
from claims_tracker.desk import services as desk_services
from tests.factories import ClaimantFactory, OutletFactory, StoryFactory


def _claimant_data(claimant, **overrides):
    data = {
        "name": claimant.name,
        "kind": claimant.kind,
        "role": claimant.role,
        "affiliation": claimant.affiliation_id or "",
        "side": claimant.side,
        "description": claimant.description,
        "aliases": "",
        "version": claimant.version,
    }
    data.update(overrides)
    return data


class TestClaimantPages:
    def test_it_creates_a_claimant_with_aliases_and_affiliation(self, editor_client):
        ministry = ClaimantFactory(name="Russian Defense Ministry")
        data = {
            "name": "Igor Konashenkov",
            "kind": "person",
            "affiliation": ministry.pk,
            "aliases": "Konashenkov\nLt Gen",
        }
        response = editor_client.post(reverse("desk-claimant-create"), data)
        assert response.status_code == 302
        claimant = Claimant.objects.get(name="Igor Konashenkov")
        assert claimant.affiliation == ministry
        assert set(claimant.aliases.values_list("alias", flat=True)) == {"Igor Konashenkov", "Konashenkov", "Lt Gen"}

    def test_it_reshows_an_invalid_claimant(self, editor_client, db):
        response = editor_client.post(reverse("desk-claimant-create"), {"name": "", "kind": "person", "role": "Kept"})
        assert response.status_code == 400
        assert response.context["form"]["role"].value() == "Kept"

    def test_it_edits_a_claimant_and_replaces_its_aliases(self, editor_client, editor):
        claimant = services.claimant_create(name="Hanna Malyar", aliases=["Malyar", "Old alias"])
        data = _claimant_data(claimant, role="Deputy Defense Minister of Ukraine", aliases="Malyar\nHanna Maliar")
        response = editor_client.post(reverse("desk-claimant-edit", args=[claimant.pk]), data)
        assert response.status_code == 302
        claimant.refresh_from_db()
        assert claimant.role == "Deputy Defense Minister of Ukraine"
        aliases = set(claimant.aliases.values_list("alias", flat=True))
        assert aliases == {"Hanna Malyar", "Malyar", "Hanna Maliar"}
        page = editor_client.get(reverse("desk-claimant-edit", args=[claimant.pk])).content.decode()
        assert "Edit history" in page and "Deputy Defense Minister of Ukraine" in page

    def test_it_refuses_an_affiliation_loop_on_the_field(self, editor_client):
        parent = ClaimantFactory()
        child = ClaimantFactory(affiliation=parent)
        response = editor_client.post(
            reverse("desk-claimant-edit", args=[parent.pk]), _claimant_data(parent, affiliation=child.pk)
        )
        assert response.status_code == 400
        assert "cannot belong to itself" in response.context["form"].errors["affiliation"][0]

    def test_it_refuses_a_stale_version(self, editor_client):
        claimant = ClaimantFactory(name="Samuel Ramani")
        opened = claimant.version
        services.claimant_update(claimant_id=claimant.pk, expected_version=opened, role="Oxford analyst")
        response = editor_client.post(
            reverse("desk-claimant-edit", args=[claimant.pk]), _claimant_data(claimant, role="Mine", version=opened)
        )
        assert response.status_code == 409
        claimant.refresh_from_db()
        assert claimant.role == "Oxford analyst"
        html = response.content.decode()
        assert "Oxford analyst" in html and "someone else changed this" in html
        assert response.context["form"]["role"].value() == "Mine"


class TestStoryPages:
    def test_it_creates_a_story(self, editor_client, db):
        data = {"title": "Battle for Soledar", "place": "Soledar", "started_on": "2023-01-01"}
        assert editor_client.post(reverse("desk-story-create"), data).status_code == 302
        assert Story.objects.get().slug == "battle-for-soledar"

    def test_it_refuses_an_end_before_the_start(self, editor_client, db):
        data = {"title": "Kept", "started_on": "2023-01-10", "ended_on": "2023-01-01"}
        response = editor_client.post(reverse("desk-story-create"), data)
        assert response.status_code == 400
        assert response.context["form"].errors["ended_on"]

    def test_it_edits_a_story(self, editor_client):
        story = StoryFactory()
        version = desk_services.stamp(story.updated_at)
        data = {"title": "Battle for Bakhmut", "summary": "", "place": "Bakhmut", "version": version}
        assert editor_client.post(reverse("desk-story-edit", args=[story.pk]), data).status_code == 302
        story.refresh_from_db()
        assert story.title == "Battle for Bakhmut"

    def test_it_refuses_a_stale_story(self, editor_client):
        story = StoryFactory(title="Original")
        opened = desk_services.stamp(story.updated_at)
        desk_services.story_update(story_id=story.pk, expected_version=opened, title="Colleague's title")
        data = {"title": "My title", "version": opened}
        response = editor_client.post(reverse("desk-story-edit", args=[story.pk]), data)
        assert response.status_code == 409
        story.refresh_from_db()
        assert story.title == "Colleague's title"
        assert response.context["stale"]["differences"][0]["saved"] == "Colleague's title"
        assert response.context["form"]["title"].value() == "My title"


class TestOutletPages:
    def test_it_creates_an_outlet(self, editor_client, db):
        data = {"name": "NBC News", "kind": "broadcaster", "homepage": "https://www.nbcnews.com/"}
        assert editor_client.post(reverse("desk-outlet-create"), data).status_code == 302
        assert Outlet.objects.get().slug == "nbc-news"

    def test_it_reshows_an_invalid_outlet(self, editor_client, db):
        response = editor_client.post(reverse("desk-outlet-create"), {"name": "Kept", "kind": "nonsense"})
        assert response.status_code == 400
        assert response.context["form"]["name"].value() == "Kept"

    def test_it_edits_and_refuses_a_stale_outlet(self, editor_client):
        outlet = OutletFactory(name="TASS")
        opened = desk_services.stamp(outlet.updated_at)
        data = {"name": "TASS agency", "kind": "state_media", "country": "Russia", "version": opened}
        assert editor_client.post(reverse("desk-outlet-edit", args=[outlet.pk]), data).status_code == 302
        data["name"] = "Late edit"
        response = editor_client.post(reverse("desk-outlet-edit", args=[outlet.pk]), data)
        assert response.status_code == 409
        outlet.refresh_from_db()
        assert outlet.name == "TASS agency"
