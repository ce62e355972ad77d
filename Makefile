# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format bench messages docs mutation clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops the web server, worker and beat)"
	bin/run-dev

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) -m benchmarks

# The guides' screenshots (docs/guide/images/), taken by the browser tests from the portal as it is.
docs: install
	GUIDE_SCREENSHOTS_DIR=docs/guide/images $(PY) -m pytest -p no:cacheprovider tests/e2e/test_guide_screenshots.py

# mutmut over the business core ([tool.mutmut] in pyproject.toml) against the non-browser suite, then the table of
# docs/testing.md. APP=reviews checks that app's mutants only, MUTANTS='reviews.services.*' those matching a pattern;
# results are kept in mutants/, so a second run checks only what changed.
mutation: install
	PORTAL_TEST_DB_SNAPSHOT=$(CURDIR)/var/mutation PORTAL_MUTATION_KILLERS=$(CURDIR)/mutants/killers \
		$(VENV)/bin/mutmut run $(if $(MUTANTS),'$(MUTANTS)',$(if $(APP),'$(APP).*'))
	$(PY) bin/mutation-table.py $(APP)

messages: install
	$(PY) manage.py makemessages --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'benchmarks/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf var $(VENV)
