# Two commands for a new user: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench bench-photos eval soak install schema clean

# Debian packages whose photographs bench/images uses (.ci/run installs them too).
BENCH_PHOTO_PACKAGES := lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 mate-backgrounds plasma-workspace-wallpapers

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

run: install
	mkdir -p var
	$(VENV)/bin/preflight serve --host 127.0.0.1 --port 8080 --print-key

test: install
	$(PY) -m pytest -q
	$(VENV)/bin/preflight rules test

bench-photos:
	@missing=$$(for p in $(BENCH_PHOTO_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "bench/images: missing Debian packages, their photos are left out:" $$missing; \
	echo "  install them with: apt-get install" $$missing; fi

bench: install bench-photos
	$(PY) bench/engine.py
	$(PY) bench/language_accuracy.py --json bench/results/language.json
	$(PY) bench/scan.py
	$(PY) bench/http_load.py --seconds 15
	$(PY) bench/images/run.py

eval: install
	$(PY) bench/eval.py

soak: install
	$(PY) bench/http_load.py --seconds 15 --soak 600

schema: install
	$(VENV)/bin/preflight rules schema > rules/pack.schema.json
	$(VENV)/bin/preflight rules schema --profile > rules/profile.schema.json

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
