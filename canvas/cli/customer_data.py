"""The commands about customer data: metrics and clv, and the data arguments they share.

Both read a transactions file through ``canvas.customer_data.ingest`` without touching the
database: a file over ``limits.STREAM_FROM_BYTES`` is ingested in chunks (``customer_data.stream``)
into a normalized Parquet file, and a normalized Parquet file of more than
``limits.OUT_OF_CORE_ROWS`` rows is read out of core (``canvas.analytics.large``);
``metrics --canvas ID`` reads a saved canvas's linked data instead. The modules a command needs
are imported inside it (see ``canvas.cli.common``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from canvas.cli.common import EXIT_OK, open_session
from canvas.domain.errors import InvalidInput
from canvas.domain.measures import PERIODS

if TYPE_CHECKING:
    import pandas as pd

    from canvas.customer_data.ingest import Report
    from canvas.customer_data.stream import StreamResult

COLUMN_FLAGS = {"customer": "customer_id", "date": "date", "amount": "amount", "order": "order_id",
                "segment": "segment"}


@contextmanager
def _transactions(args: argparse.Namespace) -> Iterator[tuple[pd.DataFrame | Path, Report]]:
    """Read PATH through the ingestion module; skipped rows and exact repeats go to stderr (bad
    rows fail with --strict; a file without one usable row fails with why). Yields the rows and
    the ingestion report: the rows as a frame, or, for a file over ``limits.STREAM_FROM_BYTES``
    that kept more than ``limits.OUT_OF_CORE_ROWS`` rows, the normalized Parquet file it was
    ingested into (in a temporary folder, removed afterwards: the out-of-core engine is given
    that folder as its ``work_dir``, so its buckets go with it)."""
    import tempfile

    from canvas.customer_data import ingest, limits, stream

    mapping = {field: getattr(args, flag) for flag, field in COLUMN_FLAGS.items() if getattr(args, flag)}
    with tempfile.TemporaryDirectory(prefix="canvas-ingest-") as folder:
        rows: pd.DataFrame | Path
        if stream.streams(args.path):
            done = _stream_transactions(args, mapping, Path(folder))
            report = done.report
            rows = done.path if report.rows_kept > limits.OUT_OF_CORE_ROWS else stream.read_frame(done)
        else:
            result = ingest.load(args.path, kind="transactions", mapping=mapping or None, strict=args.strict,
                                 drop_duplicates=args.drop_duplicates)
            rows, report = result.frame, result.report
        if report.rows_kept == 0:  # no figure to compute: one message instead of a report of nothing
            read = report.rows_read
            why = "; ".join(p.sentence() for p in report.problems)
            raise ingest.IngestError(f"No row of {args.path} can be used ({read:,} row{'s' if read != 1 else ''} "
                                     f"read, all skipped: {why}). Fix those rows, or name the columns with "
                                     "--customer, --date and --amount.")
        for problem in report.problems:
            print(f"warning: {problem.sentence()}", file=sys.stderr)
        for notice in report.notices:  # kept rows: worth knowing, nothing wrong
            print(f"note: {notice.sentence()}", file=sys.stderr)
        if isinstance(rows, Path):
            print(f"note: {report.rows_kept:,} rows kept: computed out of core", file=sys.stderr)
        yield rows, report


def _stream_transactions(args: argparse.Namespace, mapping: dict[str, str], folder: Path) -> StreamResult:
    """A file over ``limits.STREAM_FROM_BYTES``: ingested in chunks into a normalized Parquet file in
    ``folder``, with progress on stderr; the report is the streamed one (the same as reading the
    file whole)."""
    from canvas.customer_data import stream

    interactive = sys.stderr.isatty()

    def show(progress: stream.Progress) -> None:  # one line, redrawn on a terminal
        start, end = ("\r", "\n" if progress.stage == "done" else "") if interactive else ("", "\n")
        print(f"{start}reading {args.path}: {progress.sentence()}", end=end, file=sys.stderr, flush=True)

    return stream.ingest_file(args.path, folder / "rows.parquet", mapping=mapping or None,
                              strict=args.strict, drop_duplicates=args.drop_duplicates, progress=show)


def _print(report: dict, args: argparse.Namespace, table: Callable[[dict], str],
           file_report: Report | None = None) -> None:
    """The report as JSON or as a table; a file's ingestion report goes with it (``ingest`` in
    JSON, the reconciliation of its amounts under the table)."""
    if file_report is not None:
        report = {**report, "ingest": file_report.to_dict()}
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        text = table(report)
        if file_report is not None:
            text = f"{text.rstrip()}\n\n{file_report.reconciliation()}"
        print(text)


def _out_of_core(args: argparse.Namespace) -> bool:
    """Whether PATH is a Parquet file with more rows than ``limits.OUT_OF_CORE_ROWS`` (told by
    its metadata), to be read out of core (``canvas.analytics.large``). Such a file must be
    normalized (as the ingestion writes it: a big CSV is ingested to Parquet first), since it is
    not validated row by row; the options that need the ingestion are refused."""
    from pathlib import Path

    from canvas.customer_data.files import is_parquet

    path = Path(args.path)
    try:
        with path.open("rb") as file:
            if not is_parquet(file.read(4)):
                return False
    except OSError:
        return False  # the ingestion says what is wrong with the path
    from canvas.analytics.large.source import inspect_parquet, require_normalized
    from canvas.customer_data import limits

    source = inspect_parquet(path)
    if source.rows <= limits.OUT_OF_CORE_ROWS:
        return False
    require_normalized(source)
    given = [f"--{flag.replace('_', '-')}" for flag in (*COLUMN_FLAGS, "strict", "drop_duplicates")
             if getattr(args, flag, None)]
    if given:
        raise InvalidInput(f"{path} has {source.rows:,} rows, so it is read out of core as a normalized "
                           f"Parquet file, without the ingestion's checks: {', '.join(given)} "
                           "cannot apply. Leave them out, or ingest the file again with them.")
    print(f"note: {path} has {source.rows:,} rows: read out of core as normalized transactions "
          "(each row is taken as it is)", file=sys.stderr)
    return True


def cmd_metrics(args: argparse.Namespace) -> int:
    from canvas.analytics import metrics

    if args.canvas:
        return _canvas_metrics(args)
    if not args.path:
        raise InvalidInput("Give a transactions file (PATH) or a saved canvas with --canvas ID.")
    if _out_of_core(args):
        from canvas.analytics.large.metrics import metrics_report_parquet

        report = metrics_report_parquet(args.path, period=args.period, start=args.start, end=args.end,
                                        margin=args.margin)
        _print(report, args, metrics.format_metrics_table)
        return EXIT_OK
    with _transactions(args) as (rows, file_report):
        if isinstance(rows, Path):
            from canvas.analytics.large.metrics import metrics_report_parquet

            report = metrics_report_parquet(rows, period=args.period, start=args.start, end=args.end,
                                            margin=args.margin, work_dir=rows.parent)  # temporary
        else:
            report = metrics.metrics_report(rows, period=args.period, start=args.start, end=args.end,
                                            margin=args.margin)
    _print(report, args, metrics.format_metrics_table, file_report)
    return EXIT_OK


def _canvas_metrics(args: argparse.Namespace) -> int:
    """The figures of the metrics page, from the service the page uses (``analytics.service``): a
    canvas's linked data, its tiles (each with its window), its segments, its relationship types
    and its targets."""
    import datetime

    from canvas import storage
    from canvas.analytics import metrics, service
    from canvas.analytics.filters import Filters
    from canvas.analytics.jsonable import to_json_value
    from canvas.analytics.segments import primary_types, targets_in_view, targets_table
    from canvas.analytics.tiles import tile_record
    from canvas.customer_data import linked
    from canvas.domain.blocks import RELATIONSHIP_TYPES

    if args.path:
        raise InvalidInput("Give either a transactions file or --canvas, not both.")
    with open_session() as session:
        board = storage.load_board(session=session, canvas_id=args.canvas)
        data = linked.load_canvas_data(session=session, canvas_id=args.canvas)
    if not data.has_transactions:
        raise InvalidInput(f"Canvas {args.canvas!r} has no transactions linked: upload them on the Customer data "
                           "page (or run `python -m canvas demo` for the demo canvas and its data).")
    day = lambda text: datetime.date.fromisoformat(text) if text else None  # noqa: E731
    filters = Filters(start=day(args.start), end=day(args.end), period=args.period)
    result = service.metrics_of(data, filters, margin=args.margin)
    if result is None:
        raise InvalidInput("No orders fall between --start and --end.")
    report = metrics.metrics_report(result.rows, period=args.period, margin=args.margin, surveys=result.surveys,
                                    spend=result.spend)
    currency = board.canvas.currency
    report["tiles"] = to_json_value([tile_record(tile, currency) for tile in result.tiles])
    types = service.type_figures(result, primary_types(board.segments, board.relationships))
    report["relationship_types"] = {RELATIONSHIP_TYPES[key].label: to_json_value(dict(figures))
                                    for key, figures in types.items()}
    names = {s.id: s.name for s in board.segments}
    table = targets_table(result.measures, targets_in_view(board.segments, board.relationships, filters), names)
    report["targets"] = to_json_value(table.drop(columns="unit").to_dict(orient="records"))
    report["canvas"] = {"id": board.canvas.id, "name": board.canvas.name, "currency": currency}
    _print(report, args, lambda r: metrics.format_metrics_table(r) + _canvas_tables(r))
    return EXIT_OK


def _canvas_tables(report: dict) -> str:
    """The readable form of what ``--canvas`` adds: the metrics page's tiles with their windows,
    per relationship type, then the targets."""
    from canvas.domain.formatting import format_value

    def share(value: float | None) -> str:
        return format_value(value, "rate")

    tiles = [(f"{t['label']}, {t['window']}", format_value(t["value"], t["unit"])) for t in report["tiles"]]
    width = max(len(name) for name, _ in tiles)
    lines = ["", "As on the metrics page"] + [f"  {name:<{width}}  {value}" for name, value in tiles]
    lines += ["", "By primary relationship type", f"  {'type':<32} {'customers':>9} {'retention':>9} {'CLV':>10}"]
    for label, m in report["relationship_types"].items():
        clv = "—" if m.get("clv") is None else f"{m['clv']:,.2f}"
        lines.append(f"  {label:<32} {m.get('customers') or 0:>9,.0f} {share(m.get('retention_rate')):>9} {clv:>10}")
    if report["targets"]:
        lines += ["", "Targets"]
        for row in report["targets"]:
            lines.append(f"  {row['segment']:<16} {row['metric']:<28} {row['status']}")
    return "\n".join(lines)


def cmd_clv(args: argparse.Namespace) -> int:
    import importlib
    import threading

    # SciPy takes a third of a second to import: let it load while the file is read.
    loading = threading.Thread(target=importlib.import_module, args=("canvas.analytics.clv",), daemon=True)
    loading.start()
    options = dict(calibration_end=args.calibration_end, holdout_end=args.holdout_end, time_unit=args.time_unit,
                   horizon_months=args.horizon_months, discount_rate=args.discount_rate, margin=args.margin)
    with ExitStack() as stack:
        rows, file_report = (Path(args.path), None) if _out_of_core(args) else stack.enter_context(_transactions(args))
        loading.join()
        from canvas.analytics import clv

        try:
            if isinstance(rows, Path):
                from canvas.analytics.large.clv import clv_report_parquet

                # A file ingested here is temporary, and so are its buckets: in its folder.
                report = clv_report_parquet(rows, **options, work_dir=None if file_report is None else rows.parent)
            else:
                report = clv.clv_report(rows, **options)
        except ValueError as error:  # inconsistent dates or rates given on the command line
            raise InvalidInput(str(error)) from None
    _print(report, args, clv.format_clv_table, file_report)
    return EXIT_OK


def _add_data_arguments(parser: argparse.ArgumentParser, *, optional_path: bool = False) -> None:
    parser.add_argument("path", nargs="?" if optional_path else None,
                        help="transactions file: CSV/TSV/TXT, XLSX or Parquet")
    columns = parser.add_argument_group("columns (guessed from the headers and the data when not given)")
    for flag, field in COLUMN_FLAGS.items():
        columns.add_argument(f"--{flag}", metavar="COL", help=f"the column holding the {field.replace('_', ' ')}")
    parser.add_argument("--strict", action="store_true", help="fail on the first bad row instead of skipping it")
    parser.add_argument("--drop-duplicates", action="store_true",
                        help="skip rows that repeat an earlier row exactly (by default each is counted as an order)")
    parser.add_argument("--margin", type=_fraction, help="gross margin as a fraction (0-1], applied to CLV")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction in (0, 1]; 40 % is 0.4")
    return value


def _date(text: str) -> str:
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-06-30") from None
    return text


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register metrics and clv, in the order ``--help`` lists them."""
    figures = commands.add_parser("metrics", help="customer metrics of a transactions file or of a canvas's data")
    _add_data_arguments(figures, optional_path=True)
    figures.add_argument("--canvas", metavar="ID",
                         help="a saved canvas's linked data instead of a file: adds its relationship types "
                              "(`relationship_types`), targets met or missed (`targets`), NPS, CSAT and CAC")
    figures.add_argument("--period", choices=PERIODS, default=PERIODS[0])
    figures.add_argument("--start", type=_date, help="first day of the window (YYYY-MM-DD)")
    figures.add_argument("--end", type=_date, help="last day of the window (YYYY-MM-DD)")
    figures.set_defaults(run=cmd_metrics)

    lifetime = commands.add_parser("clv", help="predictive CLV (BG/NBD + Gamma-Gamma) of a transactions file")
    _add_data_arguments(lifetime)
    lifetime.add_argument("--calibration-end", type=_date, required=True, help="last day the models learn from")
    lifetime.add_argument("--holdout-end", type=_date, help="compare predictions with actual purchases up to here")
    lifetime.add_argument("--time-unit", choices=("day", "week"), default="week")
    lifetime.add_argument("--horizon-months", type=int, default=12)
    lifetime.add_argument("--discount-rate", type=float, default=0.01, help="monthly discount rate (default 0.01)")
    lifetime.set_defaults(run=cmd_clv)
