"""The product's domain, without I/O or Streamlit: what a canvas is and the rules about it.

``blocks`` (the nine blocks, relationship types, lifecycle stages, key questions), ``measures``
(the target metrics, which way is better, the lifetime cap), ``formatting`` (how every figure
is written), ``relationships`` (a segment's relationship design, its fields, focus and cost
rules), ``models`` (the SQLModel classes), ``document`` (a canvas as one JSON document),
``coach`` (findings on a design and its numbers), ``errors`` (errors users can cause) and
``value_keys``. Import the module you need, e.g. ``from canvas.domain.errors import
InvalidInput``: the package imports none of them itself, so a command that needs only the
errors starts without loading pydantic or SQLModel.
"""

__all__ = ["blocks", "coach", "document", "errors", "formatting", "measures", "models", "relationships",
           "value_keys"]
