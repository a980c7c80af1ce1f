"""An upload is read and checked in a worker process: the same result as in-process, the
product's own messages, and a stop with a plain message when it runs out of time or memory."""

from __future__ import annotations

import os
import time

import pytest

from canvas.customer_data import ingest, worker
from canvas.customer_data.errors import IngestError

CSV = b"customer_id,date,amount,segment\nc1,2025-01-03,12.50,Office\nc2,2025-01-04,x,Office\nc1,2025-02-03,9,Home\n"


def pid() -> int:
    return os.getpid()


def sleep_for(seconds: float) -> None:
    time.sleep(seconds)


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def fail() -> None:
    raise ValueError("a bug, with /secret/path in it")


def test_the_check_runs_in_another_process_and_matches_the_direct_one():
    assert worker.isolated(pid, filename="x.csv") != os.getpid()
    mapping = {"customer_id": "customer_id", "date": "date", "amount": "amount", "segment": "segment"}
    there = worker.isolated(worker.read_and_ingest, CSV, "orders.csv", "transactions", mapping, False,
                            filename="orders.csv")
    here = ingest.ingest(ingest.read_table(CSV, filename="orders.csv"), "transactions", mapping)
    assert there.frame.equals(here.frame)
    assert there.report.to_dict() == here.report.to_dict()
    assert len(there.rejected) == 1


def test_the_head_keeps_the_columns_and_the_first_rows():
    body = b"customer,date,amount\n" + b"".join(b"c%d,2025-01-01,1\n" % i for i in range(500))
    raw = worker.isolated(worker.read_head, body, "big.csv", 200, filename="big.csv")
    assert raw.columns == ["customer", "date", "amount"]
    assert len(raw.frame) == 200 and list(raw.lines[:2]) == [2, 3]


def test_the_products_own_errors_come_back_as_they_are():
    with pytest.raises(IngestError, match="photo.jpg is not a table"):
        worker.isolated(worker.read_head, bytes(range(1, 256)) * 400, "photo.jpg", 200, filename="photo.jpg")


def test_a_job_past_the_time_limit_is_stopped_with_a_message():
    started = time.monotonic()
    with pytest.raises(IngestError, match=r"Reading slow\.xlsx took longer than 1 s.*Save it as CSV"):
        worker.isolated(sleep_for, 60, filename="slow.xlsx", seconds=1)
    assert time.monotonic() - started < 20  # killed, not waited for


def test_a_job_past_the_memory_budget_is_stopped_with_a_message():
    assert worker.isolated(allocate, 50, filename="small.csv", memory_bytes=2_000_000_000) == 50 * 2**20
    with pytest.raises(IngestError, match=r"Reading huge\.csv needed more than 2,000 MB of memory.*Split it"):
        worker.isolated(allocate, 3_000, filename="huge.csv", memory_bytes=2_000_000_000)


def test_an_unexpected_error_is_logged_and_the_user_gets_no_traceback(caplog):
    with pytest.raises(IngestError) as raised:
        worker.isolated(fail, filename="odd.csv")
    assert "odd.csv could not be read" in str(raised.value)
    assert "secret" not in str(raised.value) and "ValueError" not in str(raised.value)
    assert "ValueError: a bug, with /secret/path in it" in caplog.text
