"""docs/architecture.md answers "where is each verb" for every public verb of the verb modules."""

from pathlib import Path

from tests.verbs_table import row_key, table, verbs

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


def test_every_verb_is_in_the_doc_table_with_its_module():
    doc = DOC.read_text(encoding="utf-8")
    assert "## Where is each verb" in doc
    missing = [row_key(module, name) for module, name, _ in verbs() if row_key(module, name) not in doc]
    assert not missing, (
        "docs/architecture.md lacks these verbs (regenerate with `python -m tests.verbs_table`):\n"
        + "\n".join(missing)
        + "\n\nExpected table:\n"
        + table()
    )


def test_the_doc_table_names_no_verb_that_is_gone():
    doc = DOC.read_text(encoding="utf-8")
    section = doc.split("## Where is each verb", 1)[1].split("\n## ", 1)[0]
    rows = {
        line.split(" |")[0] + " |" + line.split(" |")[1] + " |"
        for line in section.splitlines()
        if line.startswith("| `")
    }
    current = {row_key(module, name) for module, name, _ in verbs()}
    assert not rows - current, f"Stale rows in docs/architecture.md: {sorted(rows - current)}\n\n{table()}"


def test_the_verb_modules_are_found():
    modules = {module for module, _, _ in verbs()}
    assert {"inventory.lifecycle", "inventory.services", "inventory.journal", "reuse.services"} <= modules
