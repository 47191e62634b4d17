# wcs-ext: every developer and CI task. `make test` and `make demo` work on a fresh machine
# with only Python 3.11 and make: they create .venv on first use.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed-stamp
# The generator's post hooks call `ruff` by name: make them find the pinned one.
export PATH := $(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

GENERATE = openapi-python-client generate --path spec/wcs.yaml --config generator/config.yml \
	--meta none --overwrite --custom-template-path generator/templates

.PHONY: venv generate check-generated lint typecheck docs test demo bench original-sdk clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "setting up $(VENV) (first run only)..."
	@$(BIN)/python -m pip install --quiet --upgrade "pip>=24" 2>&1 | grep -v '^WARNING: Location' || true
	@$(BIN)/python -m pip install --quiet -e '.[dev,emulator]' 2>&1 | grep -v '^WARNING: Location' || true
	@$(BIN)/python -c "import wcs_ext, wcs_client, httpx, starlette, pytest" \
		|| { echo "error: installing into $(VENV) failed; see the messages above" >&2; exit 1; }
	@touch $(STAMP)

# The typed client from the spec, and the sync twin of wcs_ext/_async/ (unasync).
generate: venv
	$(GENERATE) --output-path generated/wcs_client
	@touch generated/wcs_client/py.typed
	python generator/sync_twins.py

# Fails when the committed generated code is not what the spec, the generator and the
# async source produce.
check-generated: venv
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GENERATE) --output-path "$$tmp/wcs_client" >/dev/null; touch "$$tmp/wcs_client/py.typed"; \
	diff -r -x __pycache__ "$$tmp/wcs_client" generated/wcs_client \
		|| { echo "error: generated/wcs_client is stale: run 'make generate' and commit" >&2; exit 1; }; \
	python generator/sync_twins.py --check "$$tmp/sync"; \
	diff -r -x __pycache__ -x __init__.py -x _io.py "$$tmp/sync" wcs_ext/_sync \
		|| { echo "error: wcs_ext/_sync is stale: run 'make generate' and commit" >&2; exit 1; }
	@echo "generated code: up to date"

lint: venv
	ruff check wcs_ext tests bench scripts generator examples
	ruff format --check wcs_ext tests bench scripts generator examples
	python -m openapi_spec_validator spec/wcs.yaml

typecheck: venv
	mypy

# The guides in docs/ and the API reference from the docstrings (mkdocs.yml), into
# .cache/site/; --strict: a warning (a docstring reference to nothing documented) fails.
# Not --quiet: mkdocs then drops the warnings before --strict counts them.
docs: venv
	@mkdocs build --strict 2>&1 | { grep -v '^INFO ' || true; }
	@echo "docs: built into .cache/site/"

# pytest exits 5 when it collected no tests: that is a failure here, not a pass.
test: lint typecheck check-generated docs
	@rc=0; python -m pytest || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc

demo: venv
	@python scripts/demo.py

bench: venv
	python -m bench

# The original SDK from PyPI in its own virtualenv (.cache/original-sdk/), for the interop
# tests and the benchmarks; they build it themselves on first use, this only does it early.
original-sdk: venv
	python -m tests.original_sdk

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .cache
