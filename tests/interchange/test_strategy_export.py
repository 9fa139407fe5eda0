"""Exporting strategy files: deterministic text that imports back to the same data."""

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.interchange.strategy_file import export_strategy, import_strategy

from .conftest import dump_database

pytestmark = pytest.mark.django_db


def copy_of(text: str, key: str) -> str:
    """Rename the organization in an exported file, so it imports into a new, empty organization."""
    return text.replace(f"  key: {key}\n", f"  key: {key}-copy\n", 1)


def assert_round_trip(key: str) -> str:
    """Export, import into a fresh organization, export again: the text must be the same."""
    text = export_strategy(key)

    import_strategy(copy_of(text, key), filename="copy.yaml")

    assert export_strategy(f"{key}-copy") == copy_of(text, key)
    return text


def test_example_round_trip(example_path):
    import_strategy(example_path)

    text = assert_round_trip("norte-steel")

    assert text.startswith("# Strategy file (format version 1)\nversion: 1\n")


def test_export_imports_back_unchanged(example_path):
    import_strategy(example_path)
    text = export_strategy("norte-steel")
    before = dump_database()

    result = import_strategy(text, filename="export.yaml")

    assert (result.created, result.updated) == (0, 0)
    assert dump_database() == before


def test_rich_round_trip(rich):
    text = assert_round_trip("rich")

    # The services put each new entry after its siblings, so even the first import of the export changes nothing.
    before = dump_database()
    result = import_strategy(text, filename="rich.yaml")
    assert (result.created, result.updated) == (0, 0)
    assert dump_database() == before
    assert export_strategy("rich") == text


def test_rich_export_text(rich):
    text = export_strategy("rich")

    assert "  - {key: top, name: 'yes'}\n" in text
    assert "  - {key: team, name: 'Team: north, east', parent: top}\n" in text
    assert "  - {key: customer, name: 'on', archived: true}\n" in text
    assert "    description: |\n      First line\n      second line\n" in text
    assert "    unit_of_measure: '%'\n" in text
    assert "    thresholds: {green: [40, 60], yellow: [30, 70]}\n" in text
    assert "    thresholds: {green: 1.0e-07, yellow: 0.30000000000000004}\n" in text
    assert "      - {period: 2026, value: 1234567.125}\n" in text
    assert "      - {period: 2026-W11, value: -3.5}\n" in text
    assert "    description: '2026'\n" in text
    assert "    kpis: [{kpi: cost, weight: 3}, nps]\n" in text
    assert "  - {key: h1, name: First half, start: 2026-04-01, end: 2026-09-30}\n" in text
    assert "    aligned_to: [keep, {key: parent, weight: 0.5}]\n" in text
    assert "        range: {low: 40, high: 60}\n" in text
    assert "        source: {kpi: nps, aggregation: last}\n" in text
    assert "{measured_on: 2026-05-02, value: 48.5, confidence: 0, comment: 'null', entered_at: 2026-05-03T09:30:00Z}" in text
    assert """\
          - measured_on: 2026-05-02
            value: 49
            comment: |-
              Two lines
              here
            entered_at: 2026-05-03T09:30:01.250000Z
""" in text


def test_rich_export_reads_back_as_values(rich):
    data = yaml.safe_load(export_strategy("rich"))

    assert data["organization"] == {
        "key": "rich", "name": "Rich & Co", "time_zone": "Europe/Lisbon", "fiscal_year_start_month": 4,
        "locale": "pt-PT", "week_start": 6, "prorate_by": "months", "visibility": "restricted",
    }
    cost = next(kpi for kpi in data["kpis"] if kpi["key"] == "cost")
    assert cost["thresholds"] == {"green": 1e-07, "yellow": 0.1 + 0.2}
    assert [cycle["key"] for cycle in data.get("cycles", [])] == ["h1"]
    key_results = {result["key"]: result for okr in data["okrs"] for result in okr.get("key_results", [])}
    assert key_results["band"]["owner"] == "ana"
    assert key_results["cut"]["unit_of_measure"] == "k€"


def test_export_query_count_does_not_grow(example_path):
    import_strategy(example_path)
    with CaptureQueriesContext(connection) as small:
        export_strategy("norte-steel")
    more_okrs = "".join(f"""\
  - key: extra-{number}
    name: Extra {number}
    unit: plant-a
    cycle: 2026-Q{number % 4 + 1}
    aligned_to: [reduce-co2]
    key_results:
      - {{key: extra-kr-{number}, name: KR {number}, baseline: 0, target: 10}}
""" for number in range(20))
    import_strategy(example_path.read_text(encoding="utf-8") + more_okrs, filename="industry.yaml")

    with CaptureQueriesContext(connection) as large:
        export_strategy("norte-steel")

    assert len(large.captured_queries) == len(small.captured_queries)

