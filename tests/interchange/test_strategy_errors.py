"""Malformed strategy files: every error is located by file, line and path, and nothing is written."""

import pytest

from hoshin.interchange.strategy_file import StrategyFileError, import_strategy

from .conftest import dump_database

pytestmark = pytest.mark.django_db

S1_UNITS = """\
version: 1
organization: {key: s1, name: S1}
units:
  - {key: a, name: A}
  - {key: b, name: B, parent: a}
  - {key: c, name: C, parent: b}
"""


def line_of(text: str, snippet: str) -> int:
    """Return the number of the only line that contains `snippet`."""
    found = [number for number, line in enumerate(text.splitlines(), start=1) if snippet in line]
    assert len(found) == 1, f"{snippet!r} is on lines {found}"
    return found[0]


def rejected(text: str, filename: str = "industry.yaml") -> list[str]:
    """Import `text`, expect it to be rejected with the database unchanged, and return the error lines."""
    before = dump_database()
    with pytest.raises(StrategyFileError) as caught:
        import_strategy(text, filename=filename)
    assert dump_database() == before
    return str(caught.value).splitlines()


@pytest.fixture(params=["empty", "example"])
def existing(request, example_text):
    """The database before the malformed file: empty, or holding the example organization."""
    if request.param == "example":
        import_strategy(example_text, filename="industry.yaml")
    return request.param


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} is not unique in the example"
    return text.replace(old, new)


def test_baseline_equals_target(existing, example_text):
    text = edit(example_text, "target: 0.45", "target: 0.5")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'target: 0.5')}: okrs[0].key_results[0]: baseline equals target (0.5); "
        "a key result needs a target different from its baseline"
    ]


def test_unknown_key_suggests_closest(existing, example_text):
    text = edit(example_text, "    name: Reduce CO2 emissions", "    nmae: Reduce CO2 emissions")

    assert rejected(text) == [
        f'industry.yaml:{line_of(text, "nmae:")}: strategic_objectives[0].nmae: unknown field "nmae"; '
        'did you mean "name"?'
    ]


def test_dangling_perspective(existing, example_text):
    text = edit(example_text, "perspective: sustainability", "perspective: sustainabilty")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'sustainabilty')}: strategic_objectives[0].perspective: no perspective with "
        "key sustainabilty in the file or in the database; did you mean sustainability?"
    ]


def test_dangling_kpi_in_list(existing, example_text):
    text = edit(example_text, "kpis: [co2-per-ton]", "kpis: [co2-per-tonne]")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'co2-per-tonne')}: strategic_objectives[0].kpis[0]: no KPI with key "
        "co2-per-tonne in the file or in the database; did you mean co2-per-ton?"
    ]


def test_dangling_source_and_cycle(existing, example_text):
    text = edit(example_text, "source: {kpi: energy-per-ton}", "source: {kpi: energy-per-tons}")
    text = edit(text, "cycle: 2026-Q1", "cycle: 2026-H1")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'cycle: 2026-H1')}: okrs[0].cycle: no cycle 2026-H1 in the file or in the "
        "database; use a fiscal quarter such as 2026-Q1, a fiscal year such as 2026, or list it under cycles",
        f"industry.yaml:{line_of(text, 'energy-per-tons')}: okrs[0].key_results[0].source.kpi: no KPI with key "
        "energy-per-tons in the file or in the database; did you mean energy-per-ton?",
    ]


def test_duplicate_key(existing, example_text):
    text = edit(example_text, "  - {key: finance, name: Finance, parent: company}\n",
                "  - {key: finance, name: Finance, parent: company}\n  - {key: finance, name: Treasury}\n")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'Treasury')}: units[4]: duplicate key finance; units[3] on line "
        f"{line_of(text, 'name: Finance,')} has the same key"
    ]


def test_wrong_type(existing, example_text):
    text = edit(example_text, "lag_days: 90", "lag_days: ninety")

    assert rejected(text) == [
        f'industry.yaml:{line_of(text, "ninety")}: cause_effect[0].lag_days: expected a whole number, found "ninety"'
    ]


def test_unit_cycle(existing, example_text):
    text = edit(example_text, "  - {key: company, name: Norte Steel}", "  - {key: company, name: Norte Steel, parent: plant-a}")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'parent: plant-a}')}: units[0].parent: unit company cannot be placed under "
        "plant-a because plant-a is inside company (parent chain company → plant-a → operations → company)"
    ]


