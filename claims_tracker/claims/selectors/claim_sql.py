"""Claim rows read by written-out SQL, for the reader pages that run on every request.

The ORM compiles a query afresh on every call; for the claim page and the claims list that took
several times as long as PostgreSQL took to answer (ArraySubquery/JSONObject annotations,
select_related joins, correlated subqueries). These pages' queries are SQL strings built once, at
import, with their column lists taken from the models' _meta, and their rows turned into model
instances with Model.from_db, as the ORM does: a field not read stays deferred, so reading it later
costs a query, which the pages' query-count tests catch.

`CLAIM_JOINS` is what `claim_list()` joins (the claim without its search columns, its claimant,
the claimant's affiliation, who set its state), under the aliases c, p, af and u of `CLAIM_FROM`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Field, Model

from ..models import Claim, Claimant

User = get_user_model()


@dataclass(frozen=True)
class Joined:
    """One model's columns in a written-out query: `alias."column"`, in the model's field order."""

    model: type[Model]
    alias: str
    fields: tuple[Field, ...]

    @classmethod
    def of(cls, model: type[Model], alias: str, *, only: Sequence[str] = (), skip: Sequence[str] = ()) -> Joined:
        fields = [f for f in model._meta.concrete_fields if (not only or f.attname in only) and f.attname not in skip]
        return cls(model, alias, tuple(fields))

    @property
    def sql(self) -> str:
        return ", ".join(f'{self.alias}."{f.column}"' for f in self.fields)

    def load(self, values: Sequence) -> Model | None:
        """The instance (None when the row has none: a LEFT JOIN that found nothing)."""
        if values[0] is None:  # the first field is the primary key
            return None
        return self.model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in self.fields], values)


def load_row(row: Sequence, joined: Sequence[Joined]) -> tuple[list[Model | None], Sequence]:
    """Split `row` into the instances of `joined`, in order, and the columns after them."""
    instances = []
    at = 0
    for part in joined:
        instances.append(part.load(row[at : at + len(part.fields)]))
        at += len(part.fields)
    return instances, row[at:]


SEARCH_COLUMNS = ("search_vector", "search_document")  # never shown; the widest columns of a claim
CLAIM_JOINS = (
    Joined.of(Claim, "c", skip=SEARCH_COLUMNS),
    Joined.of(Claimant, "p"),
    Joined.of(Claimant, "af"),
    # The page shows who set the state by name: the user's other fields stay unread.
    Joined.of(User, "u", only=("id", "username", "first_name", "last_name")),
)
CLAIM_FROM = """claims_claim c JOIN claims_claimant p ON p.id = c.claimant_id
LEFT JOIN claims_claimant af ON af.id = p.affiliation_id
LEFT JOIN auth_user u ON u.id = c.status_changed_by_id"""


def load_claim(row: Sequence, joined: Sequence[Joined] = CLAIM_JOINS) -> tuple[Claim, list[Model | None], Sequence]:
    """The claim of a row that starts with `CLAIM_JOINS`, its claimant, affiliation and whoever set
    its state attached as select_related() attaches them; the instances of any further `joined`
    parts, and the columns after them."""
    (claim, claimant, affiliation, changed_by, *more), rest = load_row(row, joined)
    if affiliation is not None:
        claimant.affiliation = affiliation
    claim.claimant = claimant
    if changed_by is not None:
        claim.status_changed_by = changed_by
    return claim, more, rest


# A list row's facts (selectors.lists): how many outlets reported the claim, and whether another
# party disputes it (a denying or disputing appearance, or a claim that contradicts it). The same
# definitions as lists._outlet_count_expression and lists._disputed_expression; a test holds them
# equal. Takes two parameters: the disputing stances (a list) and the contradicting relation kind.
ROW_FACTS_SQL = """
  coalesce((SELECT count(DISTINCT r.outlet_id) FROM claims_appearance a JOIN claims_article r ON r.id = a.article_id
             WHERE a.claim_id = c.id AND r.outlet_id IS NOT NULL), 0),
  EXISTS (SELECT 1 FROM claims_appearance a WHERE a.claim_id = c.id AND a.stance = ANY(%s))
    OR EXISTS (SELECT 1 FROM claims_claimrelation cr
                WHERE (cr.from_claim_id = c.id OR cr.to_claim_id = c.id) AND cr.kind = %s)"""
