"""Customer data in: read any real export, map its columns, validate every row, report exactly.

``read_table`` reads CSV/TSV/TXT (delimiter sniffed, encoding detected), XLSX and Parquet into
a ``RawTable`` of cells with their file line numbers; ``guess_mapping`` proposes which column
holds which field; ``ingest`` parses and validates the mapped columns, vectorised, into a
canonical frame plus a ``Report`` and the rejected rows. Nothing is silently changed or
dropped: every row that is not kept is in ``rejected`` with its line and reason, rows that repeat
an earlier row exactly are kept (unless asked otherwise) and named, and the report reconciles the
file's total amount with the amounts counted and skipped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from canvas.domain.errors import InvalidInput

SHOWN_LINES = 20  # problem lines listed in the report; the rest are counted
DELIMITERS = (",", ";", "\t", "|")


class IngestError(InvalidInput):
    """A file or mapping the user gave cannot be read; says what, where and what to do."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        super().__init__(message, field=column)
        self.line = line
        self.column = column


# --- Kinds of input and their fields -------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool
    synonyms: tuple[str, ...]


_CUSTOMER = ("customerid", "customer", "customerno", "customernumber", "clientid", "client", "kunde",
             "kundennummer", "kundenid", "kundennr", "cliente", "idcliente", "klant", "klantnummer",
             "codcliente", "numeroclient", "email", "customeremail", "mail", "emailaddress", "userid", "buyer")
_DATE = ("date", "orderdate", "createdat", "created", "createdutc", "datum", "bestelldatum", "fecha",
         "data", "datacommande", "datecommande", "purchasedate", "transactiondate", "invoicedate", "paidat",
         "timestamp", "time", "rechnungsdatum", "fechapedido", "dataordine", "orderdatum", "responsedate",
         "surveydate", "submittedat")
_AMOUNT = ("amount", "total", "revenue", "value", "price", "sales", "betrag", "umsatz", "summe", "montant",
           "importe", "importo", "bedrag", "valor", "totale", "gesamt", "gesamtbetrag", "totalprice",
           "amountpaid", "net", "netamount", "grandtotal", "subtotal", "spend", "cost", "kosten", "cout")
_ORDER = ("orderid", "order", "ordernumber", "orderno", "name", "invoice", "invoiceid", "invoicenumber",
          "bestellnummer", "bestellung", "rechnung", "rechnungsnummer", "commande", "numerocommande",
          "pedido", "numeropedido", "ordine", "bestelling", "transactionid", "chargeid", "id")
_SEGMENT = ("segment", "customersegment", "segmento", "kundensegment", "group", "customergroup", "tier",
            "type", "customertype", "kundengruppe", "categorie", "categoria")

KINDS: dict[str, tuple[Field, ...]] = {
    "transactions": (
        Field("customer_id", "Customer id", True, _CUSTOMER),
        Field("date", "Order date", True, _DATE),
        Field("amount", "Amount", True, _AMOUNT),
        Field("order_id", "Order id", False, _ORDER),
        Field("segment", "Segment", False, _SEGMENT),
    ),
    "surveys": (
        Field("customer_id", "Customer id", True, _CUSTOMER),
        Field("date", "Response date", True, _DATE),
        Field("nps", "NPS score (0-10)", False, ("nps", "npsscore", "score", "recommend", "likelihood",
                                               "promoterscore", "empfehlung")),
        Field("csat", "CSAT score (1-5)", False, ("csat", "csatscore", "satisfaction", "rating",
                                                 "zufriedenheit", "satisfaction1to5")),
        Field("segment", "Segment", False, _SEGMENT),
    ),
    "spend": (
        Field("period", "Period (month)", True, ("period", "month", "periode", "monat", "mois", "mes",
                                                 "mese", "maand") + _DATE),
        Field("amount", "Spend", True, ("spend", "acquisitionspend", "marketingspend", "adspend", "budget")
              + _AMOUNT),
        Field("segment", "Segment", False, _SEGMENT),
    ),
    "customers": (
        Field("customer_id", "Customer id", True, _CUSTOMER),
        Field("segment", "Segment", True, _SEGMENT),
    ),
}


# --- Reading -------------------------------------------------------------------------------------