def test_unit_self_parent(existing, example_text):
    text = edit(example_text, "  - {key: company, name: Norte Steel}", "  - {key: company, name: Norte Steel, parent: company}")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'Norte Steel, parent: company}')}: units[0].parent: unit company cannot be its own parent"
    ]


def test_unit_cycle_against_database():
    import_strategy(S1_UNITS, filename="s1.yaml")
    change = "version: 1\norganization: {key: s1, name: S1}\nunits:\n  - {key: a, name: A, parent: c}\n"

    assert rejected(change, "s1.yaml") == [
        "s1.yaml:4: units[0].parent: unit a cannot be placed under c because c is inside a (parent chain a → c → b → a)"
    ]


def test_link_cycle(existing, example_text):
    text = edit(example_text, "    lag_days: 90\n", "    lag_days: 90\n  - {from: grow-margin, to: reduce-co2}\n")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'from: reduce-co2')}: cause_effect[0]: the link reduce-co2 → grow-margin "
        "closes a cycle on the strategy map (reduce-co2 → grow-margin → reduce-co2)"
    ]


def test_link_cycle_against_database(example_text):
    import_strategy(example_text, filename="industry.yaml")
    change = """\
version: 1
organization: {key: norte-steel, name: Norte Steel, time_zone: America/Sao_Paulo, locale: pt-BR}
cause_effect:
  - {from: grow-margin, to: reduce-co2}
"""

    assert rejected(change, "links.yaml") == [
        "links.yaml:4: cause_effect[0]: the link grow-margin → reduce-co2 closes a cycle on the strategy map "
        "(grow-margin → reduce-co2 → grow-margin)"
    ]


def test_link_to_itself(existing, example_text):
    text = edit(example_text, "    to: grow-margin\n", "    to: reduce-co2\n")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, '    to: reduce-co2')}: cause_effect[0]: strategic objective reduce-co2 "
        "cannot drive itself"
    ]


OKR_PAIR = """\
  - key: child
    name: Child
    unit: plant-a
    cycle: 2026-Q1
    aligned_to: [parent-okr]
  - key: parent-okr
    name: Parent
    unit: plant-a
    cycle: 2026-Q1
    aligned_to: [child]
"""


def test_okr_parent_cycle(existing, example_text):
    text = example_text + OKR_PAIR

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'aligned_to: [parent-okr]')}: okrs[1].aligned_to[0]: OKR objective child "
        "cannot serve parent-okr because parent-okr already serves child (child → parent-okr → child)"
    ]


def test_okr_serving_itself(existing, example_text):
    text = edit(example_text, "aligned_to: [reduce-co2]", "aligned_to: [reduce-co2, plant-a-efficiency]")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'aligned_to:')}: okrs[0].aligned_to[1]: OKR objective plant-a-efficiency "
        "cannot serve itself"
    ]


def test_unknown_time_zone(existing, example_text):
    text = edit(example_text, "time_zone: America/Sao_Paulo", "time_zone: America/Sao_Paolo")

    assert rejected(text) == [
        f'industry.yaml:{line_of(text, "time_zone")}: organization.time_zone: "America/Sao_Paolo" is not an IANA '
        "time zone such as America/Sao_Paulo; did you mean America/Sao_Paulo?"
    ]


@pytest.mark.parametrize("weight", ["0", "-1"])
def test_weight_not_positive(existing, example_text, weight):
    text = edit(example_text, "        weight: 2", f"        weight: {weight}")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, f'weight: {weight}')}: okrs[0].key_results[0].weight: must be a positive "
        f"number, not {weight}; leave the weight out to count as 1"
    ]


def test_weight_zero_in_alignment(existing, example_text):
    text = edit(example_text, "aligned_to: [reduce-co2]", "aligned_to: [{key: reduce-co2, weight: 0}]")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'aligned_to:')}: okrs[0].aligned_to[0].weight: must be a positive number, "
        "not 0; leave the weight out to count as 1"
    ]


def test_check_in_outside_cycle(existing, example_text):
    text = edit(example_text, "measured_on: 2026-03-18", "measured_on: 2026-04-02")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, '2026-04-02')}: okrs[0].key_results[1].check_ins[1].measured_on: 2026-04-02 "
        "is outside the cycle 2026-Q1 (2026-01-01 to 2026-03-31); a check-in must measure a day of its cycle"
    ]


