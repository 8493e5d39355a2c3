"""Uploaded bytes -> a Polars frame of strings.

Everything is read as text on purpose: typing (dates, amounts, flags) happens later, per column,
in `truce.parsing`, where the format can be detected from the values. Polars would otherwise
guess (and `try_parse_dates` guesses wrong: `20-10-16` becomes year 0016).
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import PurePath

import fastexcel
import polars as pl

SAMPLE_BYTES = 64 * 1024  # sniff on a sample only: the full file goes straight to Polars
SNIFF_ROWS = 200
HEADER_SEARCH_ROWS = 30  # report title lines above the header are few
MAX_UNZIPPED_BYTES = 1024**3  # zip bomb guard for xlsx
MAX_ZIP_RATIO = 200
# Memory a table may take once opened, estimated before it is built: a small Parquet or
# xlsx can repeat one long text millions of times (a dictionary, a shared string).
MAX_TABLE_BYTES = 1024**3
CELL_BYTES = 16  # a Polars string view per cell (texts over 12 bytes are stored besides)
XLSX_CELL_BYTES = 48  # the Excel reader's cell plus our string view
INFLATE_CHUNK = 1024**2
REFS_SAMPLE_BYTES = 4 * 1024**2  # shared-string references read from each sheet's start
MAX_LINE_BYTES = 8 * 1024**2  # no export has an 8 MB row; Polars is slow on millions of fields
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tabs", "|": "'|'"}

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
PARQUET_MAGIC = b"PAR1"
EXCEL_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}

# A cell that reads as a number (or amount / date): header rows are mostly not like this.
_NUMBERISH = re.compile(r"^[-+($€£]*[\d.,:/\s-]*\d[\d.,:/\s%)-]*$")
# Cell shapes, to tell a report's summary rows from data by their shape, not their words.
_NUMBER_CELL = re.compile(r"^[-+(]?[$€£]?\s?[-+]?\d[\d,.\s']*%?\)?$")
_DATE_CELL = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
MAX_FOOTER_ROWS = 5  # summary and disclaimer lines under a report
FOOTER_BODY_ROWS = 200  # rows above them whose shapes they are compared with
NULL_MARK = "\\N"  # MySQL and PostgreSQL dumps write NULL this way
_ESCAPED_QUOTE = re.compile(rb'\\"(?![,;\t|\r\n]|$)')
_BACKSLASH_ESCAPE = re.compile(rb'\\(["\\])')
_SI = re.compile(rb"<si[ >]")
_SHARED_REF = re.compile(rb'<c [^>]*t="s"[^>]*>\s*<v>(\d+)</v>')
_LONE_CR = re.compile(r"\r(?!\n)")


class LoadError(ValueError):
    """A file that cannot be read as a table.

    str(error) is one plain-English line meant for a non-technical user.
    """


@dataclass(frozen=True)
class LoadedFile:
    name: str  # the file name as uploaded
    frame: pl.DataFrame  # every column pl.String, values stripped, "" -> null
    notes: tuple[str, ...]  # what was detected, in plain words
    skipped_rows: int  # data rows that could not be kept; the reason is in notes

    def without_rows(self) -> LoadedFile:
        """Name, notes and column names only: what the Data page shows once rows are typed."""
        return replace(self, frame=self.frame.clear())


def read_table(data: bytes, filename: str) -> LoadedFile:
    """Read an uploaded CSV/TSV/text, Excel or Parquet file into a frame of strings."""
    name = PurePath(filename).name or "The file"
    # Check the sample first: strip() on the whole file would copy it.
    if not data[:SAMPLE_BYTES].strip() and not data.strip():
        raise LoadError(f"{name} is empty.")
    ext = PurePath(filename).suffix.lower()
    try:
        if data.startswith(PARQUET_MAGIC):
            frame, notes, skipped = _read_parquet(data, name)
        elif data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
            frame, notes, skipped = _read_excel(data, name)
        elif ext == ".parquet":
            raise LoadError(f"{name} is named like a Parquet file but is not one.")
        else:
            frame, notes, skipped = _read_text(data, name, ext)
    except LoadError:
        raise
    except Exception as error:  # never let a library's technical error reach the user
        raise LoadError(
            f"{name} could not be read as a table: it may be damaged. Export it again."
        ) from error
    if frame.height == 0:
        raise LoadError(f"{name} has column names but no rows.")
    notes.extend(_extension_note(data, ext))
    return LoadedFile(name=name, frame=frame, notes=tuple(notes), skipped_rows=skipped)


def _extension_note(data: bytes, ext: str) -> list[str]:
    """A file whose name says one format and whose bytes say another was read by its bytes."""
    workbook = data.startswith((ZIP_MAGIC, OLE_MAGIC))
    if ext in EXCEL_EXTENSIONS and not workbook and not data.startswith(PARQUET_MAGIC):
        return [f"The file is named like an Excel workbook ({ext}) but holds text; read as text."]
    if workbook and ext not in EXCEL_EXTENSIONS:
        return [f"The file is named {ext or 'without an extension'} but is an Excel workbook."]
    return []


# ---------------------------------------------------------------------------- text files


def _read_text(data: bytes, name: str, ext: str) -> tuple[pl.DataFrame, list[str], int]:
    raw, encoding_note = _to_utf8(data, name, ext)
    passed_through = raw is data
    raw = _check_lines(raw, name)
    try:
        return _read_utf8(raw, encoding_note, name)
    except pl.exceptions.ComputeError as error:
        # The sample was UTF-8 but a later byte is not: validating the whole file up front
        # would cost a full extra pass on every (valid) large file, so recover here instead.
        if not passed_through or "utf-8" not in str(error).lower():
            if raw.count(b'"') % 2:
                raise LoadError(
                    f'{name} could not be read: a quote mark (") opens a value that is never '
                    "closed, so its rows cannot be told apart. Fix that quote or export it again."
                ) from error
            raise
    raw = _check_lines(_recode(data, "cp1252", name), name)
    return _read_utf8(raw, "Windows-1252 text", name)


def _check_lines(raw: bytes, name: str) -> bytes:
    """Old Mac exports end lines with CR only: make them LF. A line of many megabytes is not
    a table row (and would take Polars minutes to split): refuse it. Cheap on any file: a line
    longer than MAX_LINE_BYTES covers a whole aligned window of half that size, so only one
    search per window is needed."""
    if b"\n" not in raw and b"\r" in raw:
        raw = raw.replace(b"\r", b"\n")
    half = MAX_LINE_BYTES // 2
    for start in range(0, len(raw) - half + 1, half):
        if raw.find(b"\n", start, start + half) >= 0:
            continue
        begin = raw.rfind(b"\n", 0, start) + 1
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        if end - begin > MAX_LINE_BYTES:
            line = raw.count(b"\n", 0, begin) + 1
            raise LoadError(
                f"{name} does not look like a table: line {line:,} is "
                f"{(end - begin) / 1024**2:,.0f} MB long."
            )
    return raw


def _read_utf8(raw: bytes, encoding_note: str, name: str) -> tuple[pl.DataFrame, list[str], int]:
    raw, dialect_notes = _backslash_escapes(raw)
    sample = raw[:SAMPLE_BYTES]
    whole = len(raw) <= SAMPLE_BYTES
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=whole)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise LoadError(f"{name} is empty.")
    if not whole:  # the last sampled line is probably cut in two: leave it out
        text = text[: text.rfind("\n") + 1] or text
    # Polars ends lines at LF only (a lone CR stays in its value): sniff the same lines, or
    # the header's line number is off by one and the first data row is lost.
    text = _LONE_CR.sub(" ", text)
    delimiter = _sniff_delimiter(text)
    rows = _sample_rows(text, delimiter)
    first_filled = next((i for i, (fields, _, _) in enumerate(rows) if _trim(fields)), 0)
    headless = _no_header(rows, first_filled)
    header_at = first_filled if headless else _find_header(rows)
    header, first_line, skip_lines = rows[header_at]
    separated = f"Read as {encoding_note}, separated by {DELIMITER_NAMES[delimiter]}"
    if headless:
        names = [f"column_{i}" for i in range(1, len(header) + 1)]
        skip_lines = first_line - 1
        notes = [f"{separated}.", _no_header_note(len(names))]
    else:
        names = _clean_names(header)
        notes = [f"{separated}, header on line {first_line}.", *_renamed_note(header, names, names)]
    notes += dialect_notes
    null_values = [NULL_MARK] if _holds_null_mark(raw) else None
    if null_values:
        notes.append(r"Cells written \N (how databases write an empty value) were read as empty.")

    raw, skipped = _drop_truncated_last_line(raw, delimiter, len(names), notes)
    frame = _polars_csv(raw, delimiter, names, skip_lines, notes, null_values)
    frame, skipped_footer = _finish(frame, notes)
    return frame, notes, skipped + skipped_footer


def _holds_null_mark(raw: bytes) -> bool:
    """Whether some cell could be \\N. Most files hold no backslash at all, and looking for
    one byte is 25 times faster than looking for two (0.1 s per 170 MB)."""
    return b"\\" in raw and NULL_MARK.encode() in raw


def _to_utf8(data: bytes, name: str, ext: str) -> tuple[bytes, str]:
    """Return UTF-8 bytes for Polars and a plain description of the original encoding.

    UTF-8 (the common, large case) is passed through untouched: Polars strips a UTF-8 BOM
    itself. Other encodings are decoded and re-encoded once.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data, "UTF-8 text (with BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _recode(data, "utf-16", name), "UTF-16 text"
    sample = data[:SAMPLE_BYTES]
    if b"\x00" in sample:
        utf16 = _utf16_without_bom(sample)
        if utf16:
            return _recode(data, utf16, name), "UTF-16 text (no BOM)"
        if sample.count(0) > max(2, len(sample) // 1000):
            raise _not_a_table(name, ext)
        # A few stray NULs in a text export (a bad field from the source system): drop them.
        raw, note = _to_utf8(data.replace(b"\x00", b""), name, ext)
        return raw, f"{note} (stray NUL characters removed)"
    # Control characters other than tab/CR/LF/form feed do not occur in real text exports.
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    if controls > max(2, len(sample) // 100):
        raise _not_a_table(name, ext)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(data) <= SAMPLE_BYTES)
    except UnicodeDecodeError:
        return _recode(data, "cp1252", name), "Windows-1252 text"
    return data, "UTF-8 text"


def _utf16_without_bom(sample: bytes) -> str | None:
    """Excel 'Unicode text' without BOM: ASCII-range text has a NUL in every other byte."""
    even, odd = sample[0::2], sample[1::2]
    if not even or not odd:
        return None
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _recode(data: bytes, encoding: str, name: str) -> bytes:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "cp1252":
            raise LoadError(f"{name} looks like {encoding.upper()} text but is damaged.") from None
        # Bytes undefined in Windows-1252 (0x81, 0x8D...): Latin-1 keeps every byte readable.
        text = data.decode("latin-1")
    return text.removeprefix("\ufeff").encode("utf-8")


def _not_a_table(name: str, ext: str) -> LoadError:
    if ext in EXCEL_EXTENSIONS:
        return LoadError(f"{name} is named like an Excel file but is not a readable workbook.")
    return LoadError(f"{name} does not look like a table: it contains binary data.")


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the most lines into the same number (>1) of fields.

    csv.Sniffer is not used: it is slow on wide samples and picks ',' on semicolon files
    whose values contain decimal commas.
    """
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(_trim(r)) for r, _, _ in _sample_rows(text, delimiter) if _trim(r)]
        if not counts:
            continue
        modal, freq = Counter(counts).most_common(1)[0]
        if modal < 2:
            continue
        score = (freq / len(counts), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _sample_rows(text: str, delimiter: str) -> list[tuple[list[str], int, int]]:
    """Rows of the sample as (fields, first physical line, physical lines consumed so far)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, previous = [], 0
    try:
        for fields in reader:
            rows.append((fields, previous + 1, reader.line_num))
            previous = reader.line_num
            if len(rows) >= SNIFF_ROWS:
                break
    except csv.Error:
        pass  # a broken quote in the sample: what was read so far is enough to sniff
    return rows


def _trim(fields: list[str]) -> list[str]:
    """Fields without trailing blanks: exports often pad rows with empty cells."""
    end = len(fields)
    while end and not fields[end - 1].strip():
        end -= 1
    return fields[:end]


def _find_header(rows: list[tuple[list[str], int, int]]) -> int:
    """Index of the header: the first row at least as wide as the typical following row and
    mostly non-numeric. Report title lines above it are narrower and get skipped."""
    widths = [len(_trim(fields)) for fields, _, _ in rows]
    first_filled = next((i for i, w in enumerate(widths) if w), 0)
    for i in range(first_filled, min(len(rows), HEADER_SEARCH_ROWS)):
        if not widths[i]:
            continue
        following = [w for w in widths[i + 1 : i + 101] if w]
        # Ties go to the narrower width, so a ragged little file keeps its first line.
        counts = Counter(following)
        modal = min(counts, key=lambda w: (-counts[w], w)) if following else widths[i]
        cells = [c.strip() for c in rows[i][0] if c.strip()]
        numeric = sum(bool(_NUMBERISH.match(c)) for c in cells)
        # A header may end in blank names over filled columns: then count its full width,
        # as long as most of it is named (a padded title line 'Report,,,,' is not).
        wide = widths[i] >= modal or (len(rows[i][0]) >= modal and len(cells) * 2 > modal)
        if wide and numeric <= len(cells) / 2:
            return i
    return first_filled


def _no_header(rows: list[tuple[list[str], int, int]], at: int) -> bool:
    """Is the first row data (a database dump has no header)? It is as wide as the rows
    below, every one of its cells has the shape of its column's values (a name over dates or
    IDs is a header), and some are dates, IDs or emails: a row of words over words, or
    numbers over numbers, stays a header."""
    first = [c.strip() for c in rows[at][0]]
    below = [fields for fields, _, _ in rows[at + 1 : at + 51] if _trim(fields)]
    if not below or len(_trim(first)) < Counter(len(_trim(r)) for r in below).most_common(1)[0][0]:
        return False
    telling = 0
    for j, cell in enumerate(first):
        values = [r[j].strip() for r in below if j < len(r) and r[j].strip()]
        if not values or not cell:
            continue
        modal = Counter(_shape(v) for v in values).most_common(1)[0][0]
        if modal != "text" and _shape(cell) != modal:
            return False
        telling += modal in ("date", "id", "email")
    return telling > 0


def _no_header_note(width: int) -> str:
    return (
        "The first row looks like data, not column names: columns are named "
        f"column_1 to column_{width}."
    )


def _backslash_escapes(raw: bytes) -> tuple[bytes, list[str]]:
    """Database dumps write a quote inside a quoted value as \\" (and a backslash as \\\\);
    Polars reads only the standard "" . Rewrite them when the sample shows that style: a \\"
    that is not a value's closing quote (followed by a separator or the line's end)."""
    if not _ESCAPED_QUOTE.search(raw[:SAMPLE_BYTES]):
        return raw, []
    raw = _BACKSLASH_ESCAPE.sub(lambda m: b'""' if m.group(1) == b'"' else b"\\", raw)
    return raw, ['Quotes written \\" inside values were read as quotes.']


def _clean_names(header: list[str]) -> list[str]:
    """Strip names, name blanks 'column_<n>' (1-based), suffix duplicates '_2', '_3'."""
    names: list[str] = []
    seen: set[str] = set()
    for position, raw in enumerate(header, start=1):
        base = raw.strip() or f"column_{position}"
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}_{n}"
        seen.add(candidate)
        names.append(candidate)
    return names