@dataclass
class RawTable:
    """The file's cells (text for CSV, typed for XLSX/Parquet) and where each row stood."""

    frame: pd.DataFrame
    lines: np.ndarray  # 1-based file line (CSV) or sheet row (XLSX) of each row
    filename: str
    file_format: str  # csv, xlsx or parquet
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    @property
    def european(self) -> bool:
        """A ';' delimiter suggests a European export (decimal commas, day-first dates)."""
        return self.delimiter == ";"


def _read_bytes(source: str | Path | bytes | IO[bytes]) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, ""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise IngestError(f"There is no file {str(path)!r}.")
        if path.is_dir():
            raise IngestError(f"{str(path)!r} is a folder, not a file.")
        return path.read_bytes(), path.name
    return source.read(), getattr(source, "name", "") or ""


def read_table(source: str | Path | bytes | IO[bytes], *, filename: str | None = None) -> RawTable:
    """Read a CSV/TSV/TXT, XLSX or Parquet file; the format is told by its content."""
    content, name = _read_bytes(source)
    filename = filename or name or "upload"
    if not content.strip():
        raise IngestError(f"{filename} is empty: export the data again and upload the file with its rows.")
    if content[:4] == b"PAR1":
        return _read_parquet(content, filename)
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content, filename)
    if b"\x00" in content[:4096]:
        raise IngestError(f"{filename} is not a table: it looks like a binary file. Upload CSV, Excel (.xlsx) "
                          "or Parquet.")
    return _read_text(content, filename)


def _read_parquet(content: bytes, filename: str) -> RawTable:
    try:
        frame = pd.read_parquet(io.BytesIO(content))
    except Exception as error:  # a damaged file: pyarrow raises several kinds
        raise IngestError(f"{filename} could not be read as Parquet ({error}).") from None
    _check_rows(frame, filename)
    return RawTable(frame.reset_index(drop=True), np.arange(1, len(frame) + 1), filename, "parquet")


def _read_xlsx(content: bytes, filename: str) -> RawTable:
    try:
        frame = pd.read_excel(io.BytesIO(content), sheet_name=0, dtype=object, engine="openpyxl")
    except Exception as error:  # openpyxl raises several kinds for damaged or non-Excel zips
        raise IngestError(f"{filename} could not be read as an Excel workbook ({error}).") from None
    frame.columns = _clean_headers([str(c) for c in frame.columns])
    frame = frame.dropna(how="all")
    _check_rows(frame, filename)
    lines = frame.index.to_numpy() + 2  # sheet row: the header is row 1
    return RawTable(frame.reset_index(drop=True), lines, filename, "xlsx")


def _as_utf8(content: bytes) -> tuple[bytes, str]:
    """The content as UTF-8 bytes and the encoding it was in. UTF-8 input is not copied: a
    large file must not be held three times (bytes, text, bytes again)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:], "UTF-8 with BOM"
    try:
        content.decode("utf-8")  # validates only; the decoded text is dropped at once
        return content, "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252").encode("utf-8"), "Windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1").encode("utf-8"), "Latin-1"


def _sniff_delimiter(sample_lines: list[str]) -> str:
    """The delimiter that splits the header into the most fields, consistently across lines."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        rows = list(csv.reader(sample_lines, delimiter=delimiter))
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for row in rows[1:] if len(row) == width)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _clean_headers(headers: list[str]) -> list[str]:
    cleaned, seen = [], set()
    for i, header in enumerate(headers):
        name = header.strip() or f"column {i + 1}"
        if name.lower().startswith("unnamed:"):
            name = f"column {i + 1}"
        while name in seen:
            name = f"{name} ({i + 1})"
        seen.add(name)
        cleaned.append(name)
    return cleaned


