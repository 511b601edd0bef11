# Two commands do all set-up: `make app` and `make test` (the test tools and the
# optional EMA Workbench extra, so the tests cover the adapter).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install app run test lint bench calibrate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,ema]'
	$(BIN)/python -c "from model.jit import ensure_compiled; ensure_compiled()"
	touch $(STAMP)

install: $(STAMP)

app: $(STAMP)
	$(BIN)/adoptsim app

run: $(STAMP)
	$(BIN)/adoptsim run typical_sme

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/adoptsim bench

calibrate: $(STAMP)
	$(BIN)/adoptsim calibrate

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
