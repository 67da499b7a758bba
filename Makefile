# Two commands for a new user: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SAMPLE ?= Onze schoenen genezen gegarandeerd rugpijn! \#gezondheid

.PHONY: run test bench install lint-rules schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/preflight check "$(SAMPLE)"; status=$$?; [ $$status -le 2 ]

test: install
	$(PY) -m pytest -q
	$(VENV)/bin/preflight rules test

bench: install
	$(PY) bench/engine.py
	$(PY) bench/language_accuracy.py --json bench/results/language.json
	$(PY) bench/scan.py

schema: install
	$(VENV)/bin/preflight rules schema > rules/pack.schema.json
	$(VENV)/bin/preflight rules schema --profile > rules/profile.schema.json

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
