"""Developer tools run from the repository root: ``browser`` (start the app, drive Chromium for the
browser tests and benchmarks) and ``screenshot`` (``python -m tools.screenshot URL OUT.png``)."""
