# Drom: set-up, run and test. `make run` and `make test` do everything on a fresh machine;
# every step is skipped when it is already done.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
UV_VERSION := 0.13.9
MODEL := models/drom.tar.gz
TRAINING_INPUTS := config.yml domain.yml bot/rasa_policy.py $(shell find nlu_data bot/nlu -name '*.yml' -o -name '*.py' 2>/dev/null)
PO_FILES := $(wildcard locales/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_WARN_20 := 1

.PHONY: help run test train install locales db validate lock i18n-extract i18n-update clean chromium load redis

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

run: install locales db $(MODEL) ## Start Rasa (with Drom's actions inside) and the gateway (Ctrl-C stops both)
	$(PY) -m bot run

test: install locales db $(MODEL) chromium redis ## Run every test (pytest), including rasa data validate, the NLU evaluation, the console in Chromium and two Rasa instances with Redis
	$(PY) -m pytest

load: install locales db $(MODEL) ## Load test: 200 people on Telegram and WhatsApp (fakes) for 5 minutes; writes reports/load.md
	$(PY) -m tests.load --people 200 --seconds 300

train: install ## Retrain the Rasa model now
	$(RASA) train --config config.yml --domain domain.yml --data nlu_data --out models --fixed-model-name drom

install: $(VENV)/.installed ## Create .venv with Python 3.10 and the locked dependencies

$(VENV)/.installed: requirements.lock scripts/find-python.sh
	@python=$$(scripts/find-python.sh) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
		rm -rf $(VENV) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --python $(PY) requirements.lock
	touch $@

locales: $(MO_FILES) ## Compile the gettext catalogues (the bot's `messages` and the console's `console`)

locales/%.mo: locales/%.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy --statistics -i $< -o $@

chromium: ## Install Debian's Chromium for the console's browser tests (if missing)
	@scripts/install-debian-package.sh $${DROM_CHROMIUM:-/usr/bin/chromium} chromium "the console's browser tests"

redis: ## Install Debian's Redis for the tests of several Rasa instances (if missing; the tests start their own server)
	@scripts/install-debian-package.sh $${DROM_REDIS_SERVER:-/usr/bin/redis-server} redis-server "the tests of several Rasa instances"

db: install ## Migrate the database and seed the FAQ content (idempotent)
	$(PY) -m bot db upgrade

$(MODEL): $(TRAINING_INPUTS) | $(VENV)/.installed
	$(MAKE) train

validate: install ## rasa data validate
	$(RASA) data validate --config config.yml --domain domain.yml --data nlu_data --fail-on-warnings

lock: install ## Re-resolve requirements.in into requirements.lock (exact versions)
	$(VENV)/bin/uv pip compile --python $(PY) --python-version 3.10 --generate-hashes requirements.in -o requirements.lock

i18n-extract: install ## Extract translatable strings into locales/messages.pot (bot) and locales/console.pot (console)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ --add-comments=TRANSLATORS: --no-location --project=Drom --copyright-holder="Drom contributors" -o locales/messages.pot .
	$(VENV)/bin/pybabel extract -F babel-console.cfg -k tr --add-comments=TRANSLATORS: --no-location --project="Drom console" --copyright-holder="Drom contributors" -o locales/console.pot .

i18n-update: i18n-extract ## Merge new strings into every catalogue
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching
	$(VENV)/bin/pybabel update -i locales/console.pot -d locales -D console --no-fuzzy-matching

clean: ## Remove the environment, model and local database
	rm -rf $(VENV) models var