def _renamed_note(header: list[str], names: list[str], kept: list[str]) -> list[str]:
    """Say which columns got a made-up name (blank or repeated in the file)."""
    renamed = [
        f"'{name}'"
        for raw, name in zip(header, names, strict=False)
        if name in kept and raw.strip() != name
    ]
    if not renamed:
        return []
    return [f"Blank or repeated column names were renamed: {', '.join(renamed)}."]


def _drop_truncated_last_line(
    raw: bytes, delimiter: str, width: int, notes: list[str]
) -> tuple[bytes, int]:
    """A download cut short ends mid-row: no final newline and too few fields, or an open
    quote (which would make Polars fail). Drop that row and say so."""
    if raw.endswith((b"\n", b"\r")):
        return raw, 0
    cut = raw.rfind(b"\n")
    if cut < 0:
        return raw, 0
    last = raw[cut + 1 :].decode("utf-8", "replace")
    fields = next(csv.reader([last], delimiter=delimiter), [])
    if last.count('"') % 2 == 0 and len(fields) >= width:
        return raw, 0
    notes.append("The last row was cut short (the file may be incomplete) and was skipped.")
    return raw[: cut + 1], 1


def _polars_csv(
    raw: bytes,
    delimiter: str,
    names: list[str],
    skip_lines: int,
    notes: list[str],
    null_values: list[str] | None,
) -> pl.DataFrame:
    """Read with our own header names (Polars would rename duplicates its own way)."""
    options = {
        "has_header": False,
        "null_values": null_values,
        "skip_lines": skip_lines,
        "separator": delimiter,
        "raise_if_empty": False,
        "missing_columns": "insert",  # the first data row may be shorter than the header
    }
    try:
        return pl.read_csv(raw, schema=dict.fromkeys(names, pl.String), **options)
    except pl.exceptions.SchemaError:
        pass  # the first data row is wider than the header
    except pl.exceptions.ComputeError as error:
        if "more fields" not in str(error):  # a later row is wider than the header
            raise
    # Some rows have more fields than the header: read a few extra columns to count the rows
    # that lose values, then keep the first len(names) fields.
    extra = [f"__extra_{i}" for i in range(8)]
    frame = pl.read_csv(
        raw,
        schema=dict.fromkeys(names + extra, pl.String),
        truncate_ragged_lines=True,
        extra_columns="ignore",
        **options,
    )
    has_extra = pl.any_horizontal(pl.col(extra).str.strip_chars().str.len_bytes() > 0)
    count = frame.select(has_extra.fill_null(False).sum()).item()
    if count:
        notes.append(
            f"{count:,} row(s) had more values than there are column names; "
            f"only their first {len(names)} values were kept."
        )
    return frame.drop(extra)


