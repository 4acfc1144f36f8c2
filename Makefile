# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | md5sum | cut -c1-8)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup install test lint fmt bench clean

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## setup: virtualenv, packages, migrations, demo province (only into an empty database)
setup: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --if-empty

## run: setup, then serve http://$(HOST):$(PORT)
run: setup
	@echo "Portal: http://$(HOST):$(PORT)/  (public ranking: http://$(HOST):$(PORT)/xep-hang/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: the whole suite on the configured database (SQLite by default)
test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

## lint: ruff (style), then lint-imports (the order of the apps, .importlinter)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: synthetic province/national data, index job vs SQL floor, web pages, load, upload
## (PostgreSQL when DATABASE_URL is set; e.g. BENCH_ARGS="--scales province")
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles

.PHONY: backup restore

## backup: database (dumpdata JSON) + uploaded files + SHA-256 manifest into backups/<timestamp>
backup: $(STAMP)
	$(BIN)/python manage.py backup --out backups/$$(date +%Y%m%d-%H%M%S)

## restore: make restore BACKUP=backups/<timestamp> — only into an empty database
restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/<timestamp>"; exit 2; }
	$(BIN)/python manage.py restore $(BACKUP)
