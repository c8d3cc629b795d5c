"""Rebuild a topic catalogue from its ``strings.txt`` ("English|Français" per line), then compile it.

    .venv/bin/python locale/build_topic.py locale/topics/<topic> "What these strings are about."

Each topic's ``build.sh`` calls this with its own header. French typography is applied to every
msgstr: a no-break space (U+00A0) before ":" and inside « », a narrow no-break space (U+202F)
before ";", "!" and "?" (``tests/config/test_french_typography.py`` checks the compiled files).
A msgid seen twice keeps its first translation.
"""

import re
import subprocess
import sys
from pathlib import Path

import polib


def typography(text):
    text = re.sub(r" :(?=\s|$)", "\u00a0:", text)
    text = re.sub(r" ([;!?])(?=\s|$)", "\u202f\\1", text)
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


def build(topic, header):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr",
                   "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    po.header = header
    seen = set()
    for line in (topic / "strings.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        msgid, msgstr = line.split("|", 1)
        if msgid in seen:
            continue
        seen.add(msgid)
        po.append(polib.POEntry(msgid=msgid.replace("\\n", "\n"), msgstr=typography(msgstr.replace("\\n", "\n"))))
    target = topic / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    po.save(str(target / "django.po"))
    subprocess.run(["msgfmt", "-o", str(target / "django.mo"), str(target / "django.po")], check=True)


if __name__ == "__main__":
    build(Path(sys.argv[1]), sys.argv[2])
