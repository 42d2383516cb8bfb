# kb: `make run` serves the knowledge base, `make test` runs every check.
# Both create .venv and install the project from pyproject.toml when it is missing or changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run serve test chromium wrk previews-fonts gettext lint typecheck format migrations-check messages-check bench bench-database bench-search bench-downloads bench-curation soak clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# Development server with the seed content; DEBUG=1 unless the environment says otherwise.
run: export DEBUG ?= 1
run: export KB_SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed
	$(BIN)/python manage.py build_downloads -v0
	$(BIN)/python manage.py demo_admin --url http://127.0.0.1:$(PORT)
	@echo "Serving the knowledge base at http://127.0.0.1:$(PORT)/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production serving: gunicorn with the settings from the environment (SECRET_KEY,
# ALLOWED_HOSTS, DATABASE_URL, REDIS_URL...; see docs/operations.md). DEBUG stays off.
# The downloads are built beside the server, at low priority, so that it starts at once; until
# they are ready their links say "being prepared" (docs/operations.md).
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	nice $(BIN)/python manage.py build_downloads -v0 &
	$(BIN)/gunicorn -c python:kb.gunicorn kb.wsgi:application

# Lint, types, migrations check, then the whole suite on the database DATABASE_URL names
# (SQLite when unset).
test: export DEBUG ?= 1
test: install lint typecheck migrations-check messages-check chromium wrk previews-fonts
	$(BIN)/python -m pytest

# The browser tests drive Debian's Chromium (Playwright never downloads a browser).
chromium:
	@[ -x /usr/bin/chromium ] || apt-get install -y chromium || sudo apt-get install -y chromium

# Link preview pictures (kb/reading/previews.py): DejaVu Sans, and FriBiDi for Arabic text.
previews-fonts:
	@[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && ldconfig -p | grep -q libfribidi.so.0 || apt-get install -y fonts-dejavu-core libfribidi0 || sudo apt-get install -y fonts-dejavu-core libfribidi0

# The load benchmark's tool, whose script has tests of its own (tests/bench/test_wrk.py).
wrk:
	@command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs and the DRF stubs, configured in pyproject.toml.
typecheck: export DEBUG ?= 1
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The interface's translations: locale/*.po brought up to date from the code, complete (no
# untranslated or fuzzy string) in every language, and compiled (docs/translation.md).
messages-check: export DEBUG ?= 1
messages-check: install gettext
	$(BIN)/python manage.py check_messages

# GNU gettext, which makemessages and compilemessages run, from Debian's packages.
gettext:
	@command -v msgfmt >/dev/null || apt-get install -y gettext || sudo apt-get install -y gettext

migrations-check: export DEBUG ?= 1
migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Search latency on generated data (10,000 tactics, 30,000 sources, 100,000 citations),
# on SQLite and on PostgreSQL. The databases are kept for the next run; delete
# bench.sqlite3 or drop kb_bench to regenerate.
BENCH_SQLITE ?= sqlite:///$(CURDIR)/bench.sqlite3
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432/kb_bench
bench-search: export DEBUG ?= 1
bench-search: install
	for url in $(BENCH_SQLITE) $(BENCH_POSTGRES); do \
	  DATABASE_URL=$$url $(BIN)/python manage.py ensure_database && \
	  DATABASE_URL=$$url $(BIN)/python manage.py migrate --noinput -v0 && \
	  DATABASE_URL=$$url $(BIN)/python -m bench search --generate || exit 1; \
	done

# Load benchmark: the generated data set in PostgreSQL (BENCH_URL=$(BENCH_SQLITE) for
# SQLite), served by gunicorn with production settings and the Redis cache, driven by wrk
# (installed from Debian's packages when missing). Prints one table; see docs/performance.md.
BENCH_URL ?= $(BENCH_POSTGRES)
BENCH_OPTIONS ?=
bench: export DEBUG ?= 1
bench: bench-database
	DATABASE_URL=$(BENCH_URL) $(BIN)/python -m bench load --generate $(BENCH_OPTIONS)

# Soak: the same server and data set for 60 s at saturation with every kind of page, cached
# and not; fails on any error, a replaced worker, or memory growth. See docs/performance.md.
soak: export DEBUG ?= 1
soak: bench-database
	DATABASE_URL=$(BENCH_URL) $(BIN)/python -m bench soak --generate $(BENCH_OPTIONS)

# Curation: the admin's change forms, a pending revision's diff, preview and publication, the
# publication checks and the History page, timed in process on the generated data set.
bench-curation: export DEBUG ?= 1
bench-curation: bench-database
	DATABASE_URL=$(BENCH_URL) $(BIN)/python -m bench curation --generate $(BENCH_OPTIONS)

# Downloads: build time and peak memory of each file on the generated data set, then two
# concurrent requests for each download while wrk drives a cached page; fails if the page's
# p99 reaches 100 ms or any request fails. See docs/performance.md.
bench-downloads: export DEBUG ?= 1
bench-downloads: bench-database
	DATABASE_URL=$(BENCH_URL) $(BIN)/python -m bench downloads $(BENCH_OPTIONS)

# wrk, and the benchmark database created and migrated (the commands above fill it).
bench-database: export DEBUG ?= 1
bench-database: install
	command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk
	DATABASE_URL=$(BENCH_URL) $(BIN)/python manage.py ensure_database
	DATABASE_URL=$(BENCH_URL) $(BIN)/python manage.py migrate --noinput -v0

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info bench.sqlite3*
