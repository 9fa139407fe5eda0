# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PYTEST_ARGS ?=

.PHONY: demo test install install-test migrate serve lint bench-tiny messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(TEST_STAMP): $(STAMP) requirements-test.lock
	$(BIN)/pip install --quiet -r requirements-test.lock
	touch $@

install: $(STAMP)

install-test: $(TEST_STAMP)

migrate: install
	$(BIN)/hoshin migrate --noinput

demo: migrate
	$(BIN)/hoshin demo
	$(BIN)/hoshin serve 127.0.0.1:8000

serve: migrate
	$(BIN)/hoshin serve 127.0.0.1:8000

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$status

bench-tiny: install-test
	@for script in bench/*_bench.py; do \
	  [ -e "$$script" ] || continue; \
	  echo "$$script --size tiny"; $(BIN)/python "$$script" --size tiny || exit 1; \
	done

messages: install
	cd src/hoshin && ../../$(BIN)/django-admin compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) hoshin.sqlite3* test-artifacts .pytest_cache
