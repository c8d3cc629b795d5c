#!/bin/sh
# Rebuild the staff-donation topic's catalogue from strings.txt ("English|Français" per line),
# then compile it. French typography is applied to the msgstr here: a no-break space (U+00A0)
# before ":" and inside « », a narrow no-break space (U+202F) before ";", "!" and "?".
set -e
cd "$(dirname "$0")"
"${PYTHON:-../../../.venv/bin/python}" - <<'PY'
import re
import polib
po = polib.POFile()
po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr",
               "Plural-Forms": "nplurals=2; plural=(n > 1);"}
po.header = "French strings of the donation to a staff member (CG3P L. 3212-2, 5°; issue 9 item 3)."


def typography(text):
    text = re.sub(r" :(?=\s|$)", "\u00a0:", text)
    text = re.sub(r" ([;!?])(?=\s|$)", "\u202f\\1", text)
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


seen = set()
for line in open("strings.txt", encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    msgid, msgstr = line.split("|", 1)
    if msgid in seen:
        continue
    seen.add(msgid)
    po.append(polib.POEntry(msgid=msgid.replace("\\n", "\n"), msgstr=typography(msgstr.replace("\\n", "\n"))))
po.save("fr/LC_MESSAGES/django.po")
PY
msgfmt -o fr/LC_MESSAGES/django.mo fr/LC_MESSAGES/django.po
