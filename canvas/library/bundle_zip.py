"""A canvas bundle's zip container, read defensively: every entry is judged from the zip's own
central directory (names, count, sizes, compression ratio) before one byte is inflated.

The bundle's limits are written here once; the customer data limits they build on come from
``canvas.customer_data.limits``. Every refusal is an ``InvalidInput`` whose message says what is
wrong, where (the entry's name) and what to do.
"""

from __future__ import annotations

import io
import lzma
import re
import struct
import zipfile
import zlib

from canvas.customer_data import limits
from canvas.domain.errors import InvalidInput
from canvas.domain.models import DATASET_KINDS
from canvas.library.exchange import MAX_DOCUMENT_BYTES

MANIFEST = "manifest.json"
CANVAS = "canvas.json"
DATA_ENTRY = re.compile(r"data/[a-z]{1,20}\.parquet")  # data/<kind>.parquet

# A bundle as uploaded or given to the CLI is one customer data file's worth at most.
MAX_BUNDLE_BYTES = limits.MAX_FILE_BYTES
# Its entries together, inflated: the data files (Parquet, already compressed, so they barely
# shrink in the zip) within the same budget, plus the two JSON files.
MAX_MANIFEST_BYTES = 2_000_000
MAX_UNCOMPRESSED_BYTES = limits.MAX_FILE_BYTES + MAX_MANIFEST_BYTES + MAX_DOCUMENT_BYTES
# The manifest, the canvas and one data file of each kind of customer data.
MAX_ENTRIES = 2 + len(DATASET_KINDS)

# What a damaged zip makes Python's zip reader raise.
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError,
            ValueError, zlib.error, lzma.LZMAError, struct.error, UnicodeDecodeError)

_ASK = "ask whoever sent it for a new bundle (Library → Bundle on their canvas)."


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, field="bundle")


def _check_name(name: str, seen: set[str]) -> None:
    """An entry name is one of the bundle's own: relative, inside the bundle, once."""
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        raise _refuse(f"The bundle's entry “{name}” is an absolute path; a bundle made by this app holds "
                      f"only relative names. It was not imported: {_ASK}")
    parts = re.split(r"[/\\]", name)
    if ".." in parts:
        raise _refuse(f"The bundle's entry “{name}” points outside the bundle (“..”). It was not imported: {_ASK}")
    if name in seen:
        raise _refuse(f"The bundle holds the entry “{name}” twice, so which one counts is unclear. "
                      f"It was not imported: {_ASK}")
    seen.add(name)
    if name not in (MANIFEST, CANVAS) and not DATA_ENTRY.fullmatch(name):
        raise _refuse(f"The bundle holds an entry this app does not know: “{name}”. A bundle holds "
                      f"{MANIFEST}, {CANVAS} and data/<kind>.parquet files only. It was not imported: {_ASK}")


def _entry_limit(name: str) -> int:
    return {MANIFEST: MAX_MANIFEST_BYTES, CANVAS: MAX_DOCUMENT_BYTES}.get(name, limits.MAX_FILE_BYTES)


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in infos:
        if info.file_size > _entry_limit(info.filename):
            raise _refuse(f"The bundle's entry “{info.filename}” inflates to {limits.megabytes(info.file_size)}, "
                          f"more than the limit of {limits.megabytes(_entry_limit(info.filename))}. "
                          "It was not imported: bundle a canvas with less data.")
        if info.file_size >= limits.RATIO_CHECKED_FROM_BYTES and \
                info.file_size > limits.MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _refuse(f"The bundle's entry “{info.filename}” would inflate {ratio:,} "
                          f"times (at most {limits.MAX_COMPRESSION_RATIO} is allowed): this is not a bundle made "
                          f"by this app. It was not imported: {_ASK}")
        total += info.file_size
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _refuse(f"The bundle inflates to {limits.megabytes(total)}, more than the limit of "
                      f"{limits.megabytes(MAX_UNCOMPRESSED_BYTES)}. It was not imported: "
                      "bundle a canvas with less data.")


def read_entries(data: bytes) -> dict[str, bytes]:
    """The bundle's entries by name, each checked before it is inflated."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise _refuse(f"The bundle is {limits.megabytes(len(data))}; a bundle is at most "
                      f"{limits.megabytes(MAX_BUNDLE_BYTES)}. It was not imported.")
    if not data.startswith(b"PK"):
        raise _refuse("This file is not a canvas bundle (a bundle is a .zip file made by Library → Bundle, "
                      "or `python -m canvas bundle export`). A canvas JSON file is imported as a canvas "
                      "without data.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise _refuse(f"The bundle holds {len(infos):,} entries; a bundle holds at most {MAX_ENTRIES}. "
                              f"It was not imported: {_ASK}")
            seen: set[str] = set()
            for info in infos:
                _check_name(info.filename, seen)
                if info.is_dir():
                    raise _refuse(f"The bundle's entry “{info.filename}” is a folder. It was not imported: {_ASK}")
            _check_sizes(infos)
            entries = {}
            for info in infos:
                with archive.open(info) as handle:
                    content = handle.read(_entry_limit(info.filename) + 1)
                if len(content) != info.file_size:
                    raise _refuse(f"The bundle's entry “{info.filename}” is not the size its zip directory says. "
                                  f"It was not imported: {_ASK}")
                entries[info.filename] = content
            return entries
    except InvalidInput:
        raise
    except _DAMAGED as error:
        raise _refuse(f"The bundle is damaged and cannot be read as a zip file ({error}). "
                      f"It was not imported: download or export it again.") from None


def write_entries(entries: dict[str, bytes]) -> bytes:
    """A zip holding ``entries`` in the given order (JSON deflated; Parquet stored as it is, being
    compressed already)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            method = zipfile.ZIP_STORED if name.endswith(".parquet") else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # the same canvas gives the same bytes
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
