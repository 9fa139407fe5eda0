"""Importing strategy files: matching by key, re-imports, history, dry runs and the transaction."""

import pytest

from hoshin.core.errors import ValidationFailed
from hoshin.interchange import apply_okrs
from hoshin.interchange.strategy_file import REASON, StrategyFileError, import_strategy
from hoshin.kpis.models import Kpi, KpiTarget
from hoshin.okrs.models import Alignment, CheckIn, KeyResult, OkrObjective
from hoshin.organizations.models import CauseEffectLink, Cycle, Organization, Perspective, StrategicObjective, Unit

from .conftest import dump_database, history_row_count

pytestmark = pytest.mark.django_db

SMALL = """\
version: 1
organization: {key: small, name: Small, time_zone: UTC}
units:
  - {key: a, name: A}
  - {key: b, name: B, parent: a}
  - {key: c, name: C, parent: b}
perspectives:
  - {key: financial, name: Financial}
strategic_objectives:
  - {key: x, name: X, perspective: financial, unit: a}
  - {key: y, name: Y, perspective: financial, unit: a}
cause_effect:
  - {from: x, to: y}
okrs:
  - {key: parent, name: Parent, unit: a, cycle: 2026-Q1, aligned_to: [x]}
  - {key: child, name: Child, unit: b, cycle: 2026-Q1, aligned_to: [parent]}
"""


def test_example_creates_everything(example_path):
    result = import_strategy(example_path)

    assert result.summary() == "industry.yaml: 25 created, 0 updated, 0 unchanged"
    assert {kind: counts["created"] for kind, counts in result.counts.items() if counts["created"]} == {
        "organization": 1, "unit": 4, "perspective": 5, "strategic_objective": 2, "link": 1, "cycle": 1,
        "kpi": 4, "kpi_target": 2, "okr": 1, "key_result": 2, "check_in": 2,
    }
    organization = Organization.objects.get(key="norte-steel")
    assert organization.time_zone == "America/Sao_Paulo"
    assert organization.locale == "pt-BR"
    assert Unit.objects.get(key="plant-a").parent.key == "operations"
    assert list(Perspective.objects.filter(organization=organization).values_list("key", flat=True)) == [
        "financial", "customer", "internal", "learning", "sustainability"]
    link = CauseEffectLink.objects.get()
    assert (link.cause.key, link.effect.key, link.sign, link.lag_days) == ("reduce-co2", "grow-margin", "positive", 90)
    margin = Kpi.objects.get(key="operating-margin")
    assert (margin.scale_min, margin.scale_max, margin.green, margin.yellow) == (-100, 100, 12, 9)
    assert KpiTarget.objects.get(kpi__key="co2-per-ton").value == 1.7
    cycle = Cycle.objects.get(organization=organization)
    assert (cycle.key, cycle.start.isoformat(), cycle.end.isoformat()) == ("2026-Q1", "2026-01-01", "2026-03-31")
    energy = KeyResult.objects.get(key="energy-per-ton-q1")
    assert (energy.kr_type, energy.baseline, energy.target, energy.weight) == ("decrease", 0.5, 0.45, 2)
    assert energy.source_kpi.key == "energy-per-ton"
    assert list(CheckIn.objects.order_by("measured_on").values_list("done", "confidence")) == [(False, 6), (True, 10)]


def test_source_may_be_path_text_or_file(example_path, example_text):
    assert import_strategy(str(example_path), dry_run=True).filename == "industry.yaml"
    assert import_strategy(example_text, dry_run=True).filename == "<string>"
    with example_path.open(encoding="utf-8") as stream:
        assert import_strategy(stream, dry_run=True).summary() == (
            "industry.yaml: 25 created, 0 updated, 0 unchanged (dry run, nothing written)")
    with pytest.raises(FileNotFoundError):
        import_strategy("missing.yaml")


def test_reimport_changes_nothing(example_path):
    import_strategy(example_path)
    before, history_before = dump_database(), history_row_count()

    result = import_strategy(example_path)

    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == 25
    assert history_row_count() == history_before
    assert dump_database() == before


