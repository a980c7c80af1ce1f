"""The library page's bundles: a canvas with its data downloaded as one zip, and an upload
imported as a new canvas (a bundle with its data, or a canvas JSON file)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from canvas.domain.errors import CanvasError
from canvas.domain.models import Canvas
from canvas.library import bundle
from canvas.ui import frame

UPLOAD_TYPES = ["json", "zip"]
UPLOAD_LABEL = "Canvas JSON file, or bundle (.zip, with its customer data), exported from this app"
DOWNLOAD_HELP = "The canvas with its customer data as one .zip file, to import elsewhere with its numbers"


def _bundle_bytes(canvas_id: str) -> bytes:
    with frame.session() as db:
        return bundle.export_bundle(session=db, canvas_id=canvas_id)


def bundle_data(canvas_id: str) -> Callable[[], bytes]:
    """The canvas's bundle, made only when the download is clicked (its data files are read then)."""
    return partial(_bundle_bytes, canvas_id)


def file_name(canvas_id: str) -> str:
    return bundle.bundle_file_name(canvas_id)


def imported_message(name: str, datasets: int) -> str:
    """The toast after an import, the canvas's name shown literally."""
    data = f" with its data ({datasets} dataset{'s' if datasets != 1 else ''})" if datasets else ""
    return f"Imported as “{name}”{data}"  # plain: flash shows it literally


def import_upload(upload: Any) -> Canvas | None:
    """Import an uploaded canvas JSON file or bundle as a new canvas; None, with the message shown
    on the page, if it is refused (its message quotes names from the file: flash shows it literally)."""
    try:
        with frame.session() as db:
            canvas, datasets = bundle.import_file(session=db, data=upload.getvalue(), filename=upload.name)
    except CanvasError as error:
        frame.flash("error", str(error))
        return None
    frame.flash("success", imported_message(canvas.name, datasets))
    return canvas
