# The two entry points of the README: `make demo` and `make test`.
# Each sets up .venv on its own, so either works on a fresh clone.

PYTHON ?= python3
# One environment per interpreter: make test PYTHON=python3.10 VENV=.venv-3.10
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[server]'
	$(BIN)/python -m examples.demo

test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# tests/legacy runs the bareASGI 3.x CORS add-on. It pins bareasgi<4, so it goes in
	@# a folder of its own without its dependencies (the test extra has them), out of
	@# pip's view; tests/legacy/conftest.py puts the folder on sys.path.
	test -d $(VENV)/addons/bareasgi_cors-3.1.2.dist-info || $(BIN)/python -m pip install --quiet \
		--no-deps --upgrade --target $(VENV)/addons 'bareasgi-cors==3.1.2'
	$(BIN)/python -m pytest
	$(BIN)/python -m mypy bareasgi tests examples benchmarks
	@# pyright strict over the package (settings: pyrightconfig.json); docs/typing.md
	@# says how to read and fix what it reports.
	$(BIN)/basedpyright --pythonpath $(BIN)/python
