"""What every export shows, read once: the board, the designs, the coach and the figures.

``gather`` reads a canvas the way its pages do (``storage.load_board``, ``canvas_document``,
``service.metrics_of`` over the canvas's linked data, unfiltered, by month) and returns one frozen
``ExportContent`` that the HTML report, the PDF, the slides and the spreadsheets all draw from, so
they never disagree. A canvas without customer data still exports: ``metrics`` is then None and
every export leaves its figures out and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session

from canvas import storage
from canvas.analytics import segments as segment_figures
from canvas.analytics import service
from canvas.analytics.filters import Filters
from canvas.analytics.segments import Measures
from canvas.analytics.tiles import Tile
from canvas.customer_data import linked
from canvas.domain import coach
from canvas.domain.document import canvas_document

# The Business Model Canvas is Strategyzer's, published under CC BY-SA 3.0: the board and every
# export carry this line (the licence asks for the attribution wherever the canvas is shown).
ATTRIBUTION = ("The Business Model Canvas is by Strategyzer AG (strategyzer.com), "
               "licensed under CC BY-SA 3.0 (creativecommons.org/licenses/by-sa/3.0/).")
ATTRIBUTION_URL = "https://creativecommons.org/licenses/by-sa/3.0/"
STRATEGYZER_URL = "https://www.strategyzer.com/"

NO_DATA = "No customer data is linked to this canvas yet: the board and the designs are exported without figures."


@dataclass(frozen=True)
class ExportContent:
    """One canvas as the exports show it.

    ``board``: what the board page draws; ``document``: the canvas document (``canvas_document``);
    ``findings``: the coach's findings, held to the figures when there are any; ``metrics``: the
    figures of all the canvas's data by month, None without data; ``tiles``: the headline figures
    (empty without data); ``targets``: one row per segment and target (``segments.targets_table``:
    measured, target, met/missed/no data); ``generated_at``: when it was read (UTC).
    """

    board: storage.Board
    document: Mapping[str, Any]
    findings: tuple[coach.Finding, ...]
    metrics: service.MetricsResult | None
    tiles: tuple[Tile, ...]
    targets: pd.DataFrame
    generated_at: datetime

    @property
    def currency(self) -> str:
        return self.board.canvas.currency

    @property
    def measures(self) -> Mapping[str, Measures]:
        """Segment id -> its monthly measures; empty without data."""
        return {} if self.metrics is None else self.metrics.measures

    @property
    def segment_names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.board.segments}

    @property
    def colours(self) -> dict[str, str]:
        """Segment name -> its colour, as the charts take them."""
        return {s.name: s.colour for s in self.board.segments}


def gather(*, session: Session, canvas_id: str, now: datetime | None = None) -> ExportContent:
    """Everything the exports of ``canvas_id`` show; raises ``CanvasNotFound`` for an unknown id."""
    board = storage.load_board(session=session, canvas_id=canvas_id)
    document = canvas_document(session, board.canvas)
    data = linked.load_canvas_data(session=session, canvas_id=canvas_id)
    result = service.metrics_of(data, Filters()) if data.has_transactions else None
    return content_of(board, document, result, now=now)


def content_of(board: storage.Board, document: Mapping[str, Any], result: service.MetricsResult | None, *,
               now: datetime | None = None) -> ExportContent:
    """``ExportContent`` from what was read (pure: the tests build it without a database)."""
    measures = {} if result is None else result.measures
    names = {s.id: s.name for s in board.segments}
    targets = segment_figures.targets_in_view(board.segments, board.relationships, Filters())
    return ExportContent(
        board=board,
        document=document,
        findings=tuple(coach.findings(document, measures if result is not None else None)),
        metrics=result,
        tiles=() if result is None else result.tiles,
        targets=segment_figures.targets_table(measures, targets, names),
        generated_at=now or datetime.now(UTC),
    )