def test_edited_target_updates_with_history(example_text):
    import_strategy(example_text, filename="industry.yaml")
    history_before = history_row_count()

    result = import_strategy(example_text.replace("target: 0.45", "target: 0.4"), filename="industry.yaml")

    assert result.summary() == "industry.yaml: 0 created, 1 updated, 24 unchanged"
    assert [str(change) for change in result.changes] == ["updated key result energy-per-ton-q1: target"]
    key_result = KeyResult.objects.get(key="energy-per-ton-q1")
    assert key_result.target == 0.4
    assert history_row_count() == history_before + 1
    latest = key_result.history.first()
    assert latest.history_change_reason == REASON
    assert latest.prev_record.target == 0.45


def test_edited_thresholds_and_link(example_text):
    import_strategy(example_text, filename="industry.yaml")
    edited = example_text.replace("{green: 480, yellow: 520}", "{green: 470, yellow: 520}")
    edited = edited.replace("lag_days: 90", "lag_days: 60")

    result = import_strategy(edited, filename="industry.yaml")

    assert [str(change) for change in result.changes] == [
        "updated kpi energy-daily: green", "updated link reduce-co2 → grow-margin: lag_days"]
    assert Kpi.objects.get(key="energy-daily").history.first().history_change_reason == REASON
    assert CauseEffectLink.objects.get().lag_days == 60


def test_dry_run_writes_nothing(example_path):
    before = dump_database()

    result = import_strategy(example_path, dry_run=True)

    assert result.summary() == "industry.yaml: 25 created, 0 updated, 0 unchanged (dry run, nothing written)"
    assert dump_database() == before


def test_dry_run_reports_updates(example_text):
    import_strategy(example_text, filename="industry.yaml")
    before = dump_database()

    result = import_strategy(example_text.replace("Norte Steel}", "Norte Steel S.A.}"), filename="industry.yaml",
                             dry_run=True)

    assert [str(change) for change in result.changes] == ["updated unit company: name"]
    assert dump_database() == before


def test_import_never_deletes(example_text):
    import_strategy(example_text, filename="industry.yaml")
    partial = """\
version: 1
organization: {key: norte-steel, name: Norte Steel, time_zone: America/Sao_Paulo, locale: pt-BR}
okrs:
  - key: finance-q2
    name: Close the books faster
    unit: finance
    cycle: 2026-Q2
    aligned_to: [grow-margin, {key: plant-a-efficiency, weight: 2}]
"""

    result = import_strategy(partial, filename="partial.yaml")

    assert result.summary() == "partial.yaml: 2 created, 0 updated, 1 unchanged"
    assert Unit.objects.count() == 4
    assert Kpi.objects.count() == 4
    assert KeyResult.objects.count() == 2
    assert CheckIn.objects.count() == 2
    assert sorted(Alignment.objects.filter(objective__key="finance-q2").values_list("weight", flat=True)) == [1, 2]


def test_archiving_through_the_file(example_text):
    import_strategy(example_text, filename="industry.yaml")

    result = import_strategy(example_text.replace("{key: finance, name: Finance, parent: company}",
                                                  "{key: finance, name: Finance, parent: company, archived: true}"),
                             filename="industry.yaml")

    assert [str(change) for change in result.changes] == ["updated unit finance: archived"]
    finance = Unit.objects.get(key="finance")
    assert finance.archived
    assert finance.history.first().history_change_reason == REASON


def test_new_archived_entry_is_archived():
    result = import_strategy(SMALL.replace("{key: c, name: C, parent: b}", "{key: c, name: C, parent: b, archived: true}"))

    assert result.counts["unit"]["created"] == 3
    assert Unit.objects.get(key="c").archived


def test_added_check_in_only_adds_one(example_text):
    import_strategy(example_text, filename="industry.yaml")
    extra = "          - {measured_on: 2026-03-25, done: true, confidence: 10, comment: Commissioned.}\n"

    result = import_strategy(example_text + extra, filename="industry.yaml")

    assert result.counts["check_in"] == {"created": 1, "unchanged": 2}
    assert CheckIn.objects.count() == 3


def test_key_result_moves_with_its_check_ins(example_text):
    import_strategy(example_text, filename="industry.yaml")
    milestone = example_text[example_text.index("      - key: heat-recovery-live"):]
    moved = example_text.replace(milestone, "") + f"""\
  - key: plant-a-projects
    name: Deliver the plant projects
    unit: plant-a
    cycle: 2026-Q1
    key_results:
{milestone}"""

    result = import_strategy(moved, filename="industry.yaml")

    assert [str(change) for change in result.changes] == [
        "created okr plant-a-projects", "updated key result heat-recovery-live: objective, position"]
    key_result = KeyResult.objects.get(key="heat-recovery-live")
    assert key_result.objective.key == "plant-a-projects"
    assert key_result.check_ins.count() == 2
    assert key_result.history.first().history_change_reason == REASON


