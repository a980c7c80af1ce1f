"""Analytics: the figures of DOMAIN.md over a canvas's customer data, pure and vectorised.

``metrics`` (package) computes every figure from transactions, surveys and spend; ``clv``
(package) fits BG/NBD + Gamma-Gamma for predictive customer lifetime value. Over them sits the
metrics page's model, which ``python -m canvas metrics --canvas`` shares: ``filters`` (dates,
segments, granularity and their URL form), ``service`` (one canvas's linked data and filters in,
one typed ``MetricsResult`` out), ``tiles`` (the KPI tiles and the window each figure covers),
``segments`` (per-segment and per-relationship-type measures, targets met or missed),
``predictive`` (the CLV model per selection), ``whatif`` (retention, cost and CAC scenarios) and
``chart_data`` (the tables the charts draw). ``jsonable`` turns results into JSON values.

Modules are imported by name (``from canvas.analytics import service``): the package itself
imports nothing, so the command line starts without pandas.
"""
