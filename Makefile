# thidua — two commands: `make run` (the app on SQLite with the demo sector) and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEBIAN_RUN := gettext fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
DEBIAN_TEST := gettext fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium poppler-utils libreoffice-calc-nogui
HOST ?= 127.0.0.1:8000
# `make run` signs issued decisions with the demo's own CA (var/signing/, made by `make demo`)
# unless THIDUA_SIGNING_* are set already (docs/transparency.md "Chữ ký số").
SIGNING_ENV = THIDUA_SIGNING_DIR="$${THIDUA_SIGNING_DIR-var/signing}" THIDUA_SIGNING_TRUST="$${THIDUA_SIGNING_TRUST-var/signing/ca.pem}" THIDUA_SIGNING_P12_PASSWORD="$${THIDUA_SIGNING_P12_PASSWORD-$$(cat var/signing/passphrase 2>/dev/null)}"

.PHONY: run test bench venv deps dev-deps debian-run debian-test messages migrate demo check clean

run: deps messages migrate demo
	@echo "thidua: http://$(HOST)/  (Ctrl+C to stop)"
	$(SIGNING_ENV) $(BIN)/python manage.py run_huey --quiet & trap "kill $$!" EXIT; $(SIGNING_ENV) $(BIN)/python manage.py runserver --noreload $(HOST)

test: dev-deps messages
	./scripts/check

# Every benchmark runs even when one reports a FAIL (each prints PASS/FAIL against its target).
bench: dev-deps
	-$(BIN)/python -m bench.bench_tree
	-$(BIN)/python -m bench.bench_tree --postgres
	-$(BIN)/python -m bench.bench_excel
	-$(BIN)/python -m bench.bench_rollups
	-$(BIN)/python -m bench.bench_rollups --postgres
	-$(BIN)/python -m bench.bench_load
	-$(BIN)/python -m bench.bench_awards
	-$(BIN)/python -m bench.bench_dashboards
	-$(BIN)/python -m bench.bench_dashboards --postgres
	-$(BIN)/python -m bench.bench_merkle
	-$(BIN)/python -m bench.bench_merkle --postgres
	-$(BIN)/python -m bench.bench_mywork
	-$(BIN)/python -m bench.bench_mywork --postgres
	-$(BIN)/python -m bench.bench_portal
	-$(BIN)/python -m bench.bench_oversight
	-$(BIN)/python -m bench.bench_oversight --postgres

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

deps: debian-run $(BIN)/python
	$(BIN)/pip install --quiet -e .

dev-deps: debian-test $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

# Debian packages: installed when missing and we are root; otherwise say what is needed.
debian-run:
	@./scripts/debian-packages $(DEBIAN_RUN)

debian-test:
	@./scripts/debian-packages $(DEBIAN_TEST)

messages:
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

migrate:
	$(BIN)/python manage.py migrate -v0

demo:
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py demo_signing

clean:
	rm -rf $(VENV) var
