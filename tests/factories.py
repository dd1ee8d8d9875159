"""factory_boy factories. Claims are built through the services so that history is consistent."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from claims_tracker.claims import services
from claims_tracker.claims.models import Article, Claim, Claimant, EvidenceStance, Outlet, Story
from claims_tracker.lib.text import content_hash

PASSWORD = "correct horse battery staple 42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@newsroom.test")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    homepage = factory.Sequence(lambda n: f"https://outlet{n}.example/")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    outlet = factory.SubFactory(OutletFactory)
    title = factory.Sequence(lambda n: f"Report number {n}")
    url = factory.Sequence(lambda n: f"https://news.example/report-{n}")
    canonical_url = factory.LazyAttribute(lambda a: a.url)
    text = factory.Sequence(lambda n: f"Report {n}. The ministry said the town was taken.")
    content_hash = factory.LazyAttribute(lambda a: content_hash(a.text))
    published_at = factory.LazyFunction(timezone.now)
    ingest_state = "done"


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    title = factory.Sequence(lambda n: f"Story {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")


class ClaimantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claimant

    name = factory.Sequence(lambda n: f"Claimant {n}")
    slug = factory.Sequence(lambda n: f"claimant-{n}")
    kind = "person"


class ClaimFactory(factory.Factory):
    """Builds through `services.claim_create`, so each claim starts with its first history entry."""

    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"Forces took town number {n}.")
    claimant = factory.SubFactory(ClaimantFactory)
    claimed_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.claim_create(**kwargs)

    _build = _create


def add_evidence(claim: Claim, stance: str = EvidenceStance.SUPPORTS, **kwargs):
    return services.evidence_add(
        claim=claim,
        stance=stance,
        summary=kwargs.pop("summary", "A source that bears on the claim."),
        url=kwargs.pop("url", "https://evidence.example/item"),
        **kwargs,
    )
