"""The message catalogs are complete: every entry translated, none fuzzy, every plural form present, compiled."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import hoshin

PACKAGE_DIR = Path(hoshin.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
# Number of plural forms each catalog must give, from its Plural-Forms header.
PLURAL_FORMS = {"pt_BR": 2, "es": 3, "en": 2}


def load(code):
    with open(LOCALE_DIR / code / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle)


def entries(catalog):
    return [message for message in catalog if message.id]


def is_translated(message) -> bool:
    if isinstance(message.string, tuple):
        return all(message.string)
    return bool(message.string)


@pytest.mark.parametrize("code", PLURAL_FORMS)
def test_catalog_has_no_untranslated_entry(code):
    untranslated = [message.id for message in entries(load(code)) if not is_translated(message)]

    assert untranslated == []


@pytest.mark.parametrize("code", PLURAL_FORMS)
def test_catalog_has_no_fuzzy_entry(code):
    catalog = load(code)
    fuzzy = [message.id for message in entries(catalog) if message.fuzzy]

    assert not catalog.fuzzy
    assert fuzzy == []


@pytest.mark.parametrize("code", PLURAL_FORMS)
def test_catalog_gives_every_plural_form(code):
    catalog = load(code)
    plurals = [message for message in entries(catalog) if message.pluralizable]

    assert catalog.num_plurals == PLURAL_FORMS[code]
    assert plurals
    for message in plurals:
        assert len(message.string) == PLURAL_FORMS[code], message.id
        assert all(message.string), message.id


@pytest.mark.parametrize("code", PLURAL_FORMS)
def test_compiled_catalog_matches_source(code):
    with open(LOCALE_DIR / code / "LC_MESSAGES" / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    for message in entries(load(code)):
        if message.pluralizable:
            assert compiled.ngettext(message.id[0], message.id[1], 1) == message.string[0], message.id
        elif message.context:
            assert compiled.pgettext(message.context, message.id) == message.string, message.id
        else:
            assert compiled.gettext(message.id) == message.string, message.id


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext (xgettext)")
def test_catalogs_cover_every_marked_string(tmp_path):
    source = tmp_path / "hoshin"
    shutil.copytree(PACKAGE_DIR, source, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete", "--no-location"],
        cwd=source, check=True, capture_output=True,
    )
    with open(source / "locale" / "en" / "LC_MESSAGES" / "django.po", "rb") as handle:
        marked = {message.id for message in entries(read_po(handle))}

    for code in PLURAL_FORMS:
        catalogued = {message.id for message in entries(load(code))}
        assert sorted(map(str, marked - catalogued)) == [], code