def _read_text(content: bytes, filename: str) -> RawTable:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data, encoding = _as_utf8(content)
    del content
    sample = data[:65536].decode("utf-8", errors="replace").splitlines()[:50]
    delimiter = _sniff_delimiter(sample)
    header = next(csv.reader(sample[:1], delimiter=delimiter), [])
    if len(header) < 2:
        raise IngestError(f"{filename} is not a table: its first line has a single column. A customer data "
                          "file needs at least a customer, a date and an amount column, separated by commas, "
                          "semicolons or tabs.")
    names = _clean_headers(header)
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                                             invalid_row_handler=None),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as error:
        match = re.search(r"Expected (\d+) columns, got (\d+)", str(error))
        where = ""
        if match:
            bad_line = _first_ragged_line(data.decode("utf-8", errors="replace"), delimiter, len(names))
            where = f" Line {bad_line} has {match.group(2)} fields where the header has {match.group(1)}."
        raise IngestError(f"{filename} could not be read as a table.{where} Check the delimiter and quoting "
                          "of that line.", line=None) from None
    frame = table.to_pandas()
    lines = np.arange(2, len(frame) + 2)
    blank = (frame == "").all(axis=1).to_numpy()
    frame, lines = frame[~blank].reset_index(drop=True), lines[~blank]
    _check_rows(frame, filename)
    return RawTable(frame, lines, filename, "csv", encoding=encoding, delimiter=delimiter)


def _first_ragged_line(text: str, delimiter: str, width: int) -> int | None:
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if row and len(row) != width:
            return number
    return None


def _check_rows(frame: pd.DataFrame, filename: str) -> None:
    if len(frame.columns) == 0:
        raise IngestError(f"{filename} has no columns: is it really a table?")
    if len(frame) == 0:
        raise IngestError(f"{filename} has a header but no data rows.")


# --- Mapping -------------------------------------------------------------------------------------

def _normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def guess_mapping(raw: RawTable, kind: str) -> dict[str, str | None]:
    """Which column holds which field: by header name (English and the common European
    languages), then, for required fields still open, by content (dates, numbers)."""
    fields = _fields(kind)
    normalised = {column: _normalise(column) for column in raw.columns}
    mapping: dict[str, str | None] = {}
    used: set[str] = set()
    for f in fields:
        choice = None
        for synonym in f.synonyms:  # earlier synonyms are better matches
            exact = [c for c, n in normalised.items() if n == synonym and c not in used]
            if exact:
                choice = exact[0]
                break
        if choice is None:
            for synonym in f.synonyms[:3]:
                partial = [c for c, n in normalised.items() if synonym in n and c not in used]
                if partial:
                    choice = partial[0]
                    break
        mapping[f.name] = choice
        if choice:
            used.add(choice)
    sample = raw.frame.head(200)
    for f in fields:
        if mapping[f.name] or not f.required:
            continue
        for column in raw.columns:
            if column in used:
                continue
            values = sample[column]
            if f.name in ("date", "period") and _parse_dates(values, european=raw.european)[0].notna().mean() > 0.8:
                mapping[f.name] = column
            elif f.name == "amount" and _parse_numbers(values)[0].notna().mean() > 0.8:
                mapping[f.name] = column
            if mapping[f.name]:
                used.add(column)
                break
    return mapping


def _fields(kind: str) -> tuple[Field, ...]:
    if kind not in KINDS:
        raise IngestError(f"Unknown kind of data {kind!r}; use one of {', '.join(KINDS)}.")
    return KINDS[kind]


# --- Parsing cells (vectorised) ------------------------------------------------------------------

# What may surround a number in an export: currency symbols and codes, spaces, apostrophes (1'234).
# RE2 syntax: pyarrow runs these in C++ over the whole column.
_NUMBER_DECORATION = r"^[A-Z]{3}\s*|\s*[A-Z]{3}$|[€$£¥₹'\s\x{00a0}\x{202f}]"
_NUMBER_SHAPE = r"^[-+(]?[-+]?[\d.,]*\d[\d.,]*\)?-?$"


