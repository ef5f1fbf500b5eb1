# Two commands on a fresh machine: `make run` and `make test`. Both set themselves up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test token lint setup system-deps clean package bench fuzz routes

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP) system-deps

system-deps: ## system packages pip cannot bring (mosquitto, chromium, a CJK font); a no-op when present, apt-get otherwise
	@bash scripts/install-system-deps.sh

run: $(STAMP) system-deps ## the local stack: moto, API, front end, MQTT broker, rule bridge, simulated devices
	$(PY) -m infra.local.stack

test: $(STAMP) system-deps ## lint, type-check and run the whole suite: the end-to-end tests beside the rest (on PYTEST_WORKERS processes, default 2)
	$(PY) -m ruff check .
	$(PY) -m mypy
	PY=$(PY) bash scripts/test-suite.sh

fuzz: $(STAMP) system-deps ## the API against its OpenAPI document: schemathesis as a city admin and a resident on a fresh stack (coverage + fuzzing, random seed, FUZZ_MAX_TIME s per user)
	FUZZ_PHASES=examples,coverage,fuzzing FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-25} FUZZ_MAX_TIME=$${FUZZ_MAX_TIME:-600} \
	FUZZ_SEED=$${FUZZ_SEED:-} $(PY) -m pytest -s tests/e2e/test_fuzz.py

token: ## print an ID token for a demo user of the running stack: make token USER=zz.admin
	@$(PY) -m infra.local.token $(USER)

package: $(STAMP) ## build out/sam.json and out/deployment.zip for CloudFormation
	$(PY) -m infra.package out

bench: $(STAMP) ## benchmarks: API cold start, critical path, rate limiter, tenant scope, alert SMS sender, telemetry pipeline, alert core; the last two lines are the headlines
	$(PY) -m benchmarks.cold_start
	$(PY) -m benchmarks.critical_path
	$(PY) -m benchmarks.rate_limiter
	$(PY) -m benchmarks.tenant_scope
	$(PY) -m benchmarks.notifications
	@mkdir -p out
	$(PY) -m benchmarks.pipeline --headline out/bench-pipeline.txt
	$(PY) -m benchmarks.alert_core
	@cat out/bench-pipeline.txt

routes: $(STAMP) ## regenerate chalicelib/api/route_table.py after adding, removing or changing a route
	$(PY) -m chalicelib.api.lazy --write

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

clean:
	rm -rf $(VENV) .local .pytest_cache .ruff_cache .mypy_cache
