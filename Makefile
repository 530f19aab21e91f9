# Lectern: `make run` serves the demo (PORT=8000), `make test` runs the whole suite. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_ENV := DEBUG=1

.PHONY: install run test lint format worker beat clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

PORT ?= 8000

run: install
	mkdir -p var
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "Serving Lectern at http://127.0.0.1:$(PORT) (Celery tasks run in-process; emails print here)."
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Chromium: the machine's, else Playwright's build (installed here when missing). Redis: the
# one at TEST_REDIS_URL, else a throwaway server that the tests start and stop (tests/services.py).
# TEST_WORKERS processes share the tests out (pytest-xdist), each with its own test database,
# Redis queue, servers and browser; worksteal, as a browser journey takes a hundred unit
# tests' time. TEST_WORKERS=0 runs them all in one process.
TEST_WORKERS ?= 2
test: install
	$(BIN)/python -m tests.services chromium
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install
	$(BIN)/celery -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache test-artifacts

# The benchmark harness (bench/): PostgreSQL and Redis on 127.0.0.1; SIZE="2000" for one size.
SIZE ?= 2000 20000
bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py $(foreach size,$(SIZE),--size $(size))
