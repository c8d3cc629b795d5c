"""``reports`` reads config, inventory and reuse only (DESIGN.md §1), and nothing imports it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = {"config", "inventory", "labels", "reuse", "reports", "demo"}


def imported_apps(folder):
    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found & OURS


def test_reports_imports_only_config_inventory_and_reuse():
    assert imported_apps("reports") - {"reports"} <= {"config", "inventory", "reuse"}


def test_no_other_app_imports_reports():
    for app in ("inventory", "labels", "reuse"):
        assert "reports" not in imported_apps(app), app
