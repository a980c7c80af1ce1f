"""Reading and checking an upload off the server: in a child process, with a time limit and a
memory budget, a few at a time.

The limits in ``limits.py`` bound the work one file can ask for, but that work (openpyxl's XML,
pandas' per-cell date fallbacks) holds the GIL: run on a session's thread, it slows every other
session of the app server, and a stuck parse cannot be stopped. Here each job runs in a process
forked from a warm fork server (``forkserver``: the app server has threads, so plain ``fork`` is
unsafe), with ``RLIMIT_AS`` set to the memory budget before it starts, and is killed (SIGKILL:
openpyxl ignored SIGTERM in the issue's test) when the time limit passes. At most
``PARSING_AT_ONCE`` jobs run at a time per app server; the next waits for a slot.

The browser's data page goes through here; the CLI calls the functions directly (one user, one
process, and Ctrl-C works).
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import threading
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from canvas.customer_data import limits
from canvas.customer_data.errors import IngestError
from canvas.customer_data.files import RawTable, read_table
from canvas.customer_data.ingest import IngestResult, ingest

log = logging.getLogger(__name__)
T = TypeVar("T")

# The fork server imports these once; each job's process starts from them in milliseconds.
_PRELOAD = ["canvas.customer_data.ingest", "canvas.customer_data.stream", "canvas.customer_data.worker"]
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(_PRELOAD)
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


def _slot() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(limits.PARSING_AT_ONCE)
        return _slots


def _child(connection: Connection, memory_bytes: int, function: Callable[..., Any], args: tuple) -> None:
    """In the child: cap the address space, run, send ("ok", result) or ("error", exception)."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        connection.send(("ok", function(*args)))
    except MemoryError:
        connection.send(("memory", None))
    except IngestError as error:
        connection.send(("error", error))
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which logs it
        connection.send(("crash", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()


def _too_slow(filename: str, seconds: float) -> IngestError:
    return IngestError(f"Reading {filename} took longer than {seconds:,.0f} s, the limit for one file, and was "
                       "stopped. Save it as CSV (Excel workbooks are the slowest to read) or split it by date "
                       "and upload the parts as separate files.")


def _too_much_memory(filename: str, memory_bytes: int) -> IngestError:
    return IngestError(f"Reading {filename} needed more than {limits.megabytes(memory_bytes)} of memory, the "
                       "limit for one file, and was stopped. Split it by date (a year per file, say) and upload "
                       "the parts as separate files.")


def isolated(function: Callable[..., T], *args: Any, filename: str, seconds: float | None = None,
             memory_bytes: int | None = None) -> T:
    """``function(*args)`` in a child process; its ``IngestError`` re-raised here, and an
    ``IngestError`` naming ``filename`` when it runs out of time or memory.

    ``function`` and its arguments and result travel by pickle, so ``function`` is a module-level
    function. The limits are read at call time (a test may lower them)."""
    seconds = limits.PARSE_SECONDS if seconds is None else seconds
    memory_bytes = limits.PARSE_MEMORY_BYTES if memory_bytes is None else memory_bytes
    with _slot():
        receiver, sender = _context.Pipe(duplex=False)
        process = _context.Process(target=_child, args=(sender, memory_bytes, function, args), daemon=True,
                                   name=f"canvas-read-{filename[:40]}")
        process.start()
        sender.close()  # the child holds the only writer: its death reads as EOF here
        try:
            if not receiver.poll(seconds):
                raise _too_slow(filename, seconds)
            try:
                status, payload = receiver.recv()
            except EOFError:  # killed without a word: the kernel's OOM killer, or a crash in C
                status, payload = "memory", None
        finally:
            if process.is_alive():
                process.kill()
            process.join()
            receiver.close()
    return _outcome(status, payload, filename, memory_bytes)


def _outcome(status: str, payload: Any, filename: str, memory_bytes: int) -> Any:
    """What a child sent (``_child``): its result, or its error raised here."""
    if status == "ok":
        return payload
    if status == "error":
        raise payload
    if status == "memory":
        raise _too_much_memory(filename, memory_bytes)
    log.error("reading %s failed in its worker: %s", filename, payload)
    raise IngestError(f"{filename} could not be read (an unexpected error, logged on the server). Save it as "
                      "CSV and upload that; if it fails again, report it with the file.")


def _ingest_reporting(connection: Connection, source: Path, out: Path, options: dict[str, Any]) -> Any:
    """In the child (run by ``_child``): ingest in chunks, sending ("progress", Progress) after each."""
    from canvas.customer_data import stream

    return stream.ingest_file(source, out, progress=lambda p: connection.send(("progress", p)), **options)


def streamed(source: Path, out: Path, *, filename: str, progress: Callable[[Any], None],
             **options: Any) -> Any:
    """``stream.ingest_file(source, out, filename=filename, **options)`` in a child process with
    ``limits.STREAM_MEMORY_BYTES`` of address space, ``progress`` called here with each of its
    ``Progress`` reports; stopped (an ``IngestError``) when none comes for
    ``limits.STREAM_STALL_SECONDS``. Returns its ``StreamResult``."""
    with _slot():
        receiver, sender = _context.Pipe(duplex=False)
        process = _context.Process(target=_child, daemon=True, name=f"canvas-stream-{filename[:40]}",
                                   args=(sender, limits.STREAM_MEMORY_BYTES, _ingest_reporting,
                                         (sender, source, out, {"filename": filename, **options})))
        process.start()
        sender.close()
        try:
            while True:
                if not receiver.poll(limits.STREAM_STALL_SECONDS):
                    raise IngestError(f"Checking {filename} made no progress for {limits.STREAM_STALL_SECONDS:,} s "
                                      "and was stopped. Save it as CSV, or split it by date and upload the parts "
                                      "as separate files.")
                try:
                    status, payload = receiver.recv()
                except EOFError:
                    status, payload = "memory", None
                if status != "progress":
                    break
                progress(payload)
        finally:
            if process.is_alive():
                process.kill()
            process.join()
            receiver.close()
    return _outcome(status, payload, filename, limits.STREAM_MEMORY_BYTES)


def read_head(content: bytes, filename: str, rows: int) -> RawTable:
    """The file read and checked whole, returned with its first ``rows`` rows only: what the column
    choices need, without sending millions of cells back to the app server."""
    raw = read_table(content, filename=filename)
    raw.frame = raw.frame.head(rows)
    raw.lines = raw.lines[:rows]
    return raw


def read_and_ingest(content: bytes, filename: str, kind: str, mapping: Mapping[str, str | None],
                    drop_duplicates: bool) -> IngestResult:
    """Read the file and check every row (both in the worker: the raw cells never leave it)."""
    return ingest(read_table(content, filename=filename), kind, dict(mapping), drop_duplicates=drop_duplicates)
