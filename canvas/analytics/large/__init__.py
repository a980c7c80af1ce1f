"""Reports of transactions too big for memory: normalized Parquet files read out of core.

``source`` knows a Parquet file from its metadata (rows, columns, whether it is normalized);
``buckets`` splits its rows by customer into bucket files with DuckDB, once per file; ``metrics``
reports them bucket by bucket with the in-memory engine's partials (the same figures by the same
code); ``clv`` builds the per-customer summary the CLV models need bucket by bucket and fits
them as the in-memory path does. Which files go here is decided by
``canvas.customer_data.limits.OUT_OF_CORE_ROWS``.
"""
