# Two commands for a newcomer: `make run` and `make test`. Both bootstrap the virtual environment.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
# Test processes (pytest-xdist); each gets its own databases. Without a PostgreSQL server named by
# STUDYBOT_TEST_POSTGRES_URL the run starts a throwaway one (tests/support/throwaway_postgres.py).
PYTEST_WORKERS ?= auto
# loadgroup: tests marked xdist_group (sharing one running service) stay on one test process
# linters and validators for deploy/ (tests/deploy/tools.txt), kept out of the service's venv
DEPLOY_TOOLS ?= .venv-deploy

.PHONY: run test check-python clean bench screenshots
.DEFAULT_GOAL := run

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "studybot needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Set PYTHON=/path/to/python3.11 and try again.")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# `make run` needs the runtime packages only; `make test` (and .venv/.installed) adds the test tools
$(VENV)/.runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -q -c constraints.txt -e .
	@touch $@

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -q -c constraints.txt -e '.[test]'
	@touch $@ $(VENV)/.runtime

$(DEPLOY_TOOLS)/.installed: tests/deploy/tools.txt | check-python
	$(PYTHON) -m venv $(DEPLOY_TOOLS)
	$(DEPLOY_TOOLS)/bin/python -m pip install -q --upgrade pip
	$(DEPLOY_TOOLS)/bin/python -m pip install -q -r tests/deploy/tools.txt
	@touch $@

# promtool for the alert rules (deploy/monitoring), unpacked from Debian's prometheus package
$(DEPLOY_TOOLS)/bin/promtool: tests/deploy/get_promtool.sh | $(DEPLOY_TOOLS)/.installed
	@sh tests/deploy/get_promtool.sh $(DEPLOY_TOOLS)/bin

run: $(VENV)/.runtime
	@if [ -n "$$STUDYBOT_WEB_SECRET" ]; then \
	  link=$$($(BIN)/studybot dashboard-link --platform web --workspace playground --hours 24) && \
	  echo "Manager dashboard of the playground (valid 24 h): $$link"; \
	fi
	$(BIN)/studybot serve

test: $(VENV)/.installed $(DEPLOY_TOOLS)/.installed $(DEPLOY_TOOLS)/bin/promtool
	$(BIN)/ruff check bot adapters tests
	$(BIN)/mypy
	$(BIN)/studybot content lint --quiet
	STUDYBOT_DEPLOY_TOOLS=$(abspath $(DEPLOY_TOOLS))/bin $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=20 $(PYTEST_ARGS)

# regenerates docs/screenshots/ from the browser tests (the test run itself never writes there)
screenshots: $(VENV)/.installed
	STUDYBOT_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/e2e -q -k dashboard_with_data

bench: $(VENV)/.installed
	$(BIN)/python -m tests.perf.bench_leaderboard
	$(BIN)/python -m tests.perf.bench_answers
	$(BIN)/python -m tests.perf.bench_fanout
	$(BIN)/python tests/perf/bench_slack.py
	$(BIN)/python tests/perf/bench_teams.py
	$(BIN)/python -m tests.perf.bench_web

clean:
	rm -rf $(VENV) $(DEPLOY_TOOLS) data .pytest_cache .mypy_cache .ruff_cache
