"""Reading CSV, TSV, XLSX and legacy XLS files into chunks of text cells.

A reader finds the header row (below a metadata block if there is one),
joins a row of merged group labels above it into the column names, and
yields the data rows in polars frames of at most `CHUNK_ROWS` rows. Each
frame has a `line` column (the line in a text file, the row in a sheet,
both counted from 1) and one text column `c<N>` per file column. Sheets
add `c<N>:num` and `c<N>:time` for cells that Excel already typed as
numbers or dates. Blank rows are skipped wherever they are.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from hoshin.core.errors import ValidationFailed

CHUNK_ROWS = 100_000
SAMPLE_BYTES = 1 << 20
HEADER_SEARCH_ROWS = 60
DELIMITERS = (";", ",", "\t", "|")


def normalize_name(text: str) -> str:
    """Fold a header for comparison: no case, accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    return re.sub(r"[\W_]+", "", "".join(char for char in text if not unicodedata.combining(char)))


@dataclass(frozen=True)
class Column:
    index: int
    name: str
    group: str = ""

    @property
    def label(self) -> str:
        return f"{self.group} / {self.name}" if self.group else self.name


@dataclass
class RowError:
    """A row that cannot be imported: its line, the column at fault, the reason and its cells."""

    line: int
    message: str
    column: str = ""
    cells: list[str] = field(default_factory=list)
    names_line: bool = False

    def text(self) -> str:
        """Return the message with its line, unless the message already names it."""
        if self.names_line:
            return self.message
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Table:
    columns: list[Column]
    header_line: int
    chunks: Iterator[pl.DataFrame]
    errors: list[RowError] = field(default_factory=list)
    progress: Callable[[], float] = lambda: 0.0
    encoding: str = ""
    delimiter: str = ""


def detect_encoding(sample: bytes) -> str:
    """Return utf-8-sig for a UTF-8 BOM, utf-8 when the sample decodes, else cp1252 or latin-1."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is not an error.
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the sample lines into the same number of cells most often."""
    lines = [line for line in lines if line.strip()][:30]
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delimiter))) for line in lines]
        if not counts or max(counts) < 2:
            continue
        modal = max(set(counts), key=counts.count)
        score = (counts.count(modal) / len(counts), modal)
        if modal > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def _is_number_text(text: str) -> bool:
    return bool(re.fullmatch(r"[\s\-+(]*[0-9][0-9.,\s%]*\)?", text))


def find_header(rows: list[list[str]], wanted: set[str], known: set[str]) -> int:
    """Return the index of the header row among `rows`.

    The header is the first row that contains every requested column name.
    Failing that, it is the first row with two or more recognised names
    (kpi, date, value...), and failing that, the first row of text only that
    is at least half as wide as the widest row.
    """
    names = [{normalize_name(cell) for cell in row if cell.strip()} for row in rows]
    if wanted:
        for index, row_names in enumerate(names):
            if wanted <= row_names:
                return index
    for index, row_names in enumerate(names):
        if len(row_names & known) >= 2:
            return index
    width = max((sum(1 for cell in row if cell.strip()) for row in rows), default=0)
    for index, row in enumerate(rows):
        cells = [cell for cell in row if cell.strip()]
        if len(cells) >= max(2, width / 2) and not any(_is_number_text(cell) for cell in cells):
            return index
    return 0


def build_columns(header: list[str], above: list[str] | None, merged: list[tuple[int, int]] | None = None) -> list[Column]:
    """Name the columns from the header row and the group labels in the row above it.

    `merged` lists the column ranges (start, end exclusive) of merged cells in
    the row above. Without it a group label spans the columns up to the next
    label, as a merged cell saved to CSV does.
    """
    width = max((index + 1 for index, cell in enumerate(header) if cell.strip()), default=0)
    groups = [""] * width
    if above and any(cell.strip() for cell in above[:width]):
        if merged is not None:
            for start, end in merged:
                for index in range(start, min(end, width)):
                    groups[index] = above[start].strip()
        else:
            current = ""
            for index in range(width):
                cell = above[index].strip() if index < len(above) else ""
                current = cell or current
                groups[index] = current
    return [Column(index, " ".join(header[index].split()), " ".join(groups[index].split())) for index in range(width)]


