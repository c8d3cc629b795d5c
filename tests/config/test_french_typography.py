"""French typography in the compiled catalogues: a no-break space before ``:`` and a narrow
no-break space before ``;``, ``!`` and ``?`` (issue 13), and one word for the review's findings."""

import gettext
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
COMPILED = [LOCALE / "fr" / "LC_MESSAGES" / "django.mo", *sorted(LOCALE.glob("topics/*/fr/LC_MESSAGES/django.mo"))]

# A colon (or ; ! ?) glued to the word before it and followed by a space or the end of the string.
GLUED = re.compile(r"\S[:;!?](?=\s|$)")
# A breakable space before it: the punctuation may start a line on its own.
BREAKABLE = re.compile(r" [:;!?](?=\s|$)")
# Colons that are not French punctuation: a URL scheme, a time, a CSS/HTML entity.
ALLOWED = [
    re.compile(r"\b[a-z][a-z0-9+.-]*://"),
    re.compile(r"\bmailto:"),
    re.compile(r"\b\d{1,2}:\d\d\b"),
    re.compile(r"&[a-z]+;|&#\d+;"),
]


def _messages():
    for path in COMPILED:
        catalogue = gettext.GNUTranslations(path.open("rb"))._catalog
        for key, text in catalogue.items():
            msgid = key[0] if isinstance(key, tuple) else key
            if msgid == "":  # the header (Content-Type: …, plural=…;)
                continue
            yield path.relative_to(LOCALE), msgid, text


def _problems(pattern):
    found = []
    for path, msgid, text in _messages():
        cleaned = text
        for allowed in ALLOWED:
            cleaned = allowed.sub("", cleaned)
        if pattern.search(cleaned):
            found.append(f"{path}: {msgid!r} → {text!r}")
    return found


def test_every_compiled_catalogue_is_checked():
    assert len(COMPILED) >= 2 and all(path.exists() for path in COMPILED)


def test_no_french_string_glues_a_colon_or_semicolon_to_the_word_before():
    assert _problems(GLUED) == []


def test_the_space_before_french_punctuation_never_breaks():
    assert _problems(BREAKABLE) == []


def test_the_checker_sees_a_glued_colon_and_lets_urls_and_times_through():
    def flagged(text):
        for allowed in ALLOWED:
            text = allowed.sub("", text)
        return bool(GLUED.search(text) or BREAKABLE.search(text))

    assert flagged("Site: Mairie") and flagged("Site : Mairie") and flagged("Vraiment?")
    assert not flagged("Site\u00a0: Mairie") and not flagged("Vraiment\u202f?")
    assert not flagged("Voir https://example.org/ à 10:30 ou mailto:a@b.fr")


def test_review_findings_are_called_constats_everywhere():
    words = [text for _path, _msgid, text in _messages() if re.search(r"\balertes?\b", text, re.IGNORECASE)]
    assert words == []
    with translation.override("fr"):
        from inventory.models import Flag

        assert str(Flag._meta.verbose_name) == "constat" and str(Flag._meta.verbose_name_plural) == "constats"


@pytest.mark.django_db
def test_the_audit_report_puts_a_no_break_space_before_its_colons(technician):
    from labels import services

    campaign = services.start_campaign(name="Mairie 2026", actor=technician)
    client = Client()
    client.force_login(technician)
    html = client.get(reverse("labels:audit-report", args=[campaign.pk])).content.decode()
    assert '</a>\u00a0: <strong id="count-seen">' in html
    assert "</a>: <strong" not in html
