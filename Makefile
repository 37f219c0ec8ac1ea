# HMM Trade — common tasks. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}'

.PHONY: install
install: node_modules/.package-lock.json ## Install npm packages (brings Node 24)

.PHONY: up
up: install ## Run everything on this machine (embedded database, API) — npm run up
	npm run up

.PHONY: test
test: install ## Start Postgres if none answers, then run every check and test — npm test
	bash scripts/ensure-postgres.sh
	bash bot-image/scripts/ensure-hmmlearn.sh
	bash testkit/envtest/build.sh
	bash e2e/scripts/ensure-schemathesis.sh
	npm test

.PHONY: e2e
e2e: install ## Cross-surface tests: CLI processes, operator crash and failover
	bash scripts/ensure-postgres.sh
	npx vitest run e2e cli

.PHONY: generate
generate: install ## Regenerate checked-in artefacts (the CRD YAML)
	npm run generate

.PHONY: verify
verify: install ## Typecheck, lint, format check, and the generated-files freshness check
	npm run verify
