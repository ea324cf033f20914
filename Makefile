# zhibu — developer commands. Needs GNU make, python3 >= 3.11 and pip; everything else is
# installed into ./.venv. Run `make` or `make help` for the list of targets.

PYTHON ?= python3
VENV := .venv
PORT ?= 8000
PYTEST_ARGS ?= -n auto --dist loadfile
BENCH_ARGS ?=

# Where zhibu keeps its SQLite database, uploads, collected static files and (in development)
# its generated keys. Exported so every `zhibu` command below uses the same place.
ZHIBU_DATA_DIR ?= $(CURDIR)/var
export ZHIBU_DATA_DIR

BIN := $(VENV)/bin
ZHIBU := $(BIN)/zhibu
PIP := $(BIN)/pip --disable-pip-version-check

# Stamp files: the installs rerun only when pyproject.toml changes.
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.PHONY: help run test test-pg lint bench fmt clean install install-dev ensure-chromium

help: ## List the targets
	@echo "zhibu make targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables: PORT=$(PORT) ZHIBU_DATA_DIR=$(ZHIBU_DATA_DIR) PYTEST_ARGS='$(PYTEST_ARGS)'"

# --- installation -------------------------------------------------------------------------

# The virtualenv itself (order-only prerequisite below: only its existence matters).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { \
	  echo "'$(PYTHON) -m venv' failed. On Debian/Ubuntu install the venv module first:"; \
	  echo "    apt-get install python3-venv"; exit 1; }

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

# The dev extra includes the runtime dependencies, so it refreshes the runtime stamp too.
$(INSTALLED_DEV): pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[dev]"
	touch $(INSTALLED) $@

install: $(INSTALLED) ## Create .venv and install zhibu (runtime dependencies only)

install-dev: $(INSTALLED_DEV) ## Create .venv and install zhibu with the dev extra

# --- running ------------------------------------------------------------------------------

# The demo is refused in production, so it is skipped there. gunicorn replaces the shell
# (exec) so Ctrl-C reaches it directly; whitenoise serves /static/ from inside Django.
# --no-control-socket: gunicorn 27 otherwise puts a socket in ~/.gunicorn that a second
# `make run` (another checkout, another PORT) would silently take over.
run: $(INSTALLED) ## Install, migrate, load the demo, serve on http://127.0.0.1:PORT/ (8000)
	$(ZHIBU) migrate --noinput
	$(ZHIBU) collectstatic --noinput -v0
	@env=$$(printf '%s' "$${ZHIBU_ENV:-development}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]'); \
	if [ "$$env" = production ]; then \
	  echo "ZHIBU_ENV=production: not loading the demo"; \
	else \
	  echo "$(ZHIBU) demo"; $(ZHIBU) demo; \
	fi
	@echo
	@echo "zhibu is serving at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@echo
	exec $(BIN)/gunicorn zhibu.wsgi:application --bind 127.0.0.1:$(PORT) --workers 3 \
	    --access-logfile - --no-control-socket

# --- checks -------------------------------------------------------------------------------

# Browser tests drive Debian's chromium (with a CJK font, or Chinese renders as boxes).
# As root it is installed with apt; otherwise the browser tests are skipped, loudly.
ensure-chromium:
	@if command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v dpkg >/dev/null 2>&1 \
	     && ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then \
	    echo "Installing the CJK font for browser tests (apt-get)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei; \
	  fi; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing chromium and a CJK font for browser tests (apt-get)..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei; \
	else \
	  echo "###########################################################################"; \
	  echo "##"; \
	  echo "##  chromium is not installed: the BROWSER TESTS WILL BE SKIPPED."; \
	  echo "##  To run them, install it once as root, then run make test again:"; \
	  echo "##      sudo apt-get update"; \
	  echo "##      sudo apt-get install -y chromium fonts-wqy-microhei"; \
	  echo "##"; \
	  echo "###########################################################################"; \
	fi

# Tests get their own data directory: keys and files never mix with the dev data in ./var.
TEST_DATA_DIR := $(CURDIR)/var-test

test: $(INSTALLED_DEV) ensure-chromium ## Run the whole test suite on SQLite, browser tests included
	ZHIBU_DATA_DIR=$(TEST_DATA_DIR) $(BIN)/pytest $(PYTEST_ARGS)

test-pg: $(INSTALLED_DEV) ensure-chromium ## Run the whole test suite on a throwaway PostgreSQL cluster
	ZHIBU_DATA_DIR=$(TEST_DATA_DIR) scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

# Lint runs with a scratch data dir so it never touches the development database or keys.
lint: ZHIBU_DATA_DIR := $(CURDIR)/var-lint
lint: $(INSTALLED_DEV) ## ruff, ruff format --check, missing migrations, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(ZHIBU) makemigrations --check --dry-run
	$(BIN)/mypy zhibu

# `zhibu bench` manages its own scratch data directory (./var-bench, reused between runs;
# `make clean` removes it). BENCH_ARGS passes options, e.g. BENCH_ARGS=--rebuild.
bench: $(INSTALLED_DEV) ## Run the performance benchmark (zhibu bench)
	$(ZHIBU) bench $(BENCH_ARGS)

fmt: $(INSTALLED_DEV) ## Format the code and apply ruff's automatic fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Deliberately NOT ./var: it holds the development database, uploads and the field key
# without which the encrypted personal data cannot be read.
clean: ## Remove .venv, caches and scratch data (keeps ./var, the user data)
	rm -rf $(VENV) var-lint var-test var-bench test-output .mypy_cache .ruff_cache .hypothesis zhibu.egg-info build dist
