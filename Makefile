# Two commands do all set-up: `make app` and `make test` (the test tools and the
# optional EMA Workbench extra, so the tests cover the adapter).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install app run test lint bench bench-room calibrate clean

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

# a workshop room with 12 teams and a facilitator in Chromium (needs `chromium`)
bench-room: $(STAMP)
	$(BIN)/python scripts/room_bench.py

calibrate: $(STAMP)
	$(BIN)/adoptsim calibrate

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
