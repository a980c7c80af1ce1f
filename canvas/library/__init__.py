"""The library of canvases beyond one canvas's editing: the canvas file format and the demo.

``exchange`` exports a canvas to one JSON document and imports such a document strictly
(validated completely, then written in one transaction; see docs/canvas-format.md); ``demo``
creates the Kettle & Crema demo canvas and links its customer data from ``data/demo/``.
"""
