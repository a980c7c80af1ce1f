"""Customer data: the founder's files read, validated and linked to the canvas's segments.

``files`` reads a CSV, Excel or Parquet export into cells; ``mapping`` knows the kinds of data
and guesses which column holds which field; ``cells`` parses amounts, dates and ids; ``ingest``
runs these into a clean frame and a ``Report`` that reconciles the file's amounts; ``stream``
does the same for a file too big to hold, a chunk at a time, into a Parquet file; ``linking``
suggests which canvas segment each segment value means; ``linked`` reads a canvas's stored
datasets back, linked to its segments, for the metrics. The modules are imported by name
(``from canvas.customer_data import ingest``; ``ingest.load(...)``); the main names of the file
side are here too, not ``linked``'s: it reads the database, and the file commands of the CLI
import this package without SQLModel (half a second of every run).
"""

from canvas.customer_data.errors import IngestError
from canvas.customer_data.files import RawTable, read_table
from canvas.customer_data.ingest import IngestResult, exact_duplicates, load
from canvas.customer_data.linking import UNASSIGNED, LinkSuggestion, apply_links, segment_values, suggest, suggest_links
from canvas.customer_data.mapping import KINDS, Field, guess_mapping
from canvas.customer_data.report import Problem, Report, entry_sentence

__all__ = [
    "KINDS",
    "UNASSIGNED",
    "Field",
    "IngestError",
    "IngestResult",
    "LinkSuggestion",
    "Problem",
    "RawTable",
    "Report",
    "apply_links",
    "entry_sentence",
    "exact_duplicates",
    "guess_mapping",
    "load",
    "read_table",
    "segment_values",
    "suggest",
    "suggest_links",
]
