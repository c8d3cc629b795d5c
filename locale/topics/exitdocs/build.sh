#!/bin/sh
# Rebuild the exitdocs topic's catalogue from strings.txt ("English|Français" per line), then compile it.
set -e
cd "$(dirname "$0")"
python3 - <<'PY'
import polib
po = polib.POFile()
po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr",
               "Plural-Forms": "nplurals=2; plural=(n > 1);"}
po.header = "French strings of the documents of the exit routes: sale receipt, transfer minutes, take-back slip (issue 9 item 5)."
seen = set()
for line in open("strings.txt", encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    msgid, msgstr = line.split("|", 1)
    if msgid in seen:
        continue
    seen.add(msgid)
    po.append(polib.POEntry(msgid=msgid.replace("\\n", "\n"), msgstr=msgstr.replace("\\n", "\n")))
po.save("fr/LC_MESSAGES/django.po")
PY
msgfmt -o fr/LC_MESSAGES/django.mo fr/LC_MESSAGES/django.po
