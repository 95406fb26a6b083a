# xiaobao: `make run` serves the platform with demo data; `make test` checks everything CI checks.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
UV_VERSION := 0.13.8
CHROMIUM ?= /usr/bin/chromium
# Bytecode caches go under var/pycache, not beside the sources: every process then reuses what the first one
# compiled (Django, DRF and the rest take about 10 s of CPU to compile, on each start without a cache), even
# where the environment says not to write bytecode.
export PYTHONPYCACHEPREFIX := $(CURDIR)/var/pycache
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test lint audit check-migrations pytest test-fast bench evaluate install demo clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.txt requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed node_modules/.installed

# Development mode: DEBUG on, console e-mail, demo data; a second run reuses the database in var/.
run: install
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_reference --if-empty
	DEBUG=1 $(PY) manage.py seed_demo
	@echo
	@echo "  xiaobao is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Demo accounts (password: $${XIAOBAO_DEMO_PASSWORD:-demo-password}):"
	@echo "    demo-consumer        consumer with several complaints"
	@echo "    demo-bank            complaint handler, 中国工商银行吉林省分行"
	@echo "    demo-bank-admin      account administrator, 中国工商银行吉林省分行 (/accounts/staff/)"
	@echo "    demo-bank2           complaint handler, 吉林银行"
	@echo "    demo-regulator       国家金融监督管理总局吉林监管局"
	@echo "    demo-checker         a second officer there: checks the credit-list entries others draft (/credit/)"
	@echo "    demo-city-regulator  长春市地方金融管理局 (local financial organisations)"
	@echo "    demo-pboc            中国人民银行吉林省分行 (credit reporting, cash, payments at any institution)"
	@echo "    demo-fundraising     吉林省处非办: illegal-fundraising reports and clues"
	@echo "    demo-mediator        mediator with assigned disputes"
	@echo "    demo-admin           administrator (/admin/)"
	@echo "    demo-auditor         security auditor: the audit trail at /audit/"
	@echo "  Staff accounts (all but demo-consumer) also ask for a code from an authenticator app:"
	@echo "    TOTP secret $${XIAOBAO_DEMO_TOTP_SECRET:-XIAOBAODEMOJILIN2FA7SECRETKEY234} (add it to any TOTP app), or print the code:"
	@echo "    $(PY) -c \"import base64,sys;from django_otp.oath import totp;print('%06d'%totp(base64.b32decode(sys.argv[1])))\" $${XIAOBAO_DEMO_TOTP_SECRET:-XIAOBAODEMOJILIN2FA7SECRETKEY234}"
	@echo "  Texts (SMS) go to the console outbox var/sms-outbox.jsonl"
	@echo
	@trap 'kill 0' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py db_worker --queue-name '*' & \
	DEBUG=1 $(PY) manage.py run_clock & \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Known vulnerabilities with a fix in the pinned Python requirements and the front-end packages (.ci/audit.py).
audit: install
	$(PY) .ci/audit.py

check-migrations: install  # the static-files check needs node_modules (ECharts, the Jilin map)
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check --fail-level WARNING

# The suite alone (CI runs it a second time on PostgreSQL with DATABASE_URL set).
pytest: install
	@if [ -x "$(CHROMIUM)" ]; then \
		XIAOBAO_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q; \
	else \
		echo; \
		echo "!!! $(CHROMIUM) not found: the browser tests are SKIPPED. Install Debian's chromium and fonts-noto-cjk to run them. !!!"; \
		echo; \
		$(PY) -m pytest -q -m "not browser"; \
	fi

test: lint audit check-migrations pytest

bench: install
	$(PY) bench/run.py $(if $(NAME),--name $(NAME)) $(if $(SIZE),--size $(SIZE))

# Quality, not speed: early-warning precision and recall on planted anomalies, classifier accuracy on held-out data.
evaluate: install
	$(PY) bench/evaluate_warning.py
	$(PY) bench/evaluate_scrubber.py
	$(PY) bench/run.py --name evaluate_classifier $(if $(SIZE),--size $(SIZE))

clean:
	rm -rf $(VENV) node_modules var/test-*.sqlite3*
