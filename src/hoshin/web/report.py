"""Scores for pages: one scoring report per request, indexed by kind and key.

Every score, status, progress and KPI value on a page comes from
`hoshin.scoring.service.score_organization`, through its cache. The cache
serves a stored report until the organization's data changes, and pages
only look items up.
An object the report does not list reads as no data.
"""

from dataclasses import dataclass, field

from hoshin.scoring.cache import cached_score_document

# Perspectives are keyed "unit/perspective" and scorecards by unit key, because every unit that owns
# strategic objectives has its own scorecard.
KINDS = ("scorecards", "perspectives", "strategic_objectives", "okr_objectives", "key_results", "kpis")


def empty_item(key: str) -> dict:
    return {"key": key, "score": None, "status": "no_data", "children_with_data": 0, "children": 0}


@dataclass
class ScoreIndex:
    """The scoring report's JSON document, with each kind's items indexed by key."""

    data: dict
    index: dict = field(init=False)

    def __post_init__(self):
        self.index = {kind: {item["key"]: item for item in self.data.get(kind) or []} for kind in KINDS}

    def item(self, kind: str, key: str) -> dict:
        """Return the report's item of `kind` with `key`, or a no-data item when it is not scored."""
        return self.index[kind].get(key) or empty_item(key)


def score_report(organization, as_of=None) -> ScoreIndex:
    return ScoreIndex(cached_score_document(organization, as_of))
