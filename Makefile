# The two commands a newcomer needs: `make run` and `make test`. Everything installs itself.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.10 2>/dev/null || echo python)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run train migrate chat test test-fast lint eval bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 10), "Python 3.10 is needed (Rasa 3.6): install it, e.g. pyenv install 3.10"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet --upgrade "pip==24.2"
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $(STAMP)

install: $(STAMP)

train: install
	$(BIN)/python -m bot.ops.model ensure

migrate: install
	$(BIN)/python -m bot.store.migrate

run: train migrate
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

chat: install
	$(BIN)/python -m bot.ops.chat

lint: install
	$(BIN)/ruff check bot actions schedules tests

test: train
	$(BIN)/ruff check bot actions schedules tests
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not e2e"

eval: train
	$(BIN)/python -m bot.ops.evaluate

bench: train migrate
	$(BIN)/python -m bot.ops.bench

clean:
	rm -rf var/rasa var/bench var/eval .pytest_cache .ruff_cache