def test_unit_tree_can_be_turned_around():
    import_strategy(SMALL)
    reversed_tree = SMALL.replace("""\
  - {key: a, name: A}
  - {key: b, name: B, parent: a}
  - {key: c, name: C, parent: b}""", """\
  - {key: a, name: A, parent: b}
  - {key: b, name: B, parent: c}
  - {key: c, name: C}""")

    import_strategy(reversed_tree)

    parents = dict(Unit.objects.values_list("key", "parent__key"))
    assert parents == {"a": "b", "b": "c", "c": None}


def test_okr_alignment_can_be_turned_around():
    import_strategy(SMALL)
    swapped = SMALL.replace("aligned_to: [x]}", "aligned_to: [x, child]}").replace("aligned_to: [parent]}", "aligned_to: [x]}")

    import_strategy(swapped)

    assert list(Alignment.objects.filter(parent__isnull=False).values_list("objective__key", "parent__key")) == [
        ("parent", "child")]


def test_link_can_be_reversed_by_archiving():
    import_strategy(SMALL)
    reversed_map = SMALL.replace("  - {from: x, to: y}\n", "  - {from: x, to: y, archived: true}\n  - {from: y, to: x}\n")

    import_strategy(reversed_map)

    links = set(CauseEffectLink.objects.values_list("cause__key", "effect__key", "archived"))
    assert links == {("x", "y", True), ("y", "x", False)}


def test_new_organization_without_perspectives_gets_defaults():
    text = "version: 1\norganization: {key: bare, name: Bare}\n"

    result = import_strategy(text)

    assert result.counts["perspective"]["created"] == 4
    assert Perspective.objects.filter(organization__key="bare").count() == 4


def test_failure_inside_transaction_rolls_back(example_text, monkeypatch):
    before = dump_database()

    def reject_check_in(*args, **kwargs):
        raise ValidationFailed("The check-in store is unavailable.")

    monkeypatch.setattr(apply_okrs.okr_services, "record_check_in", reject_check_in)
    with pytest.raises(StrategyFileError) as caught:
        import_strategy(example_text, filename="industry.yaml")

    line = example_text.splitlines().index(
        "          - {measured_on: 2026-02-20, done: false, confidence: 6, comment: Supplier late by two weeks.}") + 1
    assert str(caught.value) == (
        f"industry.yaml:{line}: okrs[0].key_results[1].check_ins[0]: the check-in store is unavailable")
    assert dump_database() == before


def test_actor_is_recorded_in_history(example_path, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", password="pw-admin-123")

    import_strategy(example_path, actor=admin)

    assert StrategicObjective.objects.get(key="reduce-co2").history.first().history_user == admin


def test_actor_without_rights_changes_nothing(example_text, django_user_model):
    import_strategy(example_text, filename="industry.yaml")
    stranger = django_user_model.objects.create_user("stranger", password="pw-stranger-123")
    before = dump_database()

    with pytest.raises(StrategyFileError) as caught:
        import_strategy(example_text.replace("name: Plant A}", "name: Plant A1}"), filename="industry.yaml",
                        actor=stranger)

    assert str(caught.value).startswith("industry.yaml:")
    assert "may not" in str(caught.value)
    assert dump_database() == before


def test_owner_and_custom_cycle(django_user_model):
    django_user_model.objects.create_user("ana", password="pw-ana-12345")
    text = SMALL + """\
cycles:
  - {key: h1-2026, name: First half 2026, start: 2026-01-01, end: 2026-06-30}
"""
    text = text.replace("{key: child, name: Child, unit: b, cycle: 2026-Q1, aligned_to: [parent]}", """\
key: child
    name: Child
    unit: b
    cycle: h1-2026
    key_results:
      - {key: sales, name: Sales, baseline: 0, target: 10, owner: ana, check_ins: [{measured_on: 2026-05-02, value: 4}]}""")

    result = import_strategy(text)

    key_result = KeyResult.objects.get(key="sales")
    assert key_result.owner.username == "ana"
    assert key_result.objective.cycle.name == "First half 2026"
    assert result.counts["cycle"]["created"] == 2
    assert OkrObjective.objects.get(key="child").cycle.kind == "custom"
