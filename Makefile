# fbresearch: the front door. `make report` and `make test` are all a newcomer needs.
# Each target creates the virtual environment (.venv, pip) first when it is absent or stale.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.fbresearch-installed
PERIOD ?=
PARAMS ?= params/monthly.yaml
OUT    ?= reports
WORKERS ?= 2
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0

.PHONY: help venv report test test-fast bench lab lint clean

help:
	@echo "make report   set up if needed, then write the monthly report to $(OUT)/<YYYY-MM>/"
	@echo "make test     set up if needed, then run every test (unit, statistical, notebooks, end to end)"
	@echo "make bench    speed and memory benchmarks (prints figures; slow)"
	@echo "make lab      JupyterLab on notebooks/"
	@echo "make clean    remove generated reports and caches (keeps .venv)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,bench,dev,engines]"
	@touch $(STAMP)

venv: $(STAMP)

report: $(STAMP)
	$(VENV)/bin/fbresearch report --params $(PARAMS) --out $(OUT) $(if $(PERIOD),--period $(PERIOD))

# Lint (ruff check), then unit, statistical and end-to-end tests plus every notebook under nbval, on $(WORKERS) processes.
# One BLAS thread per test process: the $(WORKERS) processes already use the cores, and many
# small fits run faster without thread start-up and oversubscription. Files go to the workers
# whole, slowest first (tests/conftest.py's SLOW_FILES; --no-loadscope-reorder keeps that order).
test: $(STAMP)
	$(VENV)/bin/ruff check fbresearch tests
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest -n $(WORKERS) --dist loadfile --no-loadscope-reorder --durations=30 --doctest-modules --nbval-lax fbresearch tests notebooks

bench: $(STAMP)
	$(PY) tests/benchmarks/run_all.py

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

lint: $(STAMP)
	$(VENV)/bin/ruff check fbresearch tests

clean:
	find $(OUT) -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache
	find . -name __pycache__ -prune -not -path "./$(VENV)/*" -exec rm -rf {} +
