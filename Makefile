# Set-up and everyday commands. Each target installs what it needs first (Python 3.11 + pip only).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Test processes (pytest-xdist); each builds its own database.
TEST_WORKERS ?= auto

# Browser tests drive Debian's chromium with Playwright for Python.
CHROMIUM ?= /usr/bin/chromium

.PHONY: install browser run test lint format bench

$(VENV)/.installed: pyproject.toml uv.lock
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(PY) -m uv sync --frozen --all-extras
	touch $@

install: $(VENV)/.installed

# Installs Debian's chromium when missing (needs root, as on CI machines). Without it the browser
# test is skipped locally and fails under CI.
browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || echo "chromium could not be installed: the browser test will be skipped (and fail under CI)"

run: install
	$(BIN)/pnplive db upgrade
	$(BIN)/pnplive seed-demo
	$(BIN)/pnplive serve

test: install browser
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
	$(BIN)/python -m bench.bot_bench
	$(BIN)/python -m bench.matching_bench
	$(BIN)/python -m bench.loadgen --seconds 4 --pg-workers 2,4
