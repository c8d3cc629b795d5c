"""The shape of the code, checked on the source with the standard library's ``ast`` (no Django).

- which of our apps each app may import (``docs/architecture.md``, "Apps and imports"),
  counting imports inside functions and ``import_module("…")`` literals;
- no import cycle between the modules of one app;
- journal rows are built in ``inventory/journal.py`` only, and no copy of ``_user_or_none`` is left;
- no module over 400 lines unless its first lines say why.

After the re-layout of issue 8, empty ``KNOWN_CYCLES`` and ``KNOWN_LARGE`` as their entries go.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ("config", "demo", "inventory", "labels", "reuse", "reports")

# app -> the other apps of ours it may import. ``config`` and ``demo`` sit on top of the graph.
ALLOWED = {
    "inventory": {"config"},
    "labels": {"config", "inventory"},
    "reuse": {"config", "inventory"},
    "reports": {"config", "inventory", "reuse"},
    "config": set(OURS),
    "demo": set(OURS),
}

# Module-level import cycles inside one app tolerated for now, each a frozenset of its modules.
# Empty today: ``inventory.models`` reaches ``inventory.lifecycle`` only from inside
# ``Device.is_terminal`` (a deferred import, not counted; issue 8 step 1 removes it anyway).
KNOWN_CYCLES = set()

# Modules over MAX_LINES without an explanatory comment, being split by issue 8; empty it after.
MAX_LINES = 400
KNOWN_LARGE = set()

# Building journal rows by hand is reserved to the journal writer.
EVENT_WRITES = re.compile(r"\bEvent\(|\bEvent\.objects\.(create|bulk_create)\(")
JOURNAL_WRITER = "inventory/journal.py"


def module_name(path, root):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root, apps=OURS, *, migrations=True):
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            if not migrations and "migrations" in path.relative_to(root).parts:
                continue
            yield path


def _resolve(node, module, is_package):
    """Absolute name of a ``from … import`` target (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path, root):
    """(line, imported module, at module level?) for every import in the file.

    ``from a import b`` yields ``a.b`` as well as ``a`` (``b`` may be a module).
    """
    module = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top_level = {id(node) for node in tree.body}
    # Imports under a module-level ``if``/``try`` (TYPE_CHECKING aside) still run at import time.
    for node in tree.body:
        if isinstance(node, (ast.If, ast.Try)):
            top_level.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        at_top = id(node) in top_level
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, at_top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, module, is_package)
            found.append((node.lineno, target, at_top))
            found += [(node.lineno, f"{target}.{alias.name}", at_top) for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            literal = node.args[0] if node.args else None
            if name == "import_module" and isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                found.append((node.lineno, literal.value, False))
    return found


def forbidden_imports(root=ROOT, apps=OURS, allowed=ALLOWED):
    """``file:line → app`` for every import of one of our apps the importing app may not use."""
    problems = []
    for path in source_files(root, apps):
        app = path.relative_to(root).parts[0]
        for line, target, _ in imports_of(path, root):
            other = target.split(".")[0]
            if other in apps and other != app and other not in allowed.get(app, set()):
                problems.append(f"{path.relative_to(root)}:{line} → {other} ({target})")
    return sorted(set(problems))


def module_graph(root, app):
    """Module-level imports between the modules of one app.

    Imports inside functions are left out: deferring an import into the function that needs it is
    the usual way to break a cycle, and such an import runs only once both modules are loaded.
    """
    paths = list(source_files(root, [app], migrations=False))
    modules = {module_name(path, root) for path in paths}
    graph = defaultdict(set)
    for path in paths:
        module = module_name(path, root)
        for _, target, at_top in imports_of(path, root):
            if at_top and target in modules and target != module and not module.startswith(target + "."):
                # A package importing its own submodule is loading, not a cycle edge back.
                graph[module].add(target)
    return graph


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def new_cycles(root=ROOT, apps=OURS, known=frozenset()):
    return [sorted(cycle) for app in apps for cycle in cycles(module_graph(root, app)) if cycle not in known]


def large_modules(root=ROOT, apps=OURS, limit=MAX_LINES):
    """Modules over ``limit`` lines whose first 30 lines carry no comment saying "over 400 lines"."""
    found = set()
    for path in source_files(root, apps, migrations=False):
        lines = path.read_text(encoding="utf-8").splitlines()
        head = "\n".join(lines[:30]).lower()
        if len(lines) > limit and "over 400 lines" not in head:
            found.add(str(path.relative_to(root)))
    return found


# --- the checks on our code -----------------------------------------------------------------------


def test_apps_import_only_the_apps_below_them():
    problems = forbidden_imports()
    assert not problems, "Forbidden imports (see ALLOWED and docs/architecture.md):\n" + "\n".join(problems)


def test_no_import_cycle_inside_an_app():
    found = new_cycles(known=KNOWN_CYCLES)
    assert not found, f"Module-level import cycles: {found}. Defer one import into the function that needs it."


def test_known_cycles_still_exist():
    """Keeps KNOWN_CYCLES honest: an entry whose cycle has gone must be removed."""
    present = {cycle for app in OURS for cycle in cycles(module_graph(ROOT, app))}
    assert not KNOWN_CYCLES - present, f"Remove from KNOWN_CYCLES: {KNOWN_CYCLES - present}"


def test_journal_rows_are_built_by_the_journal_writer_only():
    offenders = []
    for path in source_files(ROOT, migrations=False):
        relative = str(path.relative_to(ROOT))
        if relative == JOURNAL_WRITER:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if EVENT_WRITES.search(line) and not line.lstrip().startswith("class "):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "Write journal rows through inventory.journal (record, record_many):\n" + "\n".join(offenders)


def test_no_copy_of_user_or_none():
    pattern = re.compile(r"def _?user_or_none\b")
    offenders = [
        str(path.relative_to(ROOT)) for path in source_files(ROOT) if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"Use inventory.journal.acting_user instead of: {offenders}"


def test_no_module_over_400_lines_without_a_reason():
    found = large_modules()
    assert not found - KNOWN_LARGE, (
        f"Modules over {MAX_LINES} lines: {sorted(found - KNOWN_LARGE)}. Split them, or say why in a "
        "comment containing 'over 400 lines' in their first 30 lines."
    )
    assert not KNOWN_LARGE - found, f"Remove from KNOWN_LARGE, they are small now: {sorted(KNOWN_LARGE - found)}"


# --- the checker catches what it should (run on synthetic trees) ---------------------------------------


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_checker_reports_a_forbidden_import_in_every_form(tmp_path):
    write(
        tmp_path,
        {
            "inventory/__init__.py": "",
            "inventory/x.py": "import reuse.models\n",
            "inventory/y.py": "def f():\n    from reuse import services\n",
            "inventory/z.py": "from importlib import import_module\nimport_module('labels.views')\n",
            "inventory/ok.py": "from config import roles\nfrom . import x\nfrom .x import y\n",
            "labels/__init__.py": "",
            "labels/w.py": "from inventory.models import Device\nimport reports\n",
            "reuse/__init__.py": "",
        },
    )
    assert forbidden_imports(tmp_path) == [
        "inventory/x.py:1 → reuse (reuse.models)",
        "inventory/y.py:2 → reuse (reuse)",
        "inventory/y.py:2 → reuse (reuse.services)",
        "inventory/z.py:2 → labels (labels.views)",
        "labels/w.py:2 → reports (reports)",
    ]


def test_checker_resolves_relative_imports(tmp_path):
    write(tmp_path, {"reuse/services/__init__.py": "from ...reports import x\n"})
    assert forbidden_imports(tmp_path) == [
        "reuse/services/__init__.py:1 → reports (reports)",
        "reuse/services/__init__.py:1 → reports (reports.x)",
    ]


def test_checker_reports_a_new_cycle_but_not_a_deferred_import(tmp_path):
    write(
        tmp_path,
        {
            "inventory/__init__.py": "",
            "inventory/a.py": "from . import b\n",
            "inventory/b.py": "from .c import thing\n",
            "inventory/c.py": "from inventory import a\n",
            "inventory/d.py": "from . import e\n",
            "inventory/e.py": "def later():\n    from . import d\n",
        },
    )
    assert new_cycles(tmp_path) == [["inventory.a", "inventory.b", "inventory.c"]]


def test_checker_reports_a_long_module_without_a_reason(tmp_path):
    write(
        tmp_path,
        {
            "reuse/long.py": "x = 1\n" * 401,
            "reuse/explained.py": "# This module is over 400 lines because…\n" + "x = 1\n" * 401,
            "reuse/short.py": "x = 1\n" * 400,
        },
    )
    assert large_modules(tmp_path) == {"reuse/long.py"}
