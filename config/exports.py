"""Every CSV and XLSX export of the project, in one place (shared kernel: inventory, labels, reuse
and reports all export).

Two dialects, chosen with ``?dialect=``:

- ``spreadsheet`` (default) — what French Excel and LibreOffice open with a double click: ``;``
  separator, UTF-8 with a BOM, French headers, labels rather than codes, local times
  (``31/12/2024 14:05``), decimal comma;
- ``machine`` — what a script wants, the same values the API gives: ``,`` separator, no BOM,
  column keys as headers, codes, ISO 8601 dates and times, decimal point.

Rows come in as tuples (``values_list(...).iterator(chunk_size=…)``: a server-side cursor on
PostgreSQL, no model instance per row) and each column formats only its own value; the stream
is written in blocks of ``BLOCK_ROWS`` rows, not one chunk per row. (The per-row model export
cost ~47 µs a row and one HTTP chunk per row; tuples in 1,000-row chunks wrote the same file
about five times faster — issue 15.)

A file can never be mistaken for a complete one when it is not: the last line is a trailer
(``#fin;<rows>`` / ``#end,<rows>``) written only after the last row; an error mid-stream writes
``#interrompu`` / ``#interrupted`` and re-raises, so the connection is cut. ``is_complete()``
checks a file, and the importer ignores the trailer.

This module is over 400 lines on purpose: each cell kind's Python formatter (``formatter``)
and its PostgreSQL twin (``sql``) sit side by side, so that one is never changed without the
other (a test compares their output).

Every text cell is neutralised against formula injection (OWASP "CSV injection"): a value that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, in both
dialects and in XLSX (where openpyxl would otherwise store such a string as a formula).
"""

import csv
import io
import queue
import tempfile
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

SPREADSHEET = "spreadsheet"
MACHINE = "machine"
DIALECTS = (SPREADSHEET, MACHINE)
BLOCK_ROWS = 1000
CHUNK_SIZE = 2000
# Formatted rows (PostgreSQL) are fetched 5,000 at a time, up to four chunks ahead of the writer.
FORMATTED_CHUNK_SIZE = 5000
PREFETCH_CHUNKS = 4
_flag = threading.Event  # the reader's "stop" to the fetching thread
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TRAILER = {SPREADSHEET: "#fin", MACHINE: "#end"}
INTERRUPTED = {SPREADSHEET: "#interrompu", MACHINE: "#interrupted"}


class BadDialect(ValueError):
    pass


