# Set-up and everyday commands. Each target installs what it needs first (Python 3.11 + pip only).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Test processes (pytest-xdist); each builds its own database.
TEST_WORKERS ?= auto

.PHONY: install run test lint format bench

$(VENV)/.installed: pyproject.toml uv.lock
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(PY) -m uv sync --frozen --all-extras
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/pnplive db upgrade
	$(BIN)/pnplive seed-demo
	$(BIN)/pnplive serve

test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: install
	$(BIN)/python -m bench.slots_bench
	$(BIN)/python -m bench.holds_bench
	$(BIN)/python -m bench.moderation_bench
	$(BIN)/python -m bench.export_bench
	$(BIN)/python -m bench.broadcast_bench
	$(BIN)/python -m bench.worker_bench
	$(BIN)/python -m bench.matching_bench
