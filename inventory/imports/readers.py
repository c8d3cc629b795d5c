"""Opening a file: CSV (encoding and separator detected and reported) or XLSX (python-calamine).

``open_table(path)`` returns a ``Table``: the header cells, what was detected, and an iterator
of ``(row_number, cells)`` where ``row_number`` is the line a spreadsheet shows (the header is
row 1). Empty lines are skipped but counted, so row numbers match what people see; our own
exports' trailer line is skipped.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from config.exports import is_trailer

DELIMITERS = ";,\t|"
SNIFF_BYTES = 64 * 1024


class UnreadableFile(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    format: str
    headers: list
    rows: object  # iterator of (row_number, cells)
    encoding: str = ""
    delimiter: str = ""
    notes: list = field(default_factory=list)

    def describe(self):
        if self.format == "xlsx":
            return "XLSX"
        names = {";": _("semicolon"), ",": _("comma"), "\t": _("tab"), "|": _("vertical bar")}
        return _("CSV, encoding %(encoding)s, separator: %(delimiter)s") % {
            "encoding": self.encoding, "delimiter": names.get(self.delimiter, self.delimiter)}


def open_table(path, name=None):
    path = Path(path)
    suffix = Path(name or path.name).suffix.lower()
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if suffix in (".xlsx", ".xlsm", ".ods", ".xls") or magic.startswith(b"PK\x03\x04"):
        return _open_xlsx(path)
    return _open_csv(path)


def detect_encoding(raw):
    """``utf-8-sig`` (BOM), ``utf-8`` or ``windows-1252`` (what French Excel writes)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of the sample is still UTF-8.
        if error.start < len(raw) - 3:
            return "windows-1252"
    return "utf-8"


def detect_delimiter(sample):
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(DELIMITERS, key=header.count) if header else ";"


def _open_csv(path):
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if b"\x00" in head:
        raise UnreadableFile(_("This file is neither CSV nor XLSX (binary content)."))
    encoding = detect_encoding(head)
    if encoding == "utf-8":
        # The sample may be pure ASCII while a later line is Windows-1252: check the whole file.
        try:
            with open(path, encoding="utf-8") as handle:
                for _line in handle:
                    pass
        except UnicodeDecodeError:
            encoding = "windows-1252"
    sample = head.decode(encoding, errors="replace")
    delimiter = detect_delimiter(sample.lstrip("\ufeff"))
    handle = open(path, encoding=encoding, newline="")  # noqa: SIM115 — closed by _csv_rows
    reader = csv.reader(handle, delimiter=delimiter)
    headers = None
    number = 0
    for cells in reader:
        number += 1
        if any(cell.strip() for cell in cells):
            headers = [cell.strip() for cell in cells]
            break
    if headers is None:
        handle.close()
        raise UnreadableFile(_("The file is empty."))
    return Table("csv", headers, _csv_rows(handle, reader, number), encoding=encoding, delimiter=delimiter)


def _csv_rows(handle, reader, number):
    with handle:
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells) or is_trailer(cells):
                continue
            yield number, [cell if cell.strip() else None for cell in cells]


def _open_xlsx(path):
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except Exception as error:  # calamine raises its own error types for broken files
        raise UnreadableFile(_("This spreadsheet cannot be read: %(error)s") % {"error": error}) from error
    rows = sheet.iter_rows()
    number, headers = 0, None
    for cells in rows:
        number += 1
        if any(_present(cell) for cell in cells):
            headers = [str(cell).strip() for cell in cells]
            break
    if headers is None:
        raise UnreadableFile(_("The file is empty."))
    return Table("xlsx", headers, _xlsx_rows(rows, number))


def _present(cell):
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _xlsx_rows(rows, number):
    for cells in rows:
        number += 1
        if not any(_present(cell) for cell in cells) or is_trailer(cells):
            continue
        yield number, [cell if _present(cell) else None for cell in cells]


def rows_as_text(cells):
    """Cells as strings (for the rejected-rows file)."""
    out = []
    for cell in cells:
        if cell is None:
            out.append("")
        elif isinstance(cell, float) and cell.is_integer():
            out.append(str(int(cell)))
        else:
            out.append(str(cell))
    return out


def write_rejected(target, headers, rejected):
    """The rejected rows as a spreadsheet-dialect CSV with an error column first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("errors"), _("row"), *headers])
    for row_number, cells, messages in rejected:
        writer.writerow([" | ".join(messages), row_number, *rows_as_text(cells)])
    data = "\ufeff" + buffer.getvalue()
    if hasattr(target, "write"):
        target.write(data.encode("utf-8"))
    else:
        Path(target).write_text(data, encoding="utf-8")