def _parse_numbers(values: pd.Series) -> tuple[pd.Series, str]:
    """Numbers written any common way: "$1,234.50", "1.234,50 €", "(12.00)", "-5,00".

    The decimal separator is decided once for the column: the last separator of values that
    have both, and a comma followed by one or two digits at the end, point to a decimal comma.
    Returns the floats (NaN where unreadable) and the separator ("." or ",").
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float), "."
    text = pa.array(values.astype("string").str.strip(), type=pa.large_string())
    try:  # the usual case, fast: every cell a plain number (or empty) that Arrow reads as it is
        plain = pc.cast(text, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    else:
        return pd.Series(plain.to_numpy(zero_copy_only=False), index=values.index, dtype=float), "."
    if not pc.any(pc.match_substring(text, ",")).as_py():
        plain = pd.to_numeric(pd.Series(text.to_pandas(), index=values.index), errors="coerce")
        failed = plain.isna() & values.notna() & (values.astype("string").str.strip() != "")
        if not failed.any():  # the usual case: plain numbers with a decimal point
            return plain.astype(float), "."
    cleaned = pc.replace_substring_regex(text, _NUMBER_DECORATION, "")
    cleaned = pc.if_else(pc.match_substring_regex(cleaned, _NUMBER_SHAPE), cleaned, pa.scalar(""))
    negative = pc.or_(pc.and_(pc.starts_with(cleaned, "("), pc.ends_with(cleaned, ")")),
                      pc.ends_with(cleaned, "-"))
    leading_minus = pc.starts_with(cleaned, "-")
    cleaned = pc.utf8_trim(cleaned, "()+-")
    comma_votes = pc.sum(pc.match_substring_regex(cleaned, r",\d{1,2}$|\.\d{3},")).as_py() or 0
    point_votes = pc.sum(pc.match_substring_regex(cleaned, r"\.\d{1,2}$|,\d{3}\.")).as_py() or 0
    decimal = "," if comma_votes > point_votes else "."
    if decimal == ",":
        cleaned = pc.replace_substring(pc.replace_substring(cleaned, ".", ""), ",", ".")
    else:
        cleaned = pc.replace_substring(cleaned, ",", "")
    numbers = pd.to_numeric(pd.Series(cleaned.to_pandas(), index=values.index).replace("", None),
                            errors="coerce").astype(float)
    sign = np.where(np.asarray(pc.or_(negative, leading_minus).fill_null(False)), -1.0, 1.0)
    return numbers * sign, decimal


_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y/%m/%d", "%d.%m.%y",
                 "%d/%m/%y", "%m/%d/%y")
_TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S")


def _parse_dates(values: pd.Series, *, european: bool) -> tuple[pd.Series, str]:
    """Dates in ISO, day-first, month-first, with or without time and zone, or Excel serials.

    Ambiguous day/month order is decided from the data (a first part above 12 means day-first,
    a second part above 12 month-first), else by the file's style. Returns naive timestamps
    (zoned ones converted to UTC; NaT where unreadable) and a description of the format used.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        series = values.dt.tz_convert(None) if getattr(values.dt, "tz", None) is not None else values
        return series.astype("datetime64[ns]"), "date cells"
    if pd.api.types.is_numeric_dtype(values):
        return _excel_serials(values.astype(float)), "Excel serial numbers"
    if values.dtype == object and len(values) and values.map(lambda v: isinstance(v, (datetime, date))).any():
        return pd.to_datetime(values, errors="coerce").astype("datetime64[ns]"), "date cells"
    text = values.astype("string").str.strip()
    present = text[text.fillna("") != ""]
    if present.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), "no dates"
    sample = present.head(500)
    if sample.str.fullmatch(r"\d{5}(\.\d+)?").mean() > 0.9:
        return _excel_serials(pd.to_numeric(text, errors="coerce")), "Excel serial numbers"
    if sample.str.match(r"\d{4}-\d{2}-\d{2}").mean() > 0.9:
        fast = _arrow_timestamps(text)
        if fast is not None:
            return fast, "ISO 8601 (year-month-day)"
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
        return parsed.dt.tz_convert(None).astype("datetime64[ns]"), "ISO 8601 (year-month-day)"
    first = pd.to_numeric(sample.str.extract(r"^(\d{1,2})[./-]")[0], errors="coerce")
    second = pd.to_numeric(sample.str.extract(r"^\d{1,2}[./-](\d{1,2})[./-]")[0], errors="coerce")
    if (first > 12).any():
        order, why = "day", "day-first (a day above 12 appears first)"
    elif (second > 12).any():
        order, why = "month", "month-first (a day above 12 appears second)"
    elif european:
        order, why = "day", "day-first (ambiguous in the data; the file looks European)"
    else:
        order, why = "month", "month-first (ambiguous in the data; the file looks American)"
    best, best_count = None, -1
    for fmt in _DATE_FORMATS:
        if fmt.startswith("%m") and order == "day" or fmt.startswith("%d") and order == "month":
            continue
        for suffix in _TIME_SUFFIXES:
            count = pd.to_datetime(sample, format=fmt + suffix, errors="coerce").notna().sum()
            if count > best_count:
                best, best_count = fmt + suffix, count
    if best_count <= 0:
        parsed = pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=order == "day", utc=True)
        return parsed.dt.tz_convert(None).astype("datetime64[ns]"), f"mixed formats, {why}"
    parsed = pd.to_datetime(text, format=best, errors="coerce")
    return parsed.astype("datetime64[ns]"), f"{best} ({why})"


