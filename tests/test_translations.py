"""The Welsh catalogue is complete, current, and compiled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "chorus"
PO = PACKAGE / "locale" / "cy" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_welsh_entry_is_translated_and_none_is_fuzzy() -> None:
    catalogue = polib.pofile(str(PO))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.percent_translated() == 100


def test_placeholders_survive_translation() -> None:
    import re

    pattern = re.compile(r"%\(\w+\)[sd]")
    for entry in polib.pofile(str(PO)).translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(pattern.findall(text)) <= set(pattern.findall(entry.msgid + entry.msgid_plural)), (
                entry.msgid
            )
            assert set(pattern.findall(entry.msgid)) <= set(pattern.findall(text)) or entry.msgid_plural, (
                entry.msgid
            )


def test_the_compiled_catalogue_matches_the_source() -> None:
    compiled = polib.mofile(str(MO))
    source = {e.msgid: e.msgstr for e in polib.pofile(str(PO)).translated_entries() if not e.msgid_plural}
    assert {e.msgid: e.msgstr for e in compiled if not e.msgid_plural and e.msgid} == source


# Skipped only off CI: scripts/test installs GNU gettext, so on CI a missing xgettext fails.
@pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("CI"),
    reason="needs GNU gettext (scripts/test installs it)",
)
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    copy = tmp_path / "chorus"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "cy", "--no-location", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(PACKAGE.parent),
        },
    )
    fresh = {
        e.msgid
        for e in polib.pofile(str(copy / "locale" / "cy" / "LC_MESSAGES" / "django.po"))
        if not e.obsolete
    }
    committed = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert fresh - committed == set(), "run scripts/translations to add these strings to the Welsh catalogue"
