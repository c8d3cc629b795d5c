#!/bin/sh
# Rebuild this topic's catalogue from strings.txt and compile it (locale/build_topic.py).
set -e
here="$(cd "$(dirname "$0")" && pwd)"
exec "${PYTHON:-$here/../../../.venv/bin/python}" "$here/../../build_topic.py" "$here" \
  "French strings of the exit routes, WEEE shipments, staff donations and the reuse ratio (issue 9)."