def _text_rows_to_frame(lines: list[int], rows: list[list[str]], width: int) -> pl.DataFrame:
    """Build a chunk from rows of `width` cells, without the blank ones."""
    data: dict[str, list] = {"line": lines}
    for index in range(width):
        data[f"c{index}"] = [row[index] for row in rows]
    frame = pl.DataFrame(data, schema={"line": pl.Int64, **{f"c{index}": pl.Utf8 for index in range(width)}})
    return frame.filter(pl.any_horizontal([pl.col(f"c{index}").str.strip_chars() != "" for index in range(width)]))


def _line_numbers(rows: list[list[str]], first_line: int, last_line: int) -> list[int]:
    """Return the line on which each row ends; a quoted cell with line breaks makes a row span several lines."""
    if last_line - first_line == len(rows):
        return list(range(first_line + 1, last_line + 1))
    lines, line = [], first_line
    for row in rows:
        line += 1 + sum(cell.count("\n") for cell in row)
        lines.append(line)
    return lines


def _accept_rows(numbered_rows: list[tuple[int, list[str]]], width: int, errors: list[RowError]):
    """Yield the rows that have `width` cells, skip blank ones and record an error for the others."""
    for line, row in numbered_rows:
        if not any(cell.strip() for cell in row):
            continue
        while len(row) > width and not row[-1].strip():
            row.pop()
        if len(row) != width:
            errors.append(RowError(line, _("expected %(expected)d columns, found %(found)d on line %(line)d")
                                   % {"expected": width, "found": len(row), "line": line}, "", row, True))
            continue
        yield line, row


def _frames(numbered_rows, width: int) -> Iterator[pl.DataFrame]:
    numbered_rows = list(numbered_rows)
    if numbered_rows:
        yield _text_rows_to_frame([line for line, _row in numbered_rows], [row for _line, row in numbered_rows], width)


def read_text(path: Path, *, encoding: str | None, delimiter: str | None, header_row: int | None,
              wanted: set[str], known: set[str]) -> Table:
    """Read a CSV or TSV file; see the module docstring for the frames it yields."""
    binary = open(path, "rb")  # noqa: SIM115 - closed when the chunks are exhausted
    sample = binary.read(SAMPLE_BYTES)
    binary.seek(0)
    encoding = encoding or detect_encoding(sample)
    if encoding.replace("_", "-").lower() in {"utf-8", "utf8"} and sample.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")
    if delimiter is None:
        sample_text = sample.decode(encoding, errors="replace")
        delimiter = "\t" if path.suffix.lower() == ".tsv" else detect_delimiter(sample_text.splitlines()[:HEADER_SEARCH_ROWS])
    reader = csv.reader(text, delimiter=delimiter)

    head: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            head.append((reader.line_num, row))
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except UnicodeDecodeError as exc:
        binary.close()
        raise ValidationFailed(_("The file is not valid %(encoding)s; give --encoding (for example cp1252).")
                               % {"encoding": encoding}, field="encoding") from exc
    if not head:
        binary.close()
        raise ValidationFailed(_("The file is empty."), field="file")

    index = _header_index(header_row, [line for line, _row in head], [row for _line, row in head], wanted, known)
    columns = build_columns(head[index][1], head[index - 1][1] if index > 0 else None)
    errors: list[RowError] = []
    size = max(os.path.getsize(path), 1)

    def chunks() -> Iterator[pl.DataFrame]:
        width = len(columns)
        try:
            yield from _frames(_accept_rows(head[index + 1:], width, errors), width)
            while True:
                first_line = reader.line_num
                rows = list(itertools.islice(reader, CHUNK_ROWS))
                if not rows:
                    break
                lines = _line_numbers(rows, first_line, reader.line_num)
                if set(map(len, rows)) == {width}:
                    yield _text_rows_to_frame(lines, rows, width)
                else:
                    yield from _frames(_accept_rows(list(zip(lines, rows, strict=True)), width, errors), width)
        except UnicodeDecodeError as exc:
            raise ValidationFailed(_("The file is not valid %(encoding)s after line %(line)d; give --encoding "
                                     "(for example cp1252).") % {"encoding": encoding, "line": reader.line_num},
                                   field="encoding") from exc
        except csv.Error as exc:
            raise ValidationFailed(_("line %(line)d: %(error)s") % {"line": reader.line_num, "error": exc}) from exc
        finally:
            binary.close()

    return Table(columns, head[index][0], chunks(), errors, lambda: min(binary.tell() / size, 1.0) if not binary.closed
                 else 1.0, encoding, delimiter)


