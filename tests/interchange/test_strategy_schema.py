"""The published JSON Schema: generated from the format, and every strategy file we ship or export fits it."""

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from hoshin.demo.strategies import PUBLIC_DATA, SIMULATED, render_strategy
from hoshin.interchange.format import json_schema, json_schema_text
from hoshin.interchange.strategy_file import export_strategy, import_strategy

SCHEMA_PATH = Path(__file__).parents[2] / "docs/strategy-file.schema.json"
DEMO_FILES = SIMULATED + (PUBLIC_DATA,)


def as_json(value):
    """Turn what YAML reads (dates and timestamps included) into the JSON values the schema describes."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_errors(text: str) -> list[str]:
    validator = Draft202012Validator(json_schema(), format_checker=FormatChecker())
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(as_json(yaml.safe_load(text)))]


def test_published_schema_is_current():
    # Regenerate with: python -m hoshin.interchange.format > docs/strategy-file.schema.json
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema_text()


def test_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def test_example_fits_schema(example_text):
    assert schema_errors(example_text) == []


def test_schema_rejects_unknown_field(example_text):
    errors = schema_errors(example_text.replace("    name: Reduce CO2 emissions", "    nmae: Reduce CO2 emissions"))

    assert any("'nmae' was unexpected" in error for error in errors)


@pytest.mark.django_db
@pytest.mark.parametrize("name", DEMO_FILES)
def test_demo_files_and_their_exports_fit_schema(name):
    rendered = render_strategy(name, dt.date(2026, 5, 10))
    import_strategy(rendered.text, filename=f"{name}.yaml")

    exported = export_strategy(rendered.data["organization"]["key"])

    assert schema_errors(rendered.text) == []
    assert schema_errors(exported) == []


@pytest.mark.django_db
def test_example_export_fits_schema(example_path):
    import_strategy(example_path)

    assert schema_errors(export_strategy("norte-steel")) == []


@pytest.mark.django_db
def test_rich_export_fits_schema(rich):
    assert schema_errors(export_strategy("rich")) == []


@pytest.mark.django_db
def test_documented_example_imports():
    guide = (Path(__file__).parents[2] / "docs/strategy-file.md").read_text(encoding="utf-8")
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]

    result = import_strategy(example, filename="guide.yaml")

    assert result.summary() == "guide.yaml: 14 created, 0 updated, 0 unchanged"
    assert schema_errors(example) == []