def _arrow_timestamps(text: pd.Series) -> pd.Series | None:
    """ISO dates and times without a zone ("2026-01-31", "2026-01-31 07:36:16"), read by Arrow
    at once; None when any cell is something else (then pandas reads them, cell by cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(text, type=pa.string())
    try:
        stamps = pc.cast(cells, pa.timestamp("ns"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if stamps.null_count != cells.null_count:
        return None
    return pd.Series(stamps.to_numpy(zero_copy_only=False), index=text.index).astype("datetime64[ns]")


def _excel_serials(numbers: pd.Series) -> pd.Series:
    plausible = numbers.between(1, 2958465)  # 1900-01-01 .. 9999-12-31
    days = pd.to_timedelta(numbers.where(plausible), unit="D")
    return (pd.Timestamp("1899-12-30") + days).astype("datetime64[ns]")


def _parse_periods(values: pd.Series, *, european: bool) -> tuple[pd.Series, str]:
    """Month periods as their first day: "2024-01", "01/2024", "Jan 2024" or any full date."""
    text = values.astype("string").str.strip()
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for pattern, fmt in ((r"\d{4}-\d{1,2}", "%Y-%m"), (r"\d{1,2}/\d{4}", "%m/%Y"), (r"\d{1,2}\.\d{4}", "%m.%Y"),
                         (r"[A-Za-z]{3} \d{4}", "%b %Y"), (r"[A-Za-z]+ \d{4}", "%B %Y")):
        hit = text.str.fullmatch(pattern).fillna(False) & parsed.isna()
        if hit.any():
            parsed[hit] = pd.to_datetime(text[hit], format=fmt, errors="coerce")
    rest = parsed.isna() & text.fillna("").ne("")
    if rest.any():
        parsed[rest] = _parse_dates(values[rest], european=european)[0]
    return parsed.dt.to_period("M").dt.start_time.astype("datetime64[ns]"), "months"


# --- Validation ----------------------------------------------------------------------------------

SKIPPED = "skipped"

# What an exact repeat of an earlier row counts as when it is kept (DOMAIN.md: without an order
# id, each row is an order; nothing in the file tells a repeat from a second purchase).
_REPEAT_OUTCOMES = {
    "transactions": "counted as separate orders",
    "surveys": "counted as separate responses",
    "spend": "added to their period's spend",
    "customers": "kept (a repeat changes nothing)",
}


@dataclass
class Problem:
    """Rows with one finding: the first ``SHOWN_LINES`` of their lines, how many, and their
    ``outcome``: "skipped" for bad rows (``Report.problems``), else what the kept rows of a
    notice (``Report.notices``) count as."""

    kind: str
    message: str
    lines: list[int]
    count: int
    column: str | None = None
    outcome: str = SKIPPED

    @property
    def skipped(self) -> bool:
        return self.outcome == SKIPPED

    def sentence(self) -> str:
        """The finding in one line with its first lines: "…: 2 rows skipped (lines 3, 9)"."""
        more = self.count - len(self.lines)
        where = f"line{'s' if self.count != 1 else ''} " + ", ".join(map(str, self.lines)) \
            + (f" and {more:,} more" if more > 0 else "")
        if self.skipped:
            return f"{self.message}: {self.count:,} row{'s' if self.count != 1 else ''} skipped ({where})"
        return f"{self.message} ({where}): {self.outcome}"


@dataclass
class Report:
    """What happened to the file: rows read and kept, the skipped rows (``problems``) and kept rows
    worth knowing about (``notices``) with their lines, what was detected, and where the amounts
    went: ``file_total`` (every readable amount in the file) = ``counted_total`` + the sum of
    ``skipped_totals`` (per problem kind), exactly at the file's precision, signed (refunds are
    negative). Rows whose amount is unreadable are in no total, only in ``unreadable_amounts``.
    The totals are None for kinds without an amount."""

    kind: str
    rows_read: int
    rows_kept: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    detected: dict[str, Any] = field(default_factory=dict)
    refunds: int = 0
    file_total: float | None = None
    counted_total: float | None = None
    skipped_totals: dict[str, float] = field(default_factory=dict)
    unreadable_amounts: int = 0

    def to_dict(self) -> dict[str, Any]:
        def entry(p: Problem) -> dict[str, Any]:
            return {"kind": p.kind, "message": p.message, "column": p.column, "count": p.count,
                    "lines": list(p.lines), "outcome": p.outcome, "text": p.sentence()}

        return {
            "kind": self.kind, "rows_read": self.rows_read, "rows_kept": self.rows_kept, "refunds": self.refunds,
            "detected": dict(self.detected),
            "problems": [entry(p) for p in self.problems], "notices": [entry(p) for p in self.notices],
            "file_total": self.file_total, "counted_total": self.counted_total,
            "skipped_totals": dict(self.skipped_totals), "unreadable_amounts": self.unreadable_amounts,
            "reconciliation": self.reconciliation(),
        }

    def problem_lines(self) -> list[str]:
        """One sentence per skipped problem, then per notice (what the CLI prints on stderr)."""
        return [p.sentence() for p in self.problems + self.notices]

    def reconciliation(self) -> str | None:
        """The amounts in one sentence: the file's total = counted + skipped, per reason."""
        if self.file_total is None:
            return None
        figures = [self.file_total, self.counted_total, *self.skipped_totals.values()]
        places = max(2, *(_decimal_places(v) for v in figures))
        money = lambda v: f"{v:,.{places}f}"  # noqa: E731
        text = f"Amounts in the file: {money(self.file_total)}"
        if self.skipped_totals:
            skipped = self.file_total - self.counted_total
            reasons = {p.kind: p.message for p in self.problems}
            text += (f" = {money(self.counted_total)} counted {'-' if skipped < 0 else '+'} {money(abs(skipped))} "
                     "skipped (" + "; ".join(f"{reasons[k]}: {money(v)}" for k, v in self.skipped_totals.items())
                     + ")")
        else:
            text += ", all counted"
        if self.unreadable_amounts:
            n = self.unreadable_amounts
            text += f"; {n:,} row{'s' if n != 1 else ''} with an unreadable amount: in no total"
        return text


