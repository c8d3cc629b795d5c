"""The "where is each verb" table of docs/architecture.md, built from the verb modules' ``__all__``.

Regenerate it after moving verbs: ``.venv/bin/python -m tests.verbs_table`` prints the table to
paste into the doc; ``tests/test_architecture_docs.py`` fails while the doc and the code disagree.
"""

import importlib
import inspect

# Where write verbs live, in the order of the table. Modules not importable (yet) are skipped.
VERB_MODULES = (
    "inventory.lifecycle",
    "inventory.services",
    "inventory.journal",
    "inventory.repairs.services",
    "inventory.review.services",
    "inventory.renewal.services",
    "reuse.services",
    "labels.services",
)
# Verbs of a module that has no ``__all__`` yet (add one and drop the entry).
WITHOUT_ALL = {}

HEADER = "| verb | module | what it does |\n|---|---|---|"


def verbs():
    """(module, name, first line of its docstring) for every public function of the verb modules."""
    rows = []
    for module_name in VERB_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        names = getattr(module, "__all__", None) or WITHOUT_ALL.get(module_name, ())
        for name in sorted(names):
            function = getattr(module, name)
            if inspect.isfunction(function):
                summary = (inspect.getdoc(function) or "").split("\n\n")[0].replace("\n", " ")
                rows.append((module_name, name, summary.replace("|", "\\|")))
    return rows


def row_key(module, name):
    """The start of a table row: what the docs test looks for."""
    return f"| `{name}` | `{module}` |"


def table():
    return "\n".join([HEADER, *(f"{row_key(module, name)} {summary} |" for module, name, summary in verbs())])


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(table())
