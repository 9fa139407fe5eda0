"""The outcome of an import: entries created, updated or left unchanged."""

from collections import Counter
from dataclasses import dataclass, field

KINDS = (
    "organization", "unit", "perspective", "strategic_objective", "link", "cycle", "kpi", "kpi_target",
    "okr", "key_result", "check_in",
)
ACTIONS = ("created", "updated", "unchanged")


@dataclass(frozen=True)
class Change:
    """One entry that an import created or updated; `fields` lists the changed fields of an update."""

    kind: str
    key: str
    action: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.action} {self.kind.replace('_', ' ')} {self.key}"
        return f"{text}: {', '.join(self.fields)}" if self.fields else text


@dataclass
class ImportResult:
    """Counts by kind of entry (`counts[kind][action]`) and the list of changes, in the order they were made.

    After a dry run the counts describe what an import would do, and nothing is written.
    """

    filename: str
    organization: str
    dry_run: bool = False
    counts: dict[str, Counter] = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    changes: list[Change] = field(default_factory=list)

    def record(self, kind: str, key: str, action: str, fields=()) -> None:
        self.counts[kind][action] += 1
        if action != "unchanged":
            self.changes.append(Change(kind, key, action, tuple(fields)))

    def total(self, action: str) -> int:
        return sum(counter[action] for counter in self.counts.values())

    @property
    def created(self) -> int:
        return self.total("created")

    @property
    def updated(self) -> int:
        return self.total("updated")

    @property
    def unchanged(self) -> int:
        return self.total("unchanged")

    def summary(self) -> str:
        """Return one line such as ``industry.yaml: 25 created, 0 updated, 0 unchanged``."""
        line = f"{self.filename}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return f"{line} (dry run, nothing written)" if self.dry_run else line
