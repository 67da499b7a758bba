# Two commands for a new user: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench bench-photos eval soak install system schema clean extension model

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages (Chromium for browser tests, Tesseract's language data for OCR): installed when root, else named.
system:
	@bash .ci/install-system-packages

run: install system
	mkdir -p var
	$(VENV)/bin/preflight serve --host 127.0.0.1 --port 8080 --print-keys

test: install system
	node --test extension/test/
	$(PY) -m pytest -q -n auto --dist loadfile
	$(VENV)/bin/preflight rules test

# The photographs bench/images uses come from Debian packages (wallpapers, GCompris, Palapeli); data only.
bench-photos:
	@bash .ci/install-system-packages .ci/apt-packages-bench --no-install-recommends

bench: install bench-photos
	$(PY) bench/startup.py
	$(PY) bench/engine.py
	$(PY) bench/adversarial.py
	$(PY) bench/language_accuracy.py --json bench/results/language.json
	$(PY) bench/scan.py
	$(PY) bench/http_load.py --seconds 15
	$(PY) bench/images/run.py

eval: install
	$(PY) bench/eval.py
	$(PY) bench/learned.py

# Retrains api/preflight/learned/models/abusive-tone.npz (character model) and abusive-tone-e5.npz (its encoder head)
# from the training part of ../shared/data (seeded: same data, same files). The head's embeddings are kept in build/.
model: install
	$(PY) -m pip install --quiet -e '.[train]'
	$(PY) -m preflight.learned.train
	$(PY) -m preflight.learned.train_head

soak: install
	$(PY) bench/http_load.py --seconds 15 --soak 600

schema: install
	$(VENV)/bin/preflight rules schema > rules/pack.schema.json
	$(VENV)/bin/preflight rules schema --profile > rules/profile.schema.json

# web-ext (Mozilla's linter, the store's own checks) is installed from npm under build/, never committed.
WEB_EXT := build/web-ext/node_modules/.bin/web-ext

extension:
	$(PYTHON) extension/package.py --out build/extension
	@test -x $(WEB_EXT) || npm install --silent --no-audit --no-fund --prefix build/web-ext web-ext >/dev/null 2>&1 || \
	  echo "web-ext could not be installed from npm; the manifest is still checked by node --test extension/test/"
	@if test -x $(WEB_EXT); then $(WEB_EXT) lint --source-dir build/extension/firefox --warnings-as-errors --output text; fi

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
