# Two commands on a fresh machine: `make run` and `make test` (see README).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Development commands run with DEBUG on; the settings default to production (DEBUG=0).
export DEBUG ?= 1

.PHONY: run test install migrate demo bench lint messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --group dev
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

## Set up, load demo data once, start web + Celery worker with beat. Ctrl-C stops all.
run: demo
	$(BIN)/python manage.py runall

## The whole test suite (SQLite and the filesystem broker unless DATABASE_URL / CELERY_BROKER_URL say otherwise).
test: install
	$(BIN)/python -m pytest

## Benchmarks on a generated fleet (100k devices by default: BENCH_DEVICES=...). Several sizes
## side by side, each on its own database (name suffixed _<size>): BENCH_DEVICES=100000,1000000,
## or BENCH_DEVICES=1000000 alone (100k is added as the reference). See docs/benchmarks.md.
bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .

## Regenerate French translations (needs GNU gettext); the compiled .mo files are committed.
messages: install
	$(BIN)/python manage.py makemessages -l fr --ignore=.venv --ignore=var --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var $(VENV)
