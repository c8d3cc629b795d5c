"""Write django.po of this topic from fr.tsv (msgid TAB msgstr), then compile it with msgfmt."""

import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = '''# French strings of the import pipeline and the exports (see config/settings.py LOCALE_PATHS).
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
'''


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    seen, entries = set(), []
    for line in (HERE / "fr.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        msgid, msgstr = line.split("\t")
        if msgid not in seen:
            seen.add(msgid)
            entries.append(f"\nmsgid {quote(msgid)}\nmsgstr {quote(msgstr)}\n")
    po = HERE / "fr" / "LC_MESSAGES" / "django.po"
    po.write_text(HEADER + "".join(entries), encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)


if __name__ == "__main__":
    main()
