"""The Soledar demo: the claims of NBC News' report of 13 January 2023, and how they ended.

Claims are in our own neutral words; quotes are the short verbatim passages they rest on. The
article's full text is NBC's and is not copied here: the demo article records outlet, date and a
summary. Everything goes through the services, and a second run creates nothing new.

Over 300 lines because it is data: the demo's claimants, claims, quotes and their history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from claims_tracker.lib.text import normalize_name

from . import services
from .models import (
    Appearance,
    AppearanceMode,
    Article,
    Claim,
    Claimant,
    ClaimantKind,
    EvidenceKind,
    EvidenceStance,
    Outlet,
    OutletKind,
    RelationKind,
    SearchAlias,
    Stance,
    Status,
    Story,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


OUTLETS = [
    {
        "slug": "nbc-news",
        "name": "NBC News",
        "kind": OutletKind.BROADCASTER,
        "country": "United States",
        "homepage": "https://www.nbcnews.com/",
    },
    {
        "slug": "tass",
        "name": "TASS",
        "kind": OutletKind.STATE_MEDIA,
        "country": "Russia",
        "homepage": "https://tass.com/",
    },
    {
        "slug": "ukrainian-military",
        "name": "Ukrainian military (Eastern Group of Forces)",
        "kind": OutletKind.GOVERNMENT,
        "country": "Ukraine",
        "homepage": "",
    },
]

# (slug, name, kind, role, affiliation slug, side, aliases)
CLAIMANTS = [
    (
        "russian-ministry-of-defence",
        "Russian Ministry of Defence",
        ClaimantKind.GOVERNMENT,
        "Defence ministry of the Russian Federation",
        None,
        "Russia",
        [
            "Russia's Defense Ministry",
            "Moscow's Defense Ministry",
            "Russian Defense Ministry",
            "Russian Defence Ministry",
            "Russia's Defence Ministry",
        ],
    ),
    (
        "igor-konashenkov",
        "Igor Konashenkov",
        ClaimantKind.PERSON,
        "Lieutenant General, spokesman of the Russian Defence Ministry",
        "russian-ministry-of-defence",
        "Russia",
        ["Konashenkov", "Lieutenant General Igor Konashenkov", "Lt Gen Igor Konashenkov"],
    ),
    (
        "wagner-group",
        "Wagner Group",
        ClaimantKind.ARMED_GROUP,
        "Russian private military company",
        None,
        "Russia",
        ["Wagner", "Wagner mercenary group", "the Wagner mercenary group"],
    ),
    (
        "yevgeny-prigozhin",
        "Yevgeny Prigozhin",
        ClaimantKind.PERSON,
        "Head of the Wagner Group",
        "wagner-group",
        "Russia",
        ["Prigozhin", "Wagner's boss", "Wagner's chief", "Yevgeny Prigozhin", "Пригожин", "Евгений Пригожин"],
    ),
    (
        "ukrainian-ministry-of-defence",
        "Ministry of Defence of Ukraine",
        ClaimantKind.GOVERNMENT,
        "Defence ministry of Ukraine",
        None,
        "Ukraine",
        ["Ukraine's Defense Ministry", "Ukrainian Defense Ministry", "Ukraine's Ministry of Defence"],
    ),
    (
        "hanna-malyar",
        "Hanna Malyar",
        ClaimantKind.PERSON,
        "Deputy Defence Minister of Ukraine",
        "ukrainian-ministry-of-defence",
        "Ukraine",
        ["Malyar", "Hanna Maliar", "Ukraine's Deputy Defense Minister Hanna Malyar"],
    ),
    (
        "pavlo-kyrylenko",
        "Pavlo Kyrylenko",
        ClaimantKind.PERSON,
        "Head of Ukraine's Donetsk regional military administration",
        None,
        "Ukraine",
        ["Kyrylenko"],
    ),
    (
        "samuel-ramani",
        "Samuel Ramani",
        ClaimantKind.ANALYST,
        "Expert on politics and international relations, University of Oxford",
        None,
        "",
        ["Ramani"],
    ),
    (
        "ukrainian-officials",
        "Ukrainian officials",
        ClaimantKind.GOVERNMENT,
        "Unnamed officials of the Ukrainian government",
        None,
        "Ukraine",
        [],
    ),
    (
        "ukrainian-military",
        "Ukrainian military",
        ClaimantKind.ARMED_FORCE,
        "Armed Forces of Ukraine",
        None,
        "Ukraine",
        ["Armed Forces of Ukraine", "Ukraine's military"],
    ),
]

STORY = {
    "slug": "battle-for-soledar",
    "title": "Battle for Soledar",
    "place": "Soledar, Donetsk region, Ukraine",
    "started_on": date(2023, 1, 10),
    "ended_on": date(2023, 1, 25),
    "summary": (
        "Russian and Ukrainian sides gave conflicting accounts of who held the salt-mining town of "
        "Soledar in January 2023. Wagner's chief claimed it first, Russia's Defence Ministry announced "
        "its capture on 13 January, Ukraine said fighting went on; on 25 January Ukraine's military "
        "said its forces had withdrawn."
    ),
}

# How readers also write the places of the story (services.search_alias_set).
SEARCH_ALIASES = [
    ("Соледар", "Soledar"),
    ("Бахмут", "Bakhmut"),
    ("Artemovsk", "Bakhmut"),
    ("Artyomovsk", "Bakhmut"),
    ("Артемовск", "Bakhmut"),
]

# The reports' addresses ("url"). The seed (shared/seed/soledar-nbc-2023-01-13.txt) gives none, for
# NBC's report or for what it cites (TASS, Malyar's Telegram post, Prigozhin's social media), so none
# is written here: an address goes in only from a source of record, never a guess. One added later
# reaches an existing demo on the next `manage.py load_demo` (an article without one gets it).
ARTICLES = [
    {
        "key": "nbc",
        "outlet": "nbc-news",
        "title": "Russia claims control of Soledar, Ukrainian salt-mining town, after intense fighting",
        "byline": "NBC News",
        "published_at": utc(2023, 1, 13, 9, 40),
        "language": "en",
        "summary": (
            "NBC News reports that Russia's Defence Ministry says Russian forces control Soledar, after "
            "Wagner's chief claimed the town for his fighters alone; Ukraine's deputy defence minister "
            "says battles continue. NBC News has not verified the claims by either party."
        ),
    },
    {
        "key": "withdrawal",
        "outlet": "ukrainian-military",
        "title": "Ukrainian military says its forces withdrew from Soledar",
        "byline": "",
        "published_at": utc(2023, 1, 25, 12, 0),
        "language": "en",
        "summary": (
            "On 25 January 2023 Ukraine's military said its forces had withdrawn from Soledar to "
            "previously prepared positions, conceding the town to Russian forces."
        ),
    },
]


@dataclass
class DemoAppearance:
    speaker: str | None
    stance: str
    quote: str
    verb: str
    mode: str = AppearanceMode.STATEMENT
    is_paraphrase: bool = False
    article: str = "nbc"


@dataclass
class DemoClaim:
    key: str
    claimant: str
    text: str
    claimed_at: datetime
    appearances: list[DemoAppearance] = field(default_factory=list)


CLAIMS = [
    DemoClaim(
        "mod",
        "russian-ministry-of-defence",
        "Russian forces have taken control of the town of Soledar.",
        utc(2023, 1, 13, 6, 0),
        [
            DemoAppearance(
                "russian-ministry-of-defence",
                Stance.ASSERTS,
                "Russia now controls the mining town of Soledar in the Donbas region",
                "said",
                is_paraphrase=True,
            ),
            DemoAppearance(
                "igor-konashenkov",
                Stance.ASSERTS,
                "By the evening of January 12, the liberation of the city of Soledar was completed",
                "said",
                mode=AppearanceMode.BRIEFING,
            ),
            DemoAppearance(
                "hanna-malyar",
                Stance.DISPUTES,
                "the night in Soledar was hot, the battles continued.",
                "wrote",
                mode=AppearanceMode.TELEGRAM,
            ),
            DemoAppearance(
                "ukrainian-officials",
                Stance.DENIES,
                "Ukrainian officials, who have rejected Russian claims of progress in recent days",
                "rejected",
                is_paraphrase=True,
            ),
            DemoAppearance(
                None,
                Stance.REPORTS,
                "NBC News has not verified the claims by either party.",
                "has not verified",
                mode=AppearanceMode.REPORT,
            ),
        ],
    ),
    DemoClaim(
        "prigozhin",
        "yevgeny-prigozhin",
        "Wagner Group fighters alone are in control of Soledar.",
        utc(2023, 1, 11, 0, 0),
        [
            DemoAppearance(
                "yevgeny-prigozhin",
                Stance.ASSERTS,
                "boasted on social media that his forces were in sole charge of the town",
                "boasted",
                mode=AppearanceMode.SOCIAL,
                is_paraphrase=True,
            ),
        ],
    ),
    DemoClaim(
        "malyar",
        "hanna-malyar",
        "Fighting for Soledar was still going on during the night of 12–13 January 2023.",
        utc(2023, 1, 13, 8, 0),
        [
            DemoAppearance(
                "hanna-malyar",
                Stance.ASSERTS,
                "the night in Soledar was hot, the battles continued.",
                "wrote",
                mode=AppearanceMode.TELEGRAM,
            ),
        ],
    ),
    DemoClaim(
        "kyrylenko",
        "pavlo-kyrylenko",
        "Only about 500 residents, most of them elderly, remain in Soledar.",
        utc(2023, 1, 10, 12, 0),
        [
            DemoAppearance(
                "pavlo-kyrylenko",
                Stance.ASSERTS,
                "only 500 people remained in Soledar, most of them elderly",
                "said",
                is_paraphrase=True,
            ),
        ],
    ),
    DemoClaim(
        "tunnels",
        "samuel-ramani",
        "British intelligence found a network of about 200 km of tunnels around Soledar's salt mines.",
        utc(2023, 1, 13, 9, 40),
        [
            DemoAppearance(
                "samuel-ramani",
                Stance.ASSERTS,
                "there is a 200 km (124 mi) network of tunnels in that area, British intelligence has found",
                "said",
                mode=AppearanceMode.INTERVIEW,
            ),
        ],
    ),
    DemoClaim(
        "bakhmut",
        "samuel-ramani",
        "After Soledar, Russia's next step would be to advance on Bakhmut.",
        utc(2023, 1, 13, 9, 40),
        [
            DemoAppearance(
                "samuel-ramani",
                Stance.ASSERTS,
                "The next step would be to advance on Bakhmut",
                "said",
                mode=AppearanceMode.INTERVIEW,
            ),
        ],
    ),
]


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.created.values())


DEMO_DESK_USERNAME = "soledar-demo-desk"


def _demo_desk_user():
    """The desk that logged the demo, so that pages show who set each state. It cannot log in."""
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_DESK_USERNAME, defaults={"first_name": "Demo", "last_name": "desk"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name="reviewer")[0])
    return user


@transaction.atomic
def load_demo() -> DemoResult:
    result = DemoResult()
    desk = _demo_desk_user()
    outlets = {}
    for data in OUTLETS:
        outlets[data["slug"]], created = Outlet.objects.get_or_create(slug=data["slug"], defaults=data)
        if created:
            result.count("outlets")

    claimants: dict[str, Claimant] = {}
    for slug, name, kind, role, affiliation, side, aliases in CLAIMANTS:
        claimant = Claimant.objects.filter(slug=slug).first()
        if claimant is None:
            claimant = services.claimant_create(
                slug=slug,
                name=name,
                kind=kind,
                role=role,
                side=side,
                aliases=aliases,
                affiliation=claimants.get(affiliation) if affiliation else None,
            )
            result.count("claimants")
        claimants[slug] = claimant

    story = Story.objects.filter(slug=STORY["slug"]).first()
    if story is None:
        story = services.story_create(**STORY)
        result.count("stories")

    for alias, means in SEARCH_ALIASES:
        if not SearchAlias.objects.filter(normalized=normalize_name(alias)).exists():
            services.search_alias_set(alias=alias, means=means)
            result.count("search aliases")

    articles: dict[str, Article] = {}
    for data in ARTICLES:
        data = dict(data)
        key, outlet = data.pop("key"), outlets[data.pop("outlet")]
        articles[key], created = Article.objects.get_or_create(
            outlet=outlet, title=data["title"], defaults={**data, "ingest_state": "done"}
        )
        if created:
            result.count("articles")
        elif data.get("url") and not articles[key].url:
            articles[key].url = data["url"]
            articles[key].save(update_fields=["url", "updated_at"])
            result.count("article addresses")

    claims: dict[str, Claim] = {}
    for demo in CLAIMS:
        claimant = claimants[demo.claimant]
        claim = Claim.objects.filter(claimant=claimant, text=demo.text).first()
        if claim is None:
            claim = services.claim_create(
                text=demo.text,
                claimant=claimant,
                claimed_at=demo.claimed_at,
                stories=[story],
                rationale="Logged as claimed. NBC News has not verified the claims by either party.",
            )
            result.count("claims")
        claims[demo.key] = claim
        for app in demo.appearances:
            speaker = claimants[app.speaker] if app.speaker else None
            article = articles[app.article]
            if Appearance.objects.filter(claim=claim, article=article, speaker=speaker, stance=app.stance).exists():
                continue
            services.appearance_add(
                claim=claim,
                article=article,
                speaker=speaker,
                stance=app.stance,
                quote=app.quote,
                is_paraphrase=app.is_paraphrase,
                mode=app.mode,
                verb=app.verb,
            )
            result.count("appearances")

    for a, b, kind in [("mod", "malyar", RelationKind.CONTRADICTS), ("mod", "prigozhin", RelationKind.FOLLOWS_UP)]:
        before = claims[a].relations_out.count()
        services.claim_relate(from_claim=claims[a], to_claim=claims[b], kind=kind, user=desk)
        if claims[a].relations_out.count() > before:
            result.count("relations")

    _load_mod_history(claims["mod"], articles["withdrawal"], result, desk)
    return result


def _load_mod_history(claim: Claim, withdrawal: Article, result: DemoResult, desk) -> None:
    """Disputed the day it was made; confirmed when Ukraine conceded on 25 January 2023."""
    claim.refresh_from_db()
    if claim.status_changes.count() > 1:
        return
    services.claim_change_status(
        claim_id=claim.pk,
        to_status=Status.DISPUTED,
        rationale=(
            "Ukraine's Deputy Defence Minister Hanna Malyar said the battles in Soledar continued; "
            "neither side's account was independently verified."
        ),
        changed_at=utc(2023, 1, 13, 12, 0),
        user=desk,
    )
    evidence = services.evidence_add(
        claim=claim,
        article=withdrawal,
        kind=EvidenceKind.ADMISSION,
        stance=EvidenceStance.SUPPORTS,
        summary="Ukraine's military said on 25 January 2023 that its forces had withdrawn from Soledar.",
        created_at=utc(2023, 1, 25, 12, 30),
        added_by=desk,
    )
    services.claim_change_status(
        claim_id=claim.pk,
        to_status=Status.CONFIRMED,
        rationale=(
            "Conceded by the other side: Ukraine's military said its forces had withdrawn from Soledar, "
            "which confirms that Russian forces took the town."
        ),
        evidence_ids=[evidence.pk],
        changed_at=utc(2023, 1, 25, 13, 0),
        user=desk,
    )
    result.count("status changes")
