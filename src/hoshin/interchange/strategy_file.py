"""Strategy as code: import and export of strategy files (YAML, format version 1).

    >>> result = import_strategy(Path("industry.yaml"))
    >>> result.summary()
    'industry.yaml: 25 created, 0 updated, 0 unchanged'
    >>> text = export_strategy(result.organization)

An import checks the whole file first and raises `StrategyFileError` with
every error it found (file, line, path and message, sorted by line)
before it writes anything. Then it writes the file in one transaction
through the services, matching every entry by its key: an unchanged file
changes nothing and writes no history, an edited file updates what
changed with the reason "strategy file import". An import never deletes
anything. The format is described in docs/strategy-file.md.
"""

import logging

from django.db import transaction

from hoshin.interchange.apply import REASON, Writer
from hoshin.interchange.errors import ErrorReport, LocatedError, StrategyFileError
from hoshin.interchange.export import export_strategy
from hoshin.interchange.fields import INVALID, Place
from hoshin.interchange.format import DOCUMENT
from hoshin.interchange.result import ImportResult
from hoshin.interchange.snapshot import read_snapshot
from hoshin.interchange.source import load_yaml, read_source
from hoshin.interchange.validation import validate

__all__ = [
    "REASON",
    "ImportResult",
    "LocatedError",
    "StrategyFileError",
    "export_strategy",
    "import_strategy",
]

logger = logging.getLogger(__name__)


def import_strategy(source, *, actor=None, filename: str | None = None, dry_run: bool = False) -> ImportResult:
    """Import a strategy file and return what was created, updated and left unchanged.

    `source` is a path (`pathlib.Path`, or a string naming an existing
    file), a file object, or the YAML text. `filename` is the name shown in
    messages; by default the file's name. `actor` is the user the services
    authorize and record in the history (None for the command line). With
    `dry_run` the changes are made in a transaction that is rolled back,
    so the result reports what an import would do and nothing is written.
    """
    text, name = read_source(source, filename)
    report = ErrorReport(name)
    raw = load_yaml(text, report)
    if raw is None:
        if not report.errors:
            report.add(1, "", "the file is empty; a strategy file starts with version: 1 and an organization")
        report.raise_if_any()
    document = DOCUMENT.read(raw, Place(report, "", getattr(raw, "line", 1)))
    if document is INVALID:
        report.raise_if_any()

    organization = document["organization"]
    organization_key = organization["key"] if organization is not INVALID else INVALID
    # Reading the database inside the transaction keeps the checks true for the writes that follow.
    with transaction.atomic():
        snapshot = read_snapshot(organization_key) if organization_key is not INVALID else read_snapshot("")
        plan = validate(document, snapshot, report)
        report.raise_if_any()
        result = ImportResult(name, organization_key, dry_run=dry_run)
        Writer(plan, result, actor=actor, filename=name).run()
        if dry_run:
            transaction.set_rollback(True)

    logger.info("Import of %s into %s%s: %d created, %d updated, %d unchanged", name, organization_key,
                " (dry run)" if dry_run else "", result.created, result.updated, result.unchanged)
    return result
