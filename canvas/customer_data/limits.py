"""The limits every customer data file is checked against, before the expensive work.

A file is refused with a message naming the limit and what to do when it is bigger than these,
measured from what the file says about itself (its size on disk, a zip's central directory, a
Parquet file's metadata, its count of lines) before any table is built from it. The figures come
from ``docs/benchmarks.md`` (5M rows read and validated in 7 s at 1.8 GB peak memory) and
``docs/reliability.md`` (what a hostile file did without them). Read at call time, so a test may
lower them.
"""

from __future__ import annotations

# Rows in one file: the "5M" benchmark file (5,117,131 rows) is read and validated in about 7 s
# at 1.8 GB peak memory; 6M rows stay under the 2.5 GB the benchmarks aim at.
MAX_ROWS = 6_000_000

# Bytes of one file as uploaded or given to the CLI: the 5.1M-row benchmark CSV is 341 MB, so 6M
# such rows are 400 MB.
MAX_FILE_BYTES = 400_000_000

# Bytes an Excel workbook may inflate to (the sum of its zip entries' uncompressed sizes, from
# the central directory, which is also what Python's zip reader yields at most): an Excel sheet
# holds at most 1,048,576 rows, about 250 MB of XML for eight columns.
MAX_XLSX_UNCOMPRESSED_BYTES = 500_000_000

# How much smaller than its content a large zip entry may be. Sheets Excel and openpyxl write
# measure 7.6 times (100k varied transactions) to 13 times (100k identical rows: each row still
# carries its number); a zip bomb repeats one pattern to reach 300-1000 times. Entries under
# 1 MiB are not judged.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM_BYTES = 2**20

# Bytes a Parquet file's columns may take uncompressed (from its metadata): 5M rows of five
# columns are about 300 MB.
MAX_PARQUET_UNCOMPRESSED_BYTES = 1_000_000_000


def megabytes(count: int) -> str:
    """A byte count as users read it: "400 MB"."""
    return f"{count / 1e6:,.0f} MB"


def rows(count: int) -> str:
    return f"{count:,} rows"

# One row's amount, either sign. Totals are summed exactly in whole cents (float64 holds whole
# numbers exactly below 2**53, about 9e15): a billion a row leaves room for millions of rows, and
# no order, refund or invoice of a real customer comes near it; beyond it is a typo or a code
# (an amount of 1.8e306 made the totals overflow).
MAX_AMOUNT = 1_000_000_000

# Reading and checking one upload in the browser (``worker.py``): the "5M" file takes about 7 s
# on a quiet machine, 1.8 GB resident and 3.3 GB of address space (what RLIMIT_AS counts:
# libraries reserve more than they touch), plus the file and the result as they travel to and
# from the worker (on a machine busy with other work the same file took 46 s). Two minutes and
# 6 GB leave room for that and stop what no real file needs. Two readings at once per app server
# (12 GB at worst on a 24 GB machine); a third waits.
PARSE_SECONDS = 120
PARSE_MEMORY_BYTES = 6_000_000_000
PARSING_AT_ONCE = 2

# Bytes of cells from which a file is read in chunks (``stream``) instead of whole: a text file's
# size, a Parquet file's uncompressed size. Below it nothing changes; above it memory stays
# bounded whatever the size (one chunk of ``STREAM_CHUNK_BYTES`` at a time). Measured in
# ``docs/benchmarks.md``: whole-file reading is a little faster on small files, streaming holds
# ~1 GB however big the file.
STREAM_FROM_BYTES = 200_000_000

# Bytes of a text file read per chunk (pyarrow's block): ~500k rows of a typical export (65 bytes
# a row), a few hundred MB resident while it is checked.
STREAM_CHUNK_BYTES = 32 * 2**20

# Bytes of one streamed file: 100M rows of a typical export are 6.5 GB.
MAX_STREAMED_FILE_BYTES = 10_000_000_000

# Memory DuckDB may use to find exact repeats across a streamed file's chunks (it spills to disk
# beyond it).
REPEATS_MEMORY_BYTES = 500_000_000

# A streamed upload is checked in a worker process too (``worker.streamed``), however long it
# takes, as long as it reports progress: a chunk (about a million rows) takes 2-5 s, so two minutes
# without one means it is stuck. Its address space (RLIMIT_AS, which counts what libraries
# reserve, not what they touch) stays within 8 GB whatever the file's size; it holds ~1.5 GB.
STREAM_STALL_SECONDS = 120
STREAM_MEMORY_BYTES = 8_000_000_000

# Rows of a normalized Parquet file from which ``metrics`` and ``clv`` read it out of core
# (canvas.analytics.large: DuckDB splits it by customer, the engine reports it part by part) rather
# than whole into memory: up to here the in-memory path is the faster (5M rows: the report in
# about 5 s at 1.7 GB), beyond it memory grows with the rows while out of core it does not.
OUT_OF_CORE_ROWS = 5_000_000