# ---------------------------------------------------------------------------- excel, parquet


def _read_excel(data: bytes, name: str) -> tuple[pl.DataFrame, list[str], int]:
    if data.startswith(ZIP_MAGIC):
        _check_zip(data, name)
    try:
        reader = fastexcel.read_excel(data)
    except Exception as error:
        raise LoadError(f"{name} could not be opened as an Excel workbook.") from error
    sheets = reader.sheet_names
    found = None
    for sheet_name in sheets:
        # All cells as strings: fastexcel writes dates as 'YYYY-MM-DD HH:MM:SS'.
        sheet = reader.load_sheet(sheet_name, header_row=None, dtypes="string").to_polars()
        table = _sheet_table(sheet)
        if table is not None and _has_values(table[0]):
            found = (sheet_name, *table)
            break
        found = found or (table and (sheet_name, *table))
    if found is None:
        raise LoadError(f"{name} has no sheet with data.")
    sheet_name, frame, header_at, renamed = found
    of = f"of {len(sheets)} sheets" if len(sheets) > 1 else "(the only sheet)"
    notes = [f"Sheet '{sheet_name}' {of} read.", *renamed]
    if header_at:
        notes.append(f"{header_at} title row(s) above the column names were skipped.")
    frame, skipped = _finish(frame, notes)
    return frame, notes, skipped


