"""The YAML writer: every value reads back exactly, in block and in flow context."""

import datetime as dt

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from hoshin.interchange.yaml_writer import Compact, Flow, FlowList, Label, dump, scalar


@given(st.text())
def test_text_reads_back_in_block(text):
    assert yaml.safe_load(f"value: {scalar(text)}\n") == {"value": text}


@given(st.text())
def test_text_reads_back_in_flow(text):
    assert yaml.safe_load(f"{{value: {scalar(text, flow=True)}}}\n") == {"value": text}


@given(st.text())
def test_text_reads_back_as_literal_or_quoted(text):
    document = {"entries": [{"key": "a", "description": text}], "after": 1}

    assert yaml.safe_load(dump("# header", document)) == document


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_read_back_exactly(number):
    assert yaml.safe_load(f"value: {scalar(number)}\n")["value"] == number


@pytest.mark.parametrize(("text", "written"), [
    ("yes", "'yes'"), ("on", "'on'"), ("No", "'No'"), ("null", "'null'"), ("~", "'~'"), ("%", "'%'"),
    ("2026", "'2026'"), ("2026-03-01", "'2026-03-01'"), ("1e3", "'1e3'"), ("0x1F", "'0x1F'"), (".inf", "'.inf'"),
    ("MWh/t", "MWh/t"), ("t CO2/t", "t CO2/t"), ("Cut energy by 10 %", "Cut energy by 10 %"),
])
def test_misreadable_words_are_quoted(text, written):
    assert scalar(text) == written


@pytest.mark.parametrize(("label", "written"), [
    ("2026", "2026"), ("2026-03-14", "2026-03-14"), ("2026-Q1", "2026-Q1"), ("2026-03", "2026-03"),
    ("0999", "'0999'"), ("2026-02-30", "'2026-02-30'"),
])
def test_labels_unquoted_when_they_read_back(label, written):
    assert scalar(Label(label)) == written


def test_values_of_other_types():
    assert scalar(True) == "true"
    assert scalar(12.0) == "12"
    assert scalar(-0.0) == "0"
    assert scalar(0.45) == "0.45"
    assert scalar(1e20) == "1.0e+20"
    assert scalar(dt.date(2026, 2, 20)) == "2026-02-20"
    assert scalar(dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))) == "2026-03-31T20:30:00Z"


def test_layout():
    document = {
        "version": 1,
        "units": [Compact(key="a", name="A"), Compact(key="b", name="B" * 130)],
        "kpis": [{"key": "k", "thresholds": Flow(green=1, yellow=2), "tags": FlowList(["x", "y"])}],
    }

    assert dump("# Strategy file", document) == f"""\
# Strategy file
version: 1

units:
  - {{key: a, name: A}}
  - key: b
    name: {"B" * 130}

kpis:
  - key: k
    thresholds: {{green: 1, yellow: 2}}
    tags: [x, y]
"""
