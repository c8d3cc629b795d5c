#!/bin/sh
# Rebuild this topic's catalogue from strings.txt and compile it (locale/build_topic.py).
set -e
here="$(cd "$(dirname "$0")" && pwd)"
exec "${PYTHON:-$here/../../../.venv/bin/python}" "$here/../../build_topic.py" "$here" \
  "French strings of the documents of the exit routes: sale receipt, transfer minutes, take-back slip (issue 9 item 5)."