def _has_values(frame: pl.DataFrame) -> bool:
    # filter, not .any(): Polars 2.1 says True for `.any()` on a 1-row frame sliced to 0 rows.
    return bool(frame.width and frame.filter(pl.any_horizontal(pl.all().is_not_null())).height)


def _sheet_table(sheet: pl.DataFrame) -> tuple[pl.DataFrame, int, list[str]] | None:
    """A sheet's rows under its header, the header's row index and the renaming note.
    A cover sheet with a title only gives a table with no rows; None when the sheet is blank."""
    if not (sheet.height and sheet.width):
        return None
    sheet = sheet.select(_date_only(pl.col(c)) for c in sheet.columns)
    head = [["" if v is None else str(v) for v in row] for row in sheet.head(SNIFF_ROWS).rows()]
    header_at = _find_header([(row, 0, 0) for row in head])
    names = _clean_names(head[header_at])
    frame = sheet.slice(header_at + 1)
    frame.columns = names
    # fastexcel returns the sheet's used range: trailing unnamed, empty columns are noise.
    frame = frame.select(
        c
        for i, c in enumerate(names)
        if head[header_at][i].strip() or frame[c].null_count() < frame.height
    )
    return frame, header_at, _renamed_note(head[header_at], names, frame.columns)


def _date_only(column: pl.Expr) -> pl.Expr:
    """'2020-01-03 00:00:00' -> '2020-01-03' when every datetime in the column is midnight:
    Excel date cells carry no time, and a spurious 00:00:00 would read as a timestamp."""
    stamp = column.str.contains(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    midnight = column.str.ends_with(" 00:00:00")
    all_midnight = (stamp & ~midnight).fill_null(False).sum() == 0
    return (
        pl.when(all_midnight & stamp)
        .then(column.str.slice(0, 10))
        .otherwise(column)
        .alias(column.meta.output_name())
    )


def _check_zip(data: bytes, name: str) -> None:
    """Refuse zip bombs before fastexcel inflates anything.

    Each member is inflated here with a byte cap, whatever sizes the zip directory declares
    (a forged directory passes a check of its own numbers), and the sheets' cells are counted
    to estimate the memory the table takes once every shared-string reference is expanded.
    """
    refused = LoadError(f"{name} expands to an unsafe size when opened and was refused.")
    budget = min(MAX_UNZIPPED_BYTES, MAX_ZIP_RATIO * len(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > budget:
                raise refused
            # Shared strings first: the sheets' references are priced by their lengths.
            infos.sort(key=lambda info: not info.filename.endswith("sharedStrings.xml"))
            cells = _CellCount()
            for info in infos:
                budget -= _inflate(archive, info, budget, refused, cells.feed(info.filename))
    except zipfile.BadZipFile as error:
        raise LoadError(f"{name} is a damaged zip or Excel file.") from error
    if cells.estimate() > MAX_TABLE_BYTES:
        raise refused


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, refused, feed) -> int:
    """Inflate one member chunk by chunk; its real size, refused past the budget or the size
    the directory declares."""
    actual = copy.copy(info)
    actual.file_size = budget + 1  # read to the end of the stream, not to the declared size
    actual.CRC = None  # whose check would fail first on a member whose size is a lie
    size = 0
    with archive.open(actual) as member:
        while chunk := member.read(INFLATE_CHUNK):
            size += len(chunk)
            if size > budget or size > info.file_size:
                raise refused
            feed(chunk)
    return size


class _CellCount:
    """Cells and shared-string references of an xlsx, counted while its members stream by."""

    def __init__(self) -> None:
        self.string_starts: list[int] = []  # offsets of <si> in sharedStrings.xml
        self.strings_end = 0
        self.cells = self.shared_cells = 0
        self.refs: list[int] = []  # shared-string indices met in the first bytes of sheets
        self.sheet_bytes = 0

    def feed(self, member: str):
        if member.endswith("sharedStrings.xml"):
            return self._strings
        if member.startswith("xl/worksheets/") and member.endswith(".xml"):
            self.sheet_bytes = 0
            return self._sheet
        return lambda chunk: None

    def _strings(self, chunk: bytes) -> None:
        # A tag cut by the chunk edge is missed: one string more or less does not matter.
        self.string_starts += [self.strings_end + m.start() for m in _SI.finditer(chunk)]
        self.strings_end += len(chunk)

    def _sheet(self, chunk: bytes) -> None:
        self.cells += chunk.count(b"<c ") + chunk.count(b"<c>")
        self.shared_cells += chunk.count(b't="s"')
        if self.sheet_bytes < REFS_SAMPLE_BYTES:
            self.refs += [int(m.group(1)) for m in _SHARED_REF.finditer(chunk)]
        self.sheet_bytes += len(chunk)

    def estimate(self) -> int:
        """Bytes the sheets take once read: a cell each, and each shared reference's text
        twice (the Excel reader's copy and ours)."""
        ends = [*self.string_starts[1:], self.strings_end]
        lengths = [end - start for start, end in zip(self.string_starts, ends, strict=True)]
        priced = [lengths[i] for i in self.refs if i < len(lengths)] or lengths or [0]
        return self.cells * XLSX_CELL_BYTES + 2 * self.shared_cells * sum(priced) // len(priced)


def _read_parquet(data: bytes, name: str) -> tuple[pl.DataFrame, list[str], int]:
    rows = pl.scan_parquet(io.BytesIO(data)).select(pl.len()).collect().item()
    head = pl.read_parquet(io.BytesIO(data), n_rows=SNIFF_ROWS)
    _check_table_size(name, rows, head.select(_as_string(head[c]) for c in head.columns))
    frame = pl.read_parquet(io.BytesIO(data))
    frame = frame.select(_as_string(frame[c]) for c in frame.columns)
    notes = [f"Parquet file with {frame.width} columns read."]
    frame, skipped = _finish(frame, notes)
    return frame, notes, skipped


def _check_table_size(name: str, rows: int, head: pl.DataFrame) -> None:
    """Refuse a table whose text would not fit in memory: rows x the width of its first rows,
    before any column is cast (a dictionary-encoded column is small until it is)."""
    if not head.height:
        return
    widths = head.select(pl.all().str.len_bytes().fill_null(0).mean()).row(0)
    estimate = rows * sum(CELL_BYTES + width for width in widths)
    if estimate > MAX_TABLE_BYTES:
        raise LoadError(
            f"{name} would take about {estimate / 1024**3:,.0f} GB of memory once opened "
            "and was refused."
        )


def _as_string(series: pl.Series) -> pl.Series:
    """Parquet keeps types; downstream expects text, with ISO dates."""
    dtype = series.dtype
    if dtype == pl.Datetime:
        return series.dt.replace_time_zone(None).dt.to_string("%Y-%m-%d %H:%M:%S")
    if dtype == pl.Date:
        return series.dt.to_string("%Y-%m-%d")
    if dtype.is_nested() or dtype == pl.Object:
        return pl.Series(
            series.name, [None if v is None else str(v) for v in series.to_list()], pl.String
        )
    return series.cast(pl.String)


# ---------------------------------------------------------------------------- shared clean-up


def _finish(frame: pl.DataFrame, notes: list[str]) -> tuple[pl.DataFrame, int]:
    """Strip values, blank -> null, drop empty rows and footer rows. Returns rows skipped."""
    # Stripping every column costs more than parsing the file, so strip only the columns
    # where some value starts or ends with a space (the way padded exports look). A value
    # starts with a space when it sorts from " " to just before "!": comparing reads the
    # first bytes kept beside each value, cheaper than str.starts_with.
    if frame.height:
        padded = frame.select(
            (((pl.col(c) >= " ") & (pl.col(c) < "!")) | pl.col(c).str.ends_with(" ")).any()
            for c in frame.columns
        ).row(0, named=True)
        frame = frame.with_columns(
            pl.col(c).str.strip_chars().replace("", None) for c, pad in padded.items() if pad
        )
    frame, footer = _drop_footer(frame)
    empty = pl.all_horizontal(pl.all().is_null())
    blank_rows = frame.select(empty.sum()).item() if frame.width else 0
    if blank_rows:  # filtering copies every column: only when there is a row to leave out
        frame = frame.filter(~empty)
        notes.append(f"{blank_rows:,} empty rows were ignored.")

    if footer:
        notes.append(f"{footer} footer row(s) at the end (like totals) were skipped.")
    return frame, footer


def _drop_footer(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Leave out the summary rows a report export ends with (totals, fractions, disclaimers);
    how many (non-blank) rows were left out. Only the tail is looked at."""
    rows = frame.tail(FOOTER_BODY_ROWS + 2 * MAX_FOOTER_ROWS).rows()
    end = len(rows)
    # A block after a blank row: summary-shaped rows, or rows that leave empty the columns
    # every data row fills (a disclaimer line, a record count).
    while True:
        while end and _blank(rows[end - 1]):
            end -= 1
        blank = next((i for i in range(end - 1, -1, -1) if _blank(rows[i])), -1)
        body = [r for r in rows[:blank] if not _blank(r)] if blank > 0 else []
        block = rows[blank + 1 : end]
        if not body or len(block) > MAX_FOOTER_ROWS:
            break
        if not all(_summary(r, body, True) for r in block):
            break
        end = blank
    # Then summary-shaped rows right under the data.
    while end > 1 and len(rows) - end < 2 * MAX_FOOTER_ROWS:
        body = [r for r in rows[: end - 1] if not _blank(r)]
        if _blank(rows[end - 1]) or not _summary(rows[end - 1], body, False):
            break
        end -= 1
    footer = sum(not _blank(r) for r in rows[end:])
    if not footer:
        return frame, 0
    return frame.head(frame.height - (len(rows) - end)), footer


def _blank(row: tuple) -> bool:
    return all(v is None for v in row)


def _shape(value: str | None) -> str:
    if value is None:
        return "empty"
    if _DATE_CELL.match(value):
        return "date"
    if _NUMBER_CELL.match(value):
        return "number"
    if "@" in value:
        return "email"
    if " " not in value and any(c.isdigit() for c in value):
        return "id"
    return "text"


def _summary(row: tuple, body: list[tuple], separated: bool) -> bool:
    """Is this row a summary of the rows above rather than one more of them?

    Its cells after the first filled one are all numbers (or none), and its first cells do
    not look like that column's values: only numbers where the ID column is always filled,
    or words where IDs are. A row
    after a blank line may instead leave empty most columns every row above fills. A name
    like 'Total Wine & More' in a column of names, with its source and date, stays data.
    """
    filled = [i for i, v in enumerate(row) if v is not None]
    if not filled or any(_shape(row[i]) != "number" for i in filled[1:]):
        return False
    label = filled[0]
    shapes = {_shape(r[label]) for r in body}
    always = [i for i in range(len(row)) if all(r[i] is not None for r in body)]
    no_id = 0 in always and label > 0 and _shape(row[label]) == "number"
    misfit = no_id or _shape(row[label]) not in shapes
    if misfit:
        return True
    return separated and sum(row[i] is None for i in always) * 2 >= len(always) > 0