def neutralise(text):
    """``text`` made inert in a spreadsheet: a leading ``'`` before a formula trigger."""
    if text and text[0] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def _text(value):
    """A text cell, neutralised (``neutralise`` inlined: it runs for most cells of an export)."""
    text = value if type(value) is str else str(value)
    if text and text[0] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def _sql_neutralised(text):
    """SQL: ``neutralise(text)``."""
    triggers = ", ".join(f"chr({ord(c)})" for c in FORMULA_TRIGGERS)
    return f"(CASE WHEN left({text}, 1) IN ({triggers}) THEN chr(39) || {text} ELSE {text} END)"


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def unneutralise(text):
    """The inverse of ``neutralise`` (for re-importing our own files)."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


@dataclass
class Column:
    """One exported column: ``key`` (machine header), ``header`` (French header), a kind.

    Kinds: ``text``, ``choice`` (``choices``: code → label), ``date``, ``datetime``,
    ``decimal``, ``float`` (``digits`` after the point), ``int``.
    """

    key: str
    header: str
    kind: str = "text"
    choices: dict = field(default_factory=dict)
    digits: int = 2

    def formatter(self, dialect):
        """A function (value, never None) → cell text for ``dialect``, built once per export; None
        when the csv writer's own ``str()`` already writes the value right (ISO dates, decimals
        and integers in the machine dialect): at a million rows, each call per cell counts."""
        spreadsheet = dialect == SPREADSHEET
        kind = self.kind
        if kind == "text":
            return _text
        if kind == "choice":
            if spreadsheet:
                labels = {code: str(label) for code, label in self.choices.items()}
                return lambda v: neutralise(labels.get(v, str(v)))
            return _text
        if kind == "date":
            return (lambda v: v.strftime("%d/%m/%Y")) if spreadsheet else None
        if kind == "datetime":
            zone = timezone.get_current_timezone()  # once: each lookup costs ~5 µs
            if spreadsheet:
                return lambda v: v.astimezone(zone).strftime("%d/%m/%Y %H:%M")
            return lambda v: v.astimezone(zone).isoformat()
        if kind in ("decimal", "float"):
            digits = self.digits
            if spreadsheet:
                return lambda v: f"{v:.{digits}f}".replace(".", ",")
            if kind == "decimal":
                return None
            return lambda v: f"{v:.{digits}f}"
        if kind == "int":
            return None
        raise ValueError(f"unknown column kind {kind}")

    def sql(self, cell, dialect, zone):
        """PostgreSQL text of the cell ``cell`` (an SQL expression) — the very text ``formatter``
        gives, NULL staying NULL (written "") — or None when only Python gives that text (a
        float's rounding): the value then comes as is and ``formatter`` formats it. ``zone``: the
        time zone's name, as a literal."""
        spreadsheet, kind = dialect == SPREADSHEET, self.kind
        if kind == "text" or (kind == "choice" and not spreadsheet):
            return _sql_neutralised(f"({cell})::text")
        if kind == "choice":
            cases = " ".join(f"WHEN {_literal(code)} THEN {_literal(str(label))}"
                             for code, label in self.choices.items())
            return _sql_neutralised(f"(CASE ({cell})::text {cases} ELSE ({cell})::text END)")
        if kind == "int" or (kind == "decimal" and not spreadsheet):
            return f"({cell})::text"
        if kind == "date":
            return f"to_char({cell}, '{'DD/MM/YYYY' if spreadsheet else 'YYYY-MM-DD'}')"
        if kind == "datetime":
            local = f"(({cell}) AT TIME ZONE {zone})"
            if spreadsheet:
                return f"to_char({local}, 'DD/MM/YYYY HH24:MI')"
            # datetime.isoformat(): microseconds only when not zero, then the offset as ±HH:MM.
            utc = f"(({cell}) AT TIME ZONE 'UTC')"
            return (f"(to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
                    f" || CASE WHEN extract(microseconds FROM {local})::int % 1000000 = 0 THEN ''"
                    f" ELSE to_char({local}, '.US') END"
                    f" || CASE WHEN {local} >= {utc} THEN '+' || to_char({local} - {utc}, 'HH24:MI')"
                    f" ELSE '-' || to_char({utc} - {local}, 'HH24:MI') END)")
        if kind == "float":
            return None  # Python rounds the exact binary value half to even: left to ``formatter``
        if kind == "decimal":
            # f"{v:.2f}" on a Decimal: half to even (PostgreSQL's round() goes away from zero),
            # and "-0.00" for a small negative value (numeric has no -0).
            v, d = f"(({cell})::numeric)", self.digits
            scale, step = f"{10 ** d}::numeric", f"{Decimal(1).scaleb(-d)}::numeric"
            even = (f"(CASE WHEN mod(abs({v}) * {scale}, 1) = 0.5 AND mod(abs(round({v}, {d})) * {scale}, 2) = 1"
                    f" THEN round(round({v}, {d}) - sign({v}) * {step}, {d}) ELSE round({v}, {d}) END)")
            text = f"(CASE WHEN {v} < 0 AND {even} = 0 THEN '-' ELSE '' END || {even}::text)"
            return f"replace({text}, '.', ',')" if spreadsheet else text
        raise ValueError(f"unknown column kind {kind}")

    def xlsx_value(self, value):
        """The typed cell of an XLSX sheet (dates as dates, numbers as numbers, labels)."""
        if value is None:
            return None
        if self.kind == "text":
            return neutralise(str(value))
        if self.kind == "choice":
            return neutralise(str(self.choices.get(value, value)))
        if self.kind == "datetime":
            return timezone.localtime(value).replace(tzinfo=None)
        if self.kind == "float":
            return round(float(value), self.digits)
        if isinstance(value, Decimal):
            return float(value)
        return value


def dialect_from(request):
    """The dialect asked for in ``?dialect=``; an unknown value is refused, not guessed."""
    value = request.GET.get("dialect", SPREADSHEET) or SPREADSHEET
    if value not in DIALECTS:
        raise BadDialect(value)
    return value


def query_without_controls(request):
    """The query string minus the export's own parameters (for the FilterSet)."""
    data = request.GET.copy()
    for key in ("dialect", "format", "page", "page_size"):
        data.pop(key, None)
    return data


def filtered_csv_response(request, filterset_class, queryset, columns, *, default_order, filename):
    """A list's CSV: ``columns`` are ``(Column, source)`` pairs read as tuples from the rows
    ``filterset_class`` selects in ``queryset`` (the list's own query string), in the list's
    sort or else ``default_order``. A bad filter or dialect answers 400, never "all rows"."""
    try:
        dialect = dialect_from(request)
    except BadDialect:
        return bad_request({"dialect": [_("Choose “spreadsheet” or “machine”.")]})
    filterset = filterset_class(query_without_controls(request), queryset=queryset)
    if not filterset.is_valid():
        return bad_request(filterset.errors)
    rows = filterset.qs if request.GET.get("ordering") else filterset.qs.order_by(*default_order)
    tuples = rows.values_list(*(source for _column, source in columns)).iterator(chunk_size=CHUNK_SIZE)
    return csv_response([column for column, _source in columns], tuples, filename=filename, dialect=dialect)


def bad_request(errors):
    """The 400 answer of an export whose filters do not validate: never "all rows"."""
    lines = [_("Invalid filter: nothing was exported.")]
    for name, messages in errors.items():
        lines.append(f"{name}: {' '.join(str(m) for m in messages)}")
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


class Formatted:
    """Rows whose cells are already the file's text (``formatted_rows``), but for the ``pending``
    (index, formatter) pairs, formatted as they are written."""

    def __init__(self, rows, pending=()):
        self.rows = rows
        self.pending = list(pending)

    def __iter__(self):
        return iter(self.rows)


def wrapped(rows, wrap):
    """``wrap(rows)`` (a generator over the rows, e.g. counting them), of the same kind as ``rows``."""
    return Formatted(wrap(rows), rows.pending) if isinstance(rows, Formatted) else wrap(rows)


def formatted_rows(values, columns, dialect, *, chunk_size=FORMATTED_CHUNK_SIZE):
    """The cells of ``values`` (a ``values_list()`` queryset, one value per column), for ``csv_blocks``.

    On PostgreSQL the query is wrapped in a SELECT that formats each cell (``Column.sql``) and
    read from a server-side cursor: no value is converted to a Python object and formatted
    again, and the csv writer takes whole blocks (at 1M devices, converting and formatting in
    Python was most of the whole-fleet export's 28 s). Elsewhere, the values as tuples,
    formatted by ``csv_blocks``.
    """
    from django.db import connections

    connection = connections[values.db]
    if connection.vendor != "postgresql":
        return values.iterator(chunk_size=chunk_size)
    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:
        return Formatted(())
    names = [f"c{i}" for i in range(len(columns))]
    zone = _literal(timezone.get_current_timezone_name())
    cells, pending = [], []
    for i, (column, name) in enumerate(zip(columns, names, strict=True)):
        cell = column.sql(f"r.{name}", dialect, zone)
        if cell is None:
            cell = f"r.{name}"
            if (fmt := column.formatter(dialect)) is not None:
                pending.append((i, fmt))
        cells.append(cell)
    select = ", ".join(cells).replace("%", "%%")  # the query has parameters: a literal % is written %%
    return Formatted(_server_side(connection, f"SELECT {select} FROM ({sql}) AS r ({', '.join(names)})", params,
                                  chunk_size), pending=pending)


def _server_side(connection, sql, params, chunk_size):
    """Rows of ``sql`` from a server-side cursor, ``chunk_size`` at a time (a generator).

    A thread fetches the next chunks while the caller writes the previous ones: PostgreSQL
    formats rows while Python writes them (at 1M devices, 22 s one after the other, 14 s side
    by side). The cursor is read inside a transaction, so that PostgreSQL produces rows as they
    are fetched instead of materialising the whole result first (a cursor ``WITH HOLD``).
    Only that thread uses the connection until the rows are read, or the caller stops reading
    (then it stops too, and is waited for before the cursor closes).
    """
    connection.ensure_connection()
    chunks, stop = queue.Queue(maxsize=PREFETCH_CHUNKS), _flag()

    def fetch(cursor):
        try:
            while not stop.is_set() and (rows := cursor.fetchmany(chunk_size)):
                _offer(chunks, rows, stop)
            _offer(chunks, None, stop)
        except BaseException as error:  # noqa: BLE001 — handed to the reader, which raises it
            _offer(chunks, error, stop)

    with transaction.atomic(using=connection.alias), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        fetcher = threading.Thread(target=fetch, args=(cursor,), name="export-fetch", daemon=True)
        fetcher.start()
        try:
            while (rows := chunks.get()) is not None:
                if isinstance(rows, BaseException):
                    raise rows
                yield from rows
        finally:
            stop.set()
            fetcher.join()


def _offer(chunks, item, stop):
    """Put ``item`` on the queue unless the reader has stopped (never block forever)."""
    while not stop.is_set():
        try:
            chunks.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def csv_blocks(columns, rows, dialect=SPREADSHEET, *, block_rows=BLOCK_ROWS):
    """Yield the CSV text of ``rows`` (tuples, one value per column) in blocks, then the trailer.

    An exception from ``rows`` yields the interruption line and is re-raised: a stream that
    stops early never ends with the trailer.
    """
    spreadsheet = dialect == SPREADSHEET
    delimiter = ";" if spreadsheet else ","
    width = len(columns)
    # Only the cells that need formatting are touched; None is written "" by the csv writer.
    formatted = [(i, fmt) for i, column in enumerate(columns) if (fmt := column.formatter(dialect)) is not None]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if spreadsheet:
        buffer.write("\ufeff")
    writer.writerow([str(c.header) if spreadsheet else c.key for c in columns])
    count = 0
    try:
        if isinstance(rows, Formatted):
            pending, rows = rows.pending, iter(rows)
            while chunk := list(islice(rows, block_rows)):
                if pending:
                    chunk = [_format_pending(row, pending) for row in chunk]
                writer.writerows(chunk)
                count += len(chunk)
                yield _drain(buffer)
        for row in rows:
            cells = list(row)
            if len(cells) != width:
                raise ValueError(f"a row of {len(cells)} values for {width} columns")
            for i, fmt in formatted:
                if (value := cells[i]) is not None:
                    cells[i] = fmt(value)
            writer.writerow(cells)
            count += 1
            if count % block_rows == 0:
                yield _drain(buffer)
    except Exception:
        writer.writerow([INTERRUPTED[dialect], count])
        yield _drain(buffer)
        raise
    writer.writerow([TRAILER[dialect], count])
    yield _drain(buffer)


def _format_pending(row, pending):
    cells = list(row)
    for i, fmt in pending:
        if (value := cells[i]) is not None:
            cells[i] = fmt(value)
    return cells


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_response(columns, rows, *, filename, dialect=SPREADSHEET):
    """A streamed CSV download of ``rows`` (see ``csv_blocks``)."""
    response = StreamingHttpResponse(csv_blocks(columns, rows, dialect), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_csv(path, columns, rows, dialect=SPREADSHEET):
    """Write the same file to ``path`` (tasks); returns the number of rows."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        for block in csv_blocks(columns, rows, dialect):
            out.write(block)
    return count_rows(path)


def write_xlsx(target, columns, rows, *, title="Export"):
    """Write an XLSX sheet in openpyxl's write-only mode (rows go to disk as they come)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    from openpyxl.cell import WriteOnlyCell

    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    date_formats = {"date": "DD/MM/YYYY", "datetime": "DD/MM/YYYY HH:MM"}
    typed = [(column, date_formats.get(column.kind)) for column in columns]
    for row in rows:
        cells = []
        for (column, number_format), value in zip(typed, row, strict=True):
            value = column.xlsx_value(value)
            if number_format and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(target)


def xlsx_response(columns, rows, *, filename, title="Export"):
    """An XLSX download: built on a temporary file (write-only mode), then streamed from disk."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes (and so deletes) it
    write_xlsx(spool, columns, rows, title=title)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def count_rows(path):
    """Rows announced by the trailer of a CSV export at ``path``, or None when it has none."""
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 200))
        tail = handle.read().decode("utf-8", "replace")
    return trailer_count(tail)


def trailer_count(text):
    """The row count of the trailer that ends ``text``, or None (incomplete or foreign file)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    last = lines[-1]
    for dialect, marker in TRAILER.items():
        separator = ";" if dialect == SPREADSHEET else ","
        if last.startswith(marker + separator):
            number = last[len(marker) + 1 :].strip()
            return int(number) if number.isdigit() else None
    return None


def is_complete(text):
    """True when ``text`` ends with the trailer and holds as many data rows as it announces."""
    count = trailer_count(text)
    if count is None:
        return False
    last = text.rstrip().splitlines()[-1]
    dialect = SPREADSHEET if last.startswith(TRAILER[SPREADSHEET]) else MACHINE
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";" if dialect == SPREADSHEET else ","))
    rows = [r for r in rows if r]
    return len(rows) - 2 == count


def is_trailer(cells):
    """True for the trailer or interruption line of our exports (the importer skips them)."""
    first = (cells[0] if cells else "") or ""
    return isinstance(first, str) and first in (*TRAILER.values(), *INTERRUPTED.values())