def _header_index(header_row: int | None, lines: list[int], rows: list[list[str]], wanted: set[str], known: set[str]) -> int:
    if header_row is None:
        return find_header(rows, wanted, known)
    if header_row in lines:
        return lines.index(header_row)
    raise ValidationFailed(_("Header row %(row)d is not among the first %(count)d rows.")
                           % {"row": header_row, "count": HEADER_SEARCH_ROWS}, field="header_row")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_frame(lines: list[int], rows: list[list], width: int) -> pl.DataFrame:
    """Build a frame with a text column per column and typed companions for numbers and dates."""
    data: dict[str, pl.Series] = {"line": pl.Series("line", lines, dtype=pl.Int64)}
    for index in range(width):
        cells = [row[index] if index < len(row) else None for row in rows]
        numbers = [float(cell) if isinstance(cell, (int, float)) and not isinstance(cell, bool) else None for cell in cells]
        times = [cell if isinstance(cell, dt.datetime) else
                 dt.datetime.combine(cell, dt.time()) if isinstance(cell, dt.date) else None for cell in cells]
        texts = [None if number is not None or moment is not None or cell is None else str(cell)
                 for cell, number, moment in zip(cells, numbers, times, strict=True)]
        data[f"c{index}"] = pl.Series(texts, dtype=pl.Utf8)
        if any(number is not None for number in numbers):
            data[f"c{index}:num"] = pl.Series(numbers, dtype=pl.Float64)
        if any(moment is not None for moment in times):
            data[f"c{index}:time"] = pl.Series(times, dtype=pl.Datetime("us"))
    return pl.DataFrame(data)


def read_sheet(path: Path, *, sheet: str | None, header_row: int | None, wanted: set[str], known: set[str]) -> Table:
    """Read one sheet of an XLSX or XLS workbook; the first sheet unless `sheet` names another."""
    if path.suffix.lower() == ".xls":
        rows, merged_rows = _read_xls(path, sheet)
    else:
        rows, merged_rows = _read_xlsx(path, sheet), None
    texts = [[_cell_text(cell) for cell in row] for row in rows[:HEADER_SEARCH_ROWS]]
    index = _header_index(header_row, list(range(1, len(texts) + 1)), texts, wanted, known)
    merged = merged_rows.get(index - 1, []) if merged_rows is not None else None
    columns = build_columns(texts[index], texts[index - 1] if index > 0 else None, merged)
    lines, data = [], []
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        if any(_cell_text(cell).strip() for cell in row[:len(columns)]):
            lines.append(number)
            data.append(row)
    return Table(columns, index + 1, iter([_sheet_frame(lines, data, len(columns))]), [], lambda: 1.0)


def _read_xls(path: Path, sheet: str | None) -> tuple[list[list], dict[int, list[tuple[int, int]]]]:
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    target = _pick_sheet(book.sheet_names(), sheet)
    data = book.sheet_by_name(target)
    rows = []
    for row_index in range(data.nrows):
        row = []
        for cell in data.row(row_index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                row.append(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(None)
            else:
                row.append(cell.value)
        rows.append(row)
    merged: dict[int, list[tuple[int, int]]] = {}
    for row_low, row_high, col_low, col_high in data.merged_cells:
        for row_index in range(row_low, row_high):
            merged.setdefault(row_index, []).append((col_low, col_high))
    return rows, merged


def _read_xlsx(path: Path, sheet: str | None) -> list[list]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        target = _pick_sheet(book.sheetnames, sheet)
        return [list(row) for row in book[target].iter_rows(values_only=True)]
    finally:
        book.close()


def _pick_sheet(names: list[str], wanted: str | None) -> str:
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    raise ValidationFailed(_("Sheet %(sheet)s not found; the workbook has: %(names)s.")
                           % {"sheet": wanted, "names": ", ".join(names)}, field="sheet")


def read_table(path: Path, *, sheet=None, header_row=None, encoding=None, delimiter=None,
               wanted: set[str] = frozenset(), known: set[str] = frozenset()) -> Table:
    if not path.exists():
        raise ValidationFailed(_("File %(path)s not found.") % {"path": path}, field="file")
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        return read_sheet(path, sheet=sheet, header_row=header_row, wanted=wanted, known=known)
    return read_text(path, encoding=encoding, delimiter=delimiter, header_row=header_row, wanted=wanted, known=known)
