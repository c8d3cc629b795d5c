"""Benchmarks at several fleet sizes, printed side by side (issue 15: 100k next to 1M).

``BENCH_DEVICES`` takes one size or a comma list. A single size above the reference size
(``BENCH_REFERENCE``, default 100,000; 0 for none) gets the reference added, so that
``BENCH_DEVICES=1000000 make bench`` shows how each figure grows from 100k to 1M instead of a
lone number nobody can judge. Each size runs in a child process of its own on a database of its
own (a fleet takes minutes to generate, so each size keeps its fleet between runs):

- PostgreSQL: the benchmark database's name suffixed ``_<size>`` (created when missing);
- SQLite: the file's name suffixed ``_<size>`` (``var/bench_100000.sqlite3``);
- ``BENCH_DATABASE_URL_<size>`` overrides the URL of one size.

Every ``print_report`` table of a child is collected (``BENCH_RESULTS``) and the parent merges
the tables of all sizes into one per benchmark: the columns that name a row once, then each
figure once per size (``keyset_ms@100k``, ``keyset_ms@1M``) and the growth of the main time.

The functions here are pure (no Django, no database) except ``ensure_database``.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REFERENCE = 100_000
SIDE_BY_SIDE_TOPICS = "device_pages,export,review,labels"
NUMBER = re.compile(r"(\d[\d,.]*\d|\d)")
TIME_COLUMN = re.compile(r"(_ms|seconds|_s)$")
NOTES = {"note", "notes"}  # long free text: last, after the figures, so the figures line up


def parse_sizes(text, reference=REFERENCE):
    """The fleet sizes to run, smallest first: a comma list, and the reference size added to
    a single larger one (a figure at 1M means little without the same figure at 100k)."""
    sizes = sorted({int(part) for part in (text or "").split(",") if part.strip()}) or [REFERENCE]
    if len(sizes) == 1 and reference and sizes[0] > reference:
        sizes.insert(0, reference)
    return sizes


def size_label(size):
    """``100k``, ``1M``, ``300``: short enough for a column header."""
    for unit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if size >= unit and size % unit == 0:
            return f"{size // unit}{suffix}"
    return str(size)


def database_url_for(size, base_url, environ):
    """The database URL of one size: ``BENCH_DATABASE_URL_<size>``, else ``base_url`` with the
    database (PostgreSQL) or file (SQLite) name suffixed ``_<size>``, so sizes never share a fleet."""
    override = environ.get(f"BENCH_DATABASE_URL_{size}")
    if override:
        return override
    if base_url.startswith("sqlite:///"):
        path = Path(base_url.removeprefix("sqlite:///"))
        return f"sqlite:///{path.with_name(f'{path.stem}_{size}{path.suffix}')}"
    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") or "prolonge_bench"
    return urlunsplit(parts._replace(path=f"/{name}_{size}"))


def masked(url):
    """``url`` without its password, for printing."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def ensure_database(url):
    """Create the PostgreSQL database of ``url`` when it does not exist (a fleet size run for the
    first time); for SQLite, make the file's folder. Connects to the ``postgres`` database."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        return False
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return False
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres", query=""))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return not exists


def normalise_title(title):
    """The title with every number replaced by ``#``: the device count (and counts that follow
    from it, such as open flags) differ between sizes, the benchmark does not."""
    return NUMBER.sub("#", title)


def merge_texts(texts):
    """One text for the same text at several sizes: the numbers that differ shown ``a / b``
    in place (``review over 100,000 / 1,000,000 devices``), else the texts joined."""
    texts = [text for text in texts if text is not None]
    if len(set(texts)) <= 1:
        return texts[0] if texts else ""
    split = [NUMBER.split(text) for text in texts]
    if len({len(parts) for parts in split}) != 1 or len({normalise_title(text) for text in texts}) != 1:
        return " / ".join(texts)
    merged = []
    for index, parts in enumerate(zip(*split, strict=True)):
        unique = list(dict.fromkeys(parts))
        merged.append(" / ".join(unique) if index % 2 else parts[0])
    return "".join(merged)


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def numeric_columns(tables):
    """Columns that hold only numbers (or nothing) in every table: the figures."""
    columns = _columns(tables)
    values = {column: [row.get(column) for rows in tables for row in rows] for column in columns}
    return [column for column in columns
            if any(v is not None for v in values[column]) and all(v is None or _is_number(v) for v in values[column])]


def _columns(tables):
    return list(dict.fromkeys(column for rows in tables for row in rows for column in row))


def merge_rows(labelled):
    """One table from the same table at several sizes: ``labelled`` is ``[(label, rows), ...]``,
    smallest size first; rows are matched by position (each size runs the same cases in order).

    Text columns name the row (merged, ``a / b`` where they differ); each figure comes once per
    size, the first time column followed by its growth from the smallest to the largest size."""
    tables = [rows for _label, rows in labelled]
    figures = numeric_columns(tables)
    names = [column for column in _columns(tables) if column not in figures]
    notes = [column for column in names if column in NOTES]
    names = [column for column in names if column not in NOTES]
    main = next((column for column in figures if TIME_COLUMN.search(column)), None)
    first, last = labelled[0][0], labelled[-1][0]
    merged = []
    for index in range(max(len(rows) for rows in tables)):
        present = [rows[index] if index < len(rows) else {} for rows in tables]
        row = {column: merge_texts([_text(cells.get(column)) for cells in present]) for column in names}
        for column in figures:
            for (label, _rows), cells in zip(labelled, present, strict=True):
                row[f"{column}@{label}"] = cells.get(column)
            if column == main and len(labelled) > 1:
                row[f"{last}/{first}"] = _ratio(present[-1].get(column), present[0].get(column))
        row.update({column: merge_texts([_text(cells.get(column)) for cells in present]) for column in notes})
        merged.append(row)
    return merged


def _text(value):
    return None if value is None else str(value)


def _ratio(big, small):
    return big / small if _is_number(big) and _is_number(small) and small else None


def merge_runs(runs):
    """[{title, rows}] merged across sizes: ``runs`` is ``[(size, [{title, rows}, ...]), ...]``.
    Tables are matched by normalised title (and order, when a title repeats)."""
    by_size = []
    for size, reports in runs:
        seen, keyed = {}, {}
        for report in reports:
            key = normalise_title(report["title"])
            seen[key] = seen.get(key, 0) + 1
            keyed[(key, seen[key])] = report
        by_size.append((size_label(size), keyed))
    merged = []
    for key in dict.fromkeys(key for _label, keyed in by_size for key in keyed):
        found = [(label, keyed[key]) for label, keyed in by_size if key in keyed]
        merged.append({
            "title": merge_texts([report["title"] for _label, report in found]),
            "sizes": [label for label, _report in found],
            "rows": merge_rows([(label, report["rows"]) for label, report in found]),
        })
    return merged
