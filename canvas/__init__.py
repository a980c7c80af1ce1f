"""Business Model Canvas dashboard: design a canvas, link customer data to it, track its metrics.

Subpackages, lower never importing higher: ``domain`` (the canvas and its rules), ``storage``
(the database), ``customer_data`` (uploaded files and their links to a canvas), ``analytics``
(metrics, CLV, dashboard figures), ``library`` (the demo and the JSON exchange format), then
``ui`` (Streamlit pieces) and ``cli`` (``python -m canvas``). Nothing is imported here, so the
command line starts fast.
"""