def entry_sentence(entry: Mapping[str, Any]) -> str:
    """The sentence of a problem or notice of ``Report.to_dict()``; an entry of a report saved
    before entries carried it is rebuilt from its fields by the same rule (``Problem.sentence``)."""
    if "text" in entry:
        return entry["text"]
    return Problem(entry["kind"], entry["message"], list(entry["lines"]), entry["count"], entry.get("column"),
                   entry.get("outcome", SKIPPED)).sentence()


def _decimal_places(value: float) -> int:
    text = repr(abs(value))
    return 6 if "e" in text else min(6, len(text.partition(".")[2]))


def _whole_units(amounts: np.ndarray) -> tuple[np.ndarray, int]:
    """The amounts as whole numbers of the file's smallest unit (cents for 12.34) and that unit's
    scale (100), so that sums of them are exact and the report's totals add up to the cent. Cents
    come first: whole amounts are whole cents too, and one pass is all most files need."""
    for places in range(2, 7):
        scale = 10 ** places
        scaled = amounts * scale
        units = np.rint(scaled)
        off = np.abs(scaled - units)
        np.abs(scaled, out=scaled)
        if (off <= 1e-6 + 1e-12 * scaled).all():  # float error grows with the size of the amount
            break
    return units, scale


def _reconcile(report: Report, amounts: np.ndarray, bad: np.ndarray) -> None:
    """Fill the report's totals; ``bad`` holds each row's problem number (0: kept)."""
    readable = np.isfinite(amounts)
    report.unreadable_amounts = int((~readable).sum())
    units, scale = _whole_units(np.where(readable, amounts, 0.0))
    # Sums of whole numbers below 2**53 are exact in float64.
    per_reason = [int(s) for s in np.bincount(bad, weights=units, minlength=len(report.problems) + 1)]
    report.file_total = sum(per_reason) / scale
    report.counted_total = per_reason[0] / scale
    report.skipped_totals = {p.kind: per_reason[i] / scale for i, p in enumerate(report.problems, start=1)
                             if p.kind != "bad_amount"}  # its rows have no amount to count


