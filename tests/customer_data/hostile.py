"""Hostile customer data files, built small: zip bombs dressed as Excel workbooks, Parquet files
whose metadata announce millions of rows, UTF-16 and binary text. Used by the tests and by
``docs/reliability.md``'s measurements."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row><c t="inlineStr"><is><t>customer</t></is></c><c t="inlineStr"><is><t>date</t></is></c>'
              b'<c t="inlineStr"><is><t>amount</t></is></c></row>')
SHEET_ROW = b'<row><c t="inlineStr"><is><t>c1</t></is></c><c><v>45000</v></c><c><v>10</v></c></row>'
SHEET_TAIL = b"</sheetData></worksheet>"


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _deflate_flushed(data: bytes, final: bool = False) -> bytes:
    """Raw deflate of ``data`` ending byte-aligned with a fresh dictionary: such pieces concatenate."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, raw deflate data, CRC-32, uncompressed size) entries, written by hand so that
    compressed data made piecewise can go in (below 4 GiB: no zip64)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + data)
        directory.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + encoded)
    start, size = out.tell(), directory.tell()
    out.write(directory.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), size, start, 0))
    return out.getvalue()


def xlsx_bomb(inflated_bytes: int) -> bytes:
    """A valid workbook whose one sheet repeats a row until its XML is ``inflated_bytes`` long:
    a few hundred KB on disk per 100 MB of sheet, as the bombs that took the server down."""
    chunk = SHEET_ROW * (2**20 // len(SHEET_ROW))
    count = max(1, (inflated_bytes - len(SHEET_HEAD) - len(SHEET_TAIL)) // len(chunk))
    packed_chunk = _deflate_flushed(chunk)
    crc = zlib.crc32(SHEET_HEAD)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(SHEET_TAIL, crc)
    sheet = _deflate_flushed(SHEET_HEAD) + packed_chunk * count + _deflate_flushed(SHEET_TAIL, final=True)
    size = len(SHEET_HEAD) + len(chunk) * count + len(SHEET_TAIL)
    entries = []
    with zipfile.ZipFile(io.BytesIO(workbook([["customer", "date", "amount"]]))) as template:
        for info in template.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                entries.append((info.filename, sheet, crc & 0xFFFFFFFF, size))
            else:
                content = template.read(info)
                packed = _deflate_flushed(content, final=True)
                entries.append((info.filename, packed, zlib.crc32(content), len(content)))
    return _zip(entries)


def parquet_of_rows(count: int) -> bytes:
    """A Parquet file of ``count`` identical transactions: under a MB on disk for tens of millions."""
    zeros = np.zeros(count, dtype=np.int32)
    table = pa.table({
        "customer": pa.DictionaryArray.from_arrays(pa.array(zeros), pa.array(["c1"])),
        "date": pa.array(zeros + 19_000).cast(pa.date32()),
        "amount": pa.array(zeros, pa.float64()),
    })
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()