def test_milestone_check_in_with_value(existing, example_text):
    text = edit(example_text, "done: true, confidence: 10", "value: 1, confidence: 10")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'value: 1,')}: okrs[0].key_results[1].check_ins[1].value: a milestone "
        "check-in takes done: true or false, not a value"
    ]


def test_thresholds_against_direction(existing, example_text):
    text = edit(example_text, "thresholds: {green: 12, yellow: 9}", "thresholds: {green: 8, yellow: 9}")

    assert rejected(text) == [
        f"industry.yaml:{line_of(text, 'green: 8')}: kpis[3]: for a higher-is-better KPI the green bound (8) must "
        "be at or above the yellow bound (9)"
    ]


def test_target_range_needs_bands(existing, example_text):
    text = edit(example_text, "direction: higher_is_better", "direction: target_range")

    line = line_of(text, "thresholds: {green: 12")
    assert rejected(text) == [
        f"industry.yaml:{line}: kpis[3].thresholds.green: a target_range KPI takes a band [low, high] here, "
        "not a single number",
        f"industry.yaml:{line}: kpis[3].thresholds.yellow: a target_range KPI takes a band [low, high] here, "
        "not a single number",
    ]


def test_bad_target_period(existing, example_text):
    text = edit(example_text, "- {period: 2026, value: 12}", "- {period: 2026-Q5, value: 12}")

    assert rejected(text) == [
        f'industry.yaml:{line_of(text, "2026-Q5")}: kpis[3].targets[0].period: "2026-Q5" is not a period; write '
        "2026, 2026-Q1, 2026-03, 2026-W11 or 2026-03-14"
    ]


def test_all_errors_sorted_by_line(existing, example_text):
    text = edit(example_text, "lag_days: 90", "lag_days: -5")
    text = edit(text, "time_zone: America/Sao_Paulo", "time_zone: Mars/Olympus")
    text = edit(text, "target: 0.45", "target: 0.5")
    text = edit(text, "  - {key: plant-a, name: Plant A, parent: operations}",
                "  - {key: plant-a, name: Plant A, parent: operation}")

    assert rejected(text) == [
        f'industry.yaml:{line_of(text, "Mars")}: organization.time_zone: "Mars/Olympus" is not an IANA time zone '
        "such as America/Sao_Paulo",
        f"industry.yaml:{line_of(text, 'parent: operation}')}: units[2].parent: no unit with key operation in the "
        "file or in the database; did you mean operations?",
        f"industry.yaml:{line_of(text, 'lag_days: -5')}: cause_effect[0].lag_days: must be at least 0, not -5",
        f"industry.yaml:{line_of(text, 'target: 0.5')}: okrs[0].key_results[0]: baseline equals target (0.5); "
        "a key result needs a target different from its baseline",
    ]


def test_custom_cycle_ending_before_start():
    text = """\
version: 1
organization: {key: c1, name: C1}
cycles:
  - {key: h1, start: 2026-06-30, end: 2026-01-01}
"""

    assert rejected(text, "cycles.yaml") == [
        "cycles.yaml:4: cycles[0].end: the cycle ends (2026-01-01) before it starts (2026-06-30)"
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("", "cycles.yaml:1: the file is empty; a strategy file starts with version: 1 and an organization"),
    ("version: 1\norganization: {key: x, name: [\n", "cycles.yaml:3: invalid YAML: expected the node content, but "
                                                      "found '<stream end>'"),
    ("- just\n- a list\n", "cycles.yaml:1: expected a mapping of fields, found a list"),
    ("version: 2\norganization: {key: x, name: X}\n", "cycles.yaml:1: version: unsupported format version 2; this "
                                                      "version of Hoshin reads version 1"),
    ("version: 1\n", 'cycles.yaml:1: missing required field "organization"'),
    ("version: 1\nversion: 1\norganization: {key: x, name: X}\n",
     'cycles.yaml:2: duplicate field "version" (first given on line 1)'),
    ("version: 1\norganization: {key: x y, name: X}\n",
     'cycles.yaml:2: organization.key: "x y" is not a valid key; use letters, digits, hyphens and underscores'),
    ("version: 1\norganization: {key: x, name: 2026}\n",
     "cycles.yaml:2: organization.name: expected text, found the number 2026; put it in quotes"),
    ("version: 1\norganization: {key: x, name: X}\nunits:\n", "cycles.yaml:3: units: expected a list, found an "
                                                               "empty value; write [] for an empty list"),
])
def test_malformed_document(text, message):
    assert rejected(text, "cycles.yaml") == [message]