@dataclass
class IngestResult:
    frame: pd.DataFrame
    report: Report
    rejected: pd.DataFrame


def exact_duplicates(frame: pd.DataFrame) -> np.ndarray:
    """``frame.duplicated(keep="first")``, fast on big frames: rows equal on every column are
    equal on the numeric and date columns, so only rows repeated there (few, when dates have
    times and amounts cents) are compared on their text columns too."""
    cheap = [c for c in frame.columns if frame[c].dtype.kind in "fiumM"]
    if not cheap or len(cheap) == len(frame.columns):
        return frame.duplicated(keep="first").to_numpy()
    out = np.zeros(len(frame), dtype=bool)
    candidates = frame.duplicated(subset=cheap, keep=False).to_numpy()
    if candidates.any():
        out[candidates] = frame[candidates].duplicated(keep="first").to_numpy()
    return out


def ingest(raw: RawTable, kind: str, mapping: Mapping[str, str | None] | None = None, *,
           strict: bool = False, today: date | None = None, drop_duplicates: bool = False) -> IngestResult:
    """Validate and convert the mapped columns into the canonical frame of ``kind``.

    Transactions: customer_id, date, amount (refunds negative, kept), optional order_id and
    segment. Surveys: customer_id, date, nps (0-10), csat (1-5). Spend: period_start, amount,
    optional segment. Customers: customer_id, segment.

    A row that repeats an earlier row exactly is kept (each row is an order when there is no
    order id) and listed in ``report.notices``; with ``drop_duplicates`` it is skipped as a
    problem instead. ``strict`` raises on the first bad row; repeats are not bad rows.
    """
    fields = _fields(kind)
    mapping = _check_mapping(raw, kind, fields, mapping if mapping is not None else guess_mapping(raw, kind))
    frame, lines = raw.frame, raw.lines
    report = Report(kind=kind, rows_read=len(frame))
    report.detected.update({"format": raw.file_format, "encoding": raw.encoding, "delimiter":
                            {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(raw.delimiter or "")})
    today = pd.Timestamp(today or date.today()) + pd.Timedelta(days=1)
    out: dict[str, pd.Series] = {}
    # The first reason each row is rejected: its problem's number in ``report.problems``, from 1
    # (0: kept).
    bad = np.zeros(len(frame), dtype=np.int16)

    def first_hits(mask: pd.Series | np.ndarray) -> tuple[np.ndarray, list[int]]:
        """The rows not yet rejected that ``mask`` hits, and their first lines for the report."""
        hit = np.flatnonzero(np.asarray(pd.Series(mask).fillna(False), dtype=bool) & (bad == 0))
        return hit, [int(x) for x in lines[hit[:SHOWN_LINES]]]

    def reject(mask: pd.Series | np.ndarray, problem_kind: str, message: str, column: str | None) -> None:
        hit, shown = first_hits(mask)
        if len(hit):
            report.problems.append(Problem(problem_kind, message, shown, len(hit), column))
            bad[hit] = len(report.problems)

    for f in fields:
        column = mapping.get(f.name)
        if column is None:
            continue
        values = frame[column]
        if f.name in ("customer_id", "order_id", "segment"):
            text = values.astype("string").str.strip()
            if f.name == "customer_id":
                reject(text.isna() | (text == ""), "missing_id", f"Missing customer id in column “{column}”", column)
            out[f.name] = text.fillna("")
        elif f.name == "date":
            parsed, how = _parse_dates(values, european=raw.european)
            report.detected["date_format"] = how
            blank = values.astype("string").str.strip().fillna("").eq("") if values.dtype == object or \
                pd.api.types.is_string_dtype(values) else values.isna()
            reject(blank, "missing_date", f"Missing date in column “{column}”", column)
            reject(parsed.isna(), "bad_date", f"Unreadable date in column “{column}”", column)
            reject(parsed >= today, "future_date", f"Date in the future in column “{column}”", column)
            out["date"] = parsed
        elif f.name == "period":
            parsed, _ = _parse_periods(values, european=raw.european)
            reject(parsed.isna(), "bad_period", f"Unreadable period in column “{column}” (use 2024-01)", column)
            out["period_start"] = parsed
        elif f.name in ("amount", "nps", "csat"):
            numbers, decimal = _parse_numbers(values)
            if f.name == "amount":
                report.detected["decimal_separator"] = "comma" if decimal == "," else "point"
                # "inf" reads as a number but is no amount: it would make every total infinite.
                reject(~np.isfinite(numbers), "bad_amount", f"Unreadable amount in column “{column}”", column)
            else:
                low, high = (0, 10) if f.name == "nps" else (1, 5)
                given = values.astype("string").str.strip().fillna("").ne("")
                reject(given & numbers.isna(), f"bad_{f.name}", f"Unreadable {f.name.upper()} score in “{column}”",
                       column)
                reject(given & ~numbers.between(low, high), f"{f.name}_out_of_range",
                       f"{f.name.upper()} score outside {low}-{high} in “{column}”", column)
            out[f.name] = numbers
    if kind == "surveys" and "nps" not in out and "csat" not in out:
        raise IngestError("Map an NPS or a CSAT column: survey responses need at least one score.", column="nps")
    if strict and report.problems:  # before the repeats: a repeat is no bad row, dropping one a choice
        first = min(report.problems, key=lambda p: p.lines[0])
        raise IngestError(f"{first.message} on line {first.lines[0]} (--strict stops at the first bad row).",
                          line=first.lines[0], column=first.column)

    # Exact repeats, compared on the parsed values: "10.0" and "10" are the same amount.
    repeats = exact_duplicates(pd.DataFrame(out))
    if drop_duplicates:
        reject(repeats, "duplicate", "Exact duplicate of an earlier row (dropped as asked)", None)
    else:
        hit, shown = first_hits(repeats)
        if len(hit):
            outcome = _REPEAT_OUTCOMES[kind]
            if kind == "transactions" and "order_id" in out:
                outcome = "kept as lines of their order (their amounts add up)"
            verb = "row repeats" if len(hit) == 1 else "rows repeat"
            report.notices.append(Problem("duplicate", f"{len(hit):,} {verb} an earlier row exactly", shown,
                                          len(hit), None, outcome))

    keep = bad == 0
    result = pd.DataFrame({name: series[keep] for name, series in out.items()}).reset_index(drop=True)
    for name in ("nps", "csat"):
        if kind == "surveys" and name not in result:
            result[name] = np.nan
    report.rows_kept = int(keep.sum())
    if "amount" in out:
        _reconcile(report, out["amount"].to_numpy(dtype=float), bad)
    if kind == "transactions":
        report.refunds = int((result["amount"] < 0).sum())
    reasons = np.asarray([""] + [p.message for p in report.problems], dtype=object)
    rejected = raw.frame[~keep].copy()
    rejected.insert(0, "line", lines[~keep])
    rejected.insert(1, "problem", reasons[bad[~keep]])
    return IngestResult(result, report, rejected.reset_index(drop=True))


def _check_mapping(raw: RawTable, kind: str, fields: tuple[Field, ...],
                   mapping: Mapping[str, str | None]) -> dict[str, str | None]:
    known = {f.name for f in fields}
    unknown_fields = [k for k in mapping if k not in known]
    if unknown_fields:
        raise IngestError(f"{unknown_fields[0]!r} is not a field of {kind}; the fields are {', '.join(known)}.")
    columns = raw.columns
    for name, column in mapping.items():
        if column is not None and column not in columns:
            raise IngestError(f"The file has no column {column!r}. Its columns are: {', '.join(columns)}.",
                              column=column)
    checked = {f.name: mapping.get(f.name) for f in fields}
    for f in fields:
        if f.required and not checked[f.name]:
            raise IngestError(f"No column is mapped to {f.label.lower()}, which is required. The file's columns "
                              f"are: {', '.join(columns)}.", column=f.name)
    return checked


def load(path: str | Path, kind: str = "transactions", mapping: Mapping[str, str | None] | None = None,
         strict: bool = False, today: date | None = None, drop_duplicates: bool = False) -> IngestResult:
    """Read and ingest a file in one call (the CLI's way in)."""
    raw = read_table(path)
    if mapping:
        mapping = {**guess_mapping(raw, kind), **mapping}
    return ingest(raw, kind, mapping, strict=strict, today=today, drop_duplicates=drop_duplicates)
