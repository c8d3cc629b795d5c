"""Loaded first by pytest (``-p tests.support.dev_env`` in pyproject): the test run is a
development run. Settings default to DEBUG=0 (production); tests, like ``make run``, set
DEBUG=1 before Django reads its settings, unless the caller chose otherwise."""

import os

os.environ.setdefault("DEBUG", "1")
