"""The import_strategy and export_strategy commands behind `hoshin import` and `hoshin export`."""

import io

import pytest
from django.core.management import call_command

from hoshin.cli import ALIASES
from hoshin.interchange.strategy_file import export_strategy, import_strategy

from .conftest import dump_database

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    """Run a management command; return its exit code, standard output and standard error."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=stdout, stderr=stderr)
    except SystemExit as exc:
        return exc.code, stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


def test_aliases_name_the_commands():
    assert ALIASES["import"] == "import_strategy"
    assert ALIASES["export"] == "export_strategy"


def test_import_prints_summary(example_path):
    code, stdout, stderr = run("import_strategy", str(example_path))

    assert code == 0
    assert stdout == f"{example_path}: 25 created, 0 updated, 0 unchanged\n"
    assert stderr == ""


def test_import_twice_reports_unchanged(example_path):
    run("import_strategy", str(example_path))

    code, stdout, _stderr = run("import_strategy", str(example_path))

    assert code == 0
    assert stdout == f"{example_path}: 0 created, 0 updated, 25 unchanged\n"


def test_dry_run_lists_changes_and_writes_nothing(example_text, tmp_path):
    import_strategy(example_text, filename="industry.yaml")
    edited = tmp_path / "industry.yaml"
    edited.write_text(example_text.replace("target: 0.45", "target: 0.4"), encoding="utf-8")
    before = dump_database()

    code, stdout, _stderr = run("import_strategy", str(edited), "--dry-run")

    assert code == 0
    assert stdout == (f"{edited}: 0 created, 1 updated, 24 unchanged (dry run, nothing written)\n"
                      "  updated key result energy-per-ton-q1: target\n")
    assert dump_database() == before


def test_import_errors_go_to_stderr(example_text, tmp_path):
    broken = tmp_path / "industry.yaml"
    text = example_text.replace("target: 0.45", "target: 0.5").replace("lag_days: 90", "lag_days: -1")
    broken.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    before = dump_database()

    code, stdout, stderr = run("import_strategy", str(broken))

    assert code == 1
    assert stdout == ""
    assert stderr.splitlines() == [
        f"{broken}:{lines.index('    lag_days: -1') + 1}: cause_effect[0].lag_days: must be at least 0, not -1",
        f"{broken}:{lines.index('        target: 0.5') + 1}: okrs[0].key_results[0]: baseline equals target (0.5); "
        "a key result needs a target different from its baseline",
    ]
    assert dump_database() == before


def test_import_missing_file(tmp_path):
    missing = tmp_path / "missing.yaml"

    code, _stdout, stderr = run("import_strategy", str(missing))

    assert code == 1
    assert stderr == f"{missing}: cannot read the file: No such file or directory\n"


def test_import_file_not_utf8(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("version: 1\norganization: {key: x, name: Organização}\n".encode("latin-1"))

    code, _stdout, stderr = run("import_strategy", str(latin))

    assert code == 1
    assert stderr == f"{latin}:2: the file is not UTF-8 text\n"


def test_export_to_stdout(example_path):
    import_strategy(example_path)

    code, stdout, _stderr = run("export_strategy", "norte-steel")

    assert code == 0
    assert stdout == export_strategy("norte-steel")


def test_export_to_file(example_path, tmp_path):
    import_strategy(example_path)
    output = tmp_path / "out.yaml"

    code, stdout, _stderr = run("export_strategy", "norte-steel", "-o", str(output))

    assert code == 0
    assert stdout == f"{output}: exported norte-steel\n"
    assert output.read_text(encoding="utf-8") == export_strategy("norte-steel")


def test_export_unknown_organization(example_path):
    import_strategy(example_path)

    code, stdout, stderr = run("export_strategy", "norte")

    assert code == 1
    assert stdout == ""
    assert stderr == "no organization with key norte; existing keys: norte-steel\n"
