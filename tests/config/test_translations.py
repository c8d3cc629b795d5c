"""French is the default language: every interface string has a French translation, and the
committed .mo catalogue is compiled from the committed .po file."""

from pathlib import Path

import polib
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUES = [LOCALE / "fr" / "LC_MESSAGES" / "django.po", *sorted(LOCALE.glob("topics/*/fr/LC_MESSAGES/django.po"))]


def entries():
    return [entry for po in CATALOGUES for entry in polib.pofile(str(po)) if not entry.obsolete]


def test_every_interface_string_has_a_french_translation():
    untranslated = [e.msgid for e in entries() if not e.translated()]
    assert untranslated == []


def _translated(entry):
    if entry.msgctxt:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return translation.gettext(entry.msgid)


def test_the_compiled_catalogue_matches_the_po_file():
    with translation.override("fr"):
        stale = [e.msgid for e in entries() if not e.msgid_plural and _translated(e) != e.msgstr]
    assert stale == []
