# SatuPintu: the two commands of the README, and their parts.
#   make demo   install, build, start Kafka/PostgreSQL/Redis and the six services, load demo data
#   make test   install, build, start the servers, lint, run unit and integration tests
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# Node 24 from the `node` dev dependency comes first on PATH (the machine's Node may be older).
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export NX_DAEMON := false
export NX_NO_CLOUD := true

.PHONY: demo test deps build infra browser services lint unit integration stop status bench

# `npm install --no-save` from the lockfile: `npm ci` refuses this registry's lockfiles, which lack
# the entries of other platforms' optional binaries (see docs/decisions.md).
node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund --no-save
	touch $@

deps: node_modules/.installed

build: deps
	rm -rf dist
	tsc -p tsconfig.build.json

infra:
	tools/stack/infra.sh up

services: build infra
	tools/stack/services.sh up

demo: services
	node -r ./tools/runtime/register-paths.js dist/tools/cli/main.js demo-data --count 3000 --region 31.01
	@echo
	@echo "SatuPintu is running with demo data (Kabupaten Administrasi Kepulauan Seribu, 31.01):"
	@echo "  gateway        http://127.0.0.1:3000   (POST /v1/submissions, GET /v1/submissions/{id})"
	@echo "  dashboard      http://127.0.0.1:3000/dashboard#region=31.01   (indicators, drill-down, campaign progress)"
	@echo "                 sign in with the analyst key in .local/secrets/dashboard.key"
	@echo "  API            every call needs 'Authorization: Bearer <key>'; the admin key is in .local/secrets/admin.key"
	@echo "                 e.g. curl -H \"authorization: Bearer \$$(cat .local/secrets/admin.key)\" http://127.0.0.1:3000/v1/regions/31.01/counts"
	@echo "  health         http://127.0.0.1:3000/health/ready  (services on ports 3000-3004)"
	@echo "  Kafka 127.0.0.1:59092   PostgreSQL 127.0.0.1:55432/satupintu   Redis 127.0.0.1:56379"
	@echo "Stop everything with: make stop"

lint: deps
	tsc -p tsconfig.json
	nx show projects >/dev/null
	eslint .
	node tools/deploy/validate-manifests.mjs

unit: deps
	jest --selectProjects unit --json --outputFile=artifacts/jest-unit.json

browser:
	tools/stack/infra.sh browser

integration: build infra browser
	jest --selectProjects integration --runInBand --json --outputFile=artifacts/jest-integration.json

test: build infra browser
	@mkdir -p artifacts
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory integration
	node tools/ci/summary.js artifacts/jest-unit.json artifacts/jest-integration.json

bench: services
	node -r ./tools/runtime/register-paths.js dist/tools/cli/main.js bench --count $${N:-5000} $${RATE:+--rate $$RATE}

status:
	tools/stack/infra.sh status
	tools/stack/services.sh status

stop:
	tools/stack/services.sh stop
	tools/stack/infra.sh stop
