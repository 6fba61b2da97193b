# Two commands set everything up: `make run` (demo on SQLite) and `make test` (every suite that can run).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint test-fast test-postgres test-browser test-lane-sqlite test-lane-postgres screenshots bench clean

$(BIN)/uchast: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev-installed: $(BIN)/uchast
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

run: $(BIN)/uchast
	$(BIN)/uchast migrate --no-input -v 0
	$(BIN)/uchast demo --if-empty
	$(BIN)/uchast run --host 127.0.0.1 --port 8000

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m uchast.devtools.sizecheck src

# Each suite keeps its development files (secret key, SQLite files) in a folder of its own, so the
# two lanes of `make test` never race to create the same file.
test-fast: $(VENV)/.dev-installed
	UCHAST_TESTING=1 UCHAST_VAR_DIR=$(CURDIR)/var/test-sqlite $(BIN)/pytest -q -p no:cacheprovider --ignore=tests/browser

test-postgres: $(VENV)/.dev-installed
	UCHAST_TESTING=1 UCHAST_VAR_DIR=$(CURDIR)/var/test-postgres DATABASE_URL=$(PG_URL) \
		$(BIN)/pytest -q -p no:cacheprovider -m "not pure and not once" --ignore=tests/browser

test-browser: $(VENV)/.dev-installed
	UCHAST_TESTING=1 UCHAST_VAR_DIR=$(CURDIR)/var/test-browser $(BIN)/pytest -q -p no:cacheprovider tests/browser

# Phone screenshots (360 px) of home, a ballot, results and a consultation into docs/screenshots/.
screenshots: $(VENV)/.dev-installed
	UCHAST_TESTING=1 UCHAST_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -q -p no:cacheprovider tests/browser/test_browser_screenshots.py

# Under CI=true the PostgreSQL and browser suites are mandatory; elsewhere each runs when its
# service is there and says plainly when it is skipped. Two lanes, one per core (the machine has
# two): SQLite then browser, and lint then PostgreSQL; each lane's output is printed when it ends.
test: $(VENV)/.dev-installed
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-lane-sqlite test-lane-postgres

test-lane-sqlite: $(VENV)/.dev-installed
	$(MAKE) --no-print-directory test-fast
	@if [ "$$CI" = "true" ] || [ -x /usr/bin/chromium ]; then \
		$(MAKE) --no-print-directory test-browser; \
	else echo "SKIPPED: browser suite (apt-get install chromium); CI runs it."; fi

test-lane-postgres: $(VENV)/.dev-installed
	$(MAKE) --no-print-directory lint
	@if [ "$$CI" = "true" ] || $(BIN)/python -m uchast.devtools.pg_available "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	else echo "SKIPPED: PostgreSQL suite (no server at $(PG_URL)); CI runs it."; fi

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/tally.py --quick
	$(BIN)/python bench/opinion.py --quick

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
