# TrustDesk: `make run` serves the demo helpdesk, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export TRUSTDESK_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint bench soak clean

run: $(VENV)/.installed
	$(BIN)/trustdesk demo --url http://127.0.0.1:8000/
	$(BIN)/trustdesk serve --host 127.0.0.1 --port 8000

test: $(VENV)/.installed-dev
	$(BIN)/python scripts/run_tests.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Five minutes of mixed traffic on three replicas and two workers (PostgreSQL and Redis)
# while one replica is killed and restarted; the suite runs the same test for 60 seconds.
soak: $(VENV)/.installed-dev
	TRUSTDESK_TEST_DATABASE_URL=$${TRUSTDESK_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/trustdesk_soak} \
	SOAK_SECONDS=$${SOAK_SECONDS:-300} $(BIN)/pytest -q -s tests/replicas/test_kill_a_replica.py

bench: $(VENV)/.installed-dev
	@for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "TrustDesk needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

# Installs are reproducible: every dependency is pinned with hashes in requirements/*.lock.
$(VENV)/.installed: $(VENV)/bin/python requirements/build.lock requirements/base.lock pyproject.toml
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements/build.lock -r requirements/base.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.lock
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements/build.lock -r requirements/dev.lock
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
