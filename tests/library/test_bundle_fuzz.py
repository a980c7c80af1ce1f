"""The bundle reader under random input: random bytes, and a valid bundle with bytes flipped,
cut or spliced in. It either reads the bundle or raises the product's own ``InvalidInput``;
never another exception."""

from __future__ import annotations

import hashlib
import io
import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canvas.domain.errors import InvalidInput
from canvas.library import bundle
from canvas.library.bundle_zip import write_entries
from canvas.library.demo import demo_document

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def small_bundle() -> bytes:
    """A valid bundle of the demo canvas with three orders, made without a database."""
    document = demo_document()
    canvas_bytes = json.dumps(document).encode()
    frame = pd.DataFrame({
        "customer_id": pd.array(["a", "b", "a"], dtype="string"),
        "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-03-01"]),
        "amount": [10.0, 20.0, -5.0],
        "segment": pd.array(["Home", "Office", "Home"], dtype="string"),
    })
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    data = buffer.getvalue()
    manifest = {
        "format": bundle.BUNDLE_FORMAT, "format_version": 1,
        "canvas": {"file": "canvas.json", "bytes": len(canvas_bytes),
                   "sha256": hashlib.sha256(canvas_bytes).hexdigest()},
        "datasets": [{
            "kind": "transactions", "file": "data/transactions.parquet", "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "filename": "orders.csv", "rows": 3,
            "mapping": {"customer_id": "Customer"}, "segment_links": {"Home": "seg-home", "Office": ""},
            "report": {"kind": "transactions", "rows_read": 3, "rows_kept": 3},
        }],
    }
    return write_entries({"manifest.json": json.dumps(manifest).encode(), "canvas.json": canvas_bytes,
                          "data/transactions.parquet": data})


VALID = small_bundle()


def read_or_refuse(data: bytes) -> None:
    try:
        bundle.read_bundle(data)
    except InvalidInput as error:
        assert str(error)  # a message to show


def test_the_fuzzed_bundle_is_valid_to_start_with():
    checked = bundle.read_bundle(VALID)
    assert [len(d.frame) for d in checked.datasets] == [3]


@FUZZ
@given(st.binary(max_size=4096), st.booleans())
def test_random_bytes_are_refused_with_a_message(data, as_zip):
    read_or_refuse(b"PK\x03\x04" + data if as_zip else data)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_bundle_with_bytes_changed_is_read_or_refused(changes):
    data = bytearray(VALID)
    for position, value in changes:
        data[position] = value
    read_or_refuse(bytes(data))


@FUZZ
@given(st.integers(0, len(VALID)), st.integers(0, len(VALID)), st.binary(max_size=64))
def test_a_bundle_cut_or_spliced_is_read_or_refused(start, end, insert):
    start, end = min(start, end), max(start, end)
    read_or_refuse(VALID[:start] + insert + VALID[end:])


@pytest.mark.parametrize("offset", range(0, 200, 7))
def test_every_early_cut_is_refused(offset):
    with pytest.raises(InvalidInput):
        bundle.read_bundle(VALID[:offset])


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=10)
MANIFEST_FIELDS = ["format", "format_version", "canvas", "datasets", "extra"]
DATASET_FIELDS = ["kind", "file", "bytes", "sha256", "filename", "rows", "mapping", "segment_links", "report"]


@FUZZ
@given(st.sampled_from(MANIFEST_FIELDS + [f"datasets.{f}" for f in DATASET_FIELDS]
                       + ["datasets.report.rows_read", "datasets.report.problems", "datasets.report.detected"]), JSON)
def test_a_manifest_field_set_to_any_json_is_read_or_refused(path, value):
    import zipfile

    with zipfile.ZipFile(io.BytesIO(VALID)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(entries["manifest.json"])
    target = manifest
    *parents, last = path.split(".")
    for key in parents:
        target = target[key][0] if key == "datasets" else target[key]
    target[last] = value
    entries["manifest.json"] = json.dumps(manifest).encode()
    read_or_refuse(write_entries(entries))
