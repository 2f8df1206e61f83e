"""Reading an uploaded file: its bytes as text, its rows one at a time, its dates as
written, and the refusal that names the line and column at fault."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import lru_cache

from api.domain import Invalid
from api.fields import EARLIEST

# A CSV file may hold at most this many data rows (read one at a time, never all at once).
MAX_ROWS = 200_000
# A single cell longer than this is not a diary cell (csv's own limit is 128 KiB).
MAX_CELL = 100_000


class BadFile(Invalid):
    """A file, or one of its cells, that cannot be imported: `line` and `column` say where
    (1-based line of the file as a text editor counts them; the column's header)."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None
                 ) -> None:
        where = ", ".join(part for part in (
            f"line {line}" if line is not None else "",
            f"column {column!r}" if column is not None else "") if part)
        super().__init__("file", f"{where.capitalize()}: {message}" if where else message)
        self.extra = {"line": line, "column": column}


def decoded(body: bytes) -> tuple[str, str]:
    """The file as text, and the encoding it was read as: UTF-8 (with or without a BOM),
    UTF-16 with a BOM, or Windows-1252 when the bytes are not UTF-8 but read as plain
    Western text. Anything else is refused, saying what was tried."""
    if body.startswith(codecs.BOM_UTF8):
        return _decode(body[3:], "utf-8"), "utf-8"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(body, "utf-16"), "utf-16"
    if b"\x00" in body[:4096]:
        raise BadFile("The file looks like UTF-16 without a byte-order mark, or is not a "
                      "text file. Save it as UTF-8 (CSV UTF-8 in a spreadsheet) and try "
                      "again.")
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError:
        raise BadFile("The file is neither UTF-8 nor Windows-1252 text. Save it as UTF-8 "
                      "(CSV UTF-8 in a spreadsheet) and try again.") from None
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        raise BadFile("The file is not UTF-8 text and does not read as Windows-1252 "
                      "either. Save it as UTF-8 and try again.")
    return text, "windows-1252"


def _decode(body: bytes, encoding: str) -> str:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        line = body[:error.start].count(b"\n" if encoding == "utf-8" else "\n".encode(
            "utf-16-le")) + 1
        raise BadFile(f"The file says it is {encoding.upper()} but is not.", line=line
                      ) from None


@dataclass(frozen=True)
class Row:
    line: int  # the file's line the row starts on
    cells: dict[str, str]


def header_of(text: str) -> tuple[list[str], str]:
    """The first line's column names and the separator: `;` when the header has more of
    them than commas (a spreadsheet in a comma-decimal locale), else `,`."""
    first = text.split("\n", 1)[0].rstrip("\r")
    separator = ";" if first.count(";") > first.count(",") else ","
    names = next(csv.reader([first], delimiter=separator), [])
    return [name.strip() for name in names], separator


def rows(text: str, *, required: tuple[str, ...] = (), lowercase: bool = False
         ) -> Iterator[Row]:
    """The data rows after the header, one at a time, by column name (lower-cased, if asked:
    for a format whose header's case varies). Quoted cells may hold line breaks and
    separators. Missing required columns, a row with more cells than the header, and more
    than MAX_ROWS rows are refused by line."""
    header, separator = header_of(text)
    if lowercase:
        header = [name.lower() for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise BadFile(f"Missing column(s): {', '.join(missing)}. The header has: "
                      f"{', '.join(header)}.", line=1)
    reader = csv.reader(_lines(text), delimiter=separator, strict=True)
    try:
        next(reader)
        count = 0
        line = reader.line_num + 1
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                line = reader.line_num + 1
                continue
            count += 1
            if count > MAX_ROWS:
                raise BadFile(f"The file has more than {MAX_ROWS:,} rows. Split it by "
                              "date and import each part.", line=line)
            if len(cells) > len(header):
                raise BadFile(f"{len(cells)} cells where the header names {len(header)}: "
                              "is a separator or a quote mark out of place?", line=line)
            if max(map(len, cells)) > MAX_CELL:
                raise BadFile(f"A cell longer than {MAX_CELL:,} characters.", line=line)
            yield Row(line, dict(zip(header, cells, strict=False)))
            line = reader.line_num + 1
    except csv.Error as error:
        raise BadFile(f"Not readable as CSV ({error}).", line=reader.line_num) from None


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, one at a time (no second copy of the file)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")


def day_of(value: str, row: Row, column: str, latest: date) -> date:
    """A date as written (YYYY-MM-DD, maybe followed by a time, which is ignored: no time
    zone shift), from 1900 up to `latest` (tomorrow in the patient's time zone)."""
    day = _iso_date(value)
    if day is None:
        raise BadFile(f"{value!r} is not a date written as YYYY-MM-DD.", line=row.line,
                      column=column)
    return checked_day(day, row.line, column, latest)


@lru_cache(maxsize=1024)  # a file names each date on many rows
def _iso_date(value: str) -> date | None:
    match = ISO_DATE.match(value)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def checked_day(day: date, line: int | None, column: str, latest: date) -> date:
    if day < EARLIEST:
        raise BadFile(f"{day.isoformat()} is before {EARLIEST.isoformat()}.", line=line,
                      column=column)
    if day > latest:
        raise BadFile(f"{day.isoformat()} is after tomorrow ({latest.isoformat()}): "
                      "a diary cannot hold it.", line=line, column=column)
    return day


def number_of(value: str, row: Row, column: str) -> Fraction | None:
    """A number as written ("7", "7.5", "7,5"); empty is None. Exact, never a float."""
    if not value:
        return None
    if value.isascii() and value.isdigit():  # most cells: a whole number, read fast
        return Fraction(int(value)) if len(value) <= 7 else _too_large(value, row, column)
    try:
        number = Fraction(value.replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise BadFile(f"{value!r} is not a number.", line=row.line, column=column) from None
    if not -1_000_000 <= number <= 1_000_000:
        raise BadFile(f"{value!r} is out of range.", line=row.line, column=column)
    return number


def _too_large(value: str, row: Row, column: str) -> Fraction:
    raise BadFile(f"{value!r} is out of range.", line=row.line, column=column)


def half_up(value: Fraction) -> int:
    """A non-negative score rounded once to a whole point, halves up (7.5 -> 8), as the
    analysis rounds what people read."""
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def parse_clock_date(year: str, written: str) -> date:
    """Daylio's older header: the year, then "March 5" or "5 March" (English months)."""
    for pattern in ("%Y %B %d", "%Y %d %B", "%Y %b %d", "%Y %d %b"):
        try:
            return datetime.strptime(f"{year} {written}", pattern).date()
        except ValueError:
            continue
    raise ValueError(written)


def tomorrow_of(today: date) -> date:
    return today + timedelta(days=1)
