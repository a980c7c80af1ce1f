# The two commands of the README's quick start: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-postgres lint setup setup-test bench screenshots

run: setup  ## set up and start the app on http://localhost:$(PORT)
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: lint  ## set up, lint (ruff), type-check (mypy) and run the whole test suite (the browser tests alone, after the rest on two workers)
	$(PY) -m pytest -n 2 -m "not browser"
	$(PY) -m pytest -m browser

test-postgres: setup-test  ## the suite again with every test's database on PostgreSQL (CI runs it after `make test`)
	CANVAS_TEST_DATABASE=postgresql $(PY) -m pytest -n 2 -m "not browser"

lint: setup-test  ## the static checks that `make test` runs first
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy canvas

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

bench: setup-test  ## run the benchmarks (prints figures; see docs/benchmarks.md)
	@for script in bench/bench_*.py; do name=$$(basename $$script .py); echo "== $$name"; $(PY) -m bench.$$name || exit 1; done
