#!/bin/sh
# Rebuild this topic's catalogue from strings.txt and compile it (locale/build_topic.py).
set -e
here="$(cd "$(dirname "$0")" && pwd)"
exec "${PYTHON:-$here/../../../.venv/bin/python}" "$here/../../build_topic.py" "$here" \
  "French strings of the donation to a staff member (CG3P L. 3212-2, 5°; issue 9 item 3)."
