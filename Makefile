# Counterwatch: `make demo` runs the main job, `make test` the tests. Both set everything up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
STAMP  := $(VENV)/.installed

.PHONY: install chromium demo test eval train bench bench-scale bench-pages bench-hostile clean

$(STAMP): pyproject.toml src/counterwatch/web/frontend/package.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	src/counterwatch/web/frontend/build.sh
	touch $(STAMP)

install: $(STAMP)

DEMO_DB ?= sqlite:///$(CURDIR)/demo.sqlite

demo: $(STAMP)
	$(BIN)/counterwatch extract samples/
	COUNTERWATCH_DATABASE_URL=$(DEMO_DB) $(BIN)/counterwatch ingest samples/
	COUNTERWATCH_DATABASE_URL=$(DEMO_DB) $(BIN)/counterwatch serve --open-editing

# The browser tests drive Debian's Chromium: installed here when run as root, else the exact command is printed.
CHROMIUM ?= /usr/bin/chromium
APT_GET  ?= apt-get
USER_ID  ?= $(shell id -u)

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$(USER_ID)" = 0 ]; then $(APT_GET) update && $(APT_GET) install -y chromium chromium-driver; \
	  else echo "$(CHROMIUM) is missing (the browser tests need it); run: sudo apt-get install -y chromium chromium-driver" >&2; \
	  exit 1; fi; fi

test: chromium $(STAMP)
	$(BIN)/pytest -q

eval: $(STAMP)
	$(BIN)/python scripts/evaluate.py --shared $(SHARED)

# Retrain the extraction models on corpus/ (seeded; 17-20 min for 1,264 documents on 2 cores, 2026-12-07) into the folder extraction loads.
train: $(STAMP)
	$(BIN)/counterwatch train --corpus corpus --shared $(SHARED)

BENCH_DOCS ?= 10000
BENCH_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --docs $(BENCH_DOCS) --pg $(BENCH_PG)

SCALE_DOCS ?= 100000
SCALE_DIR ?= /var/tmp/counterwatch-scale
SCALE_PG ?=
SCALE_FILL ?=

# SCALE_FILL=5000: ingest that many reports for real, copy them in SQL up to SCALE_DOCS (benchmarks/fill.py), then measure
bench-scale: $(STAMP)
	$(if $(SCALE_FILL),$(BIN)/python benchmarks/fill.py --base $(SCALE_FILL) --queries,$(BIN)/python benchmarks/scale.py) \
	  --docs $(SCALE_DOCS) --dir $(SCALE_DIR) $(if $(SCALE_PG),--pg $(SCALE_PG))

bench-pages: $(STAMP)
	$(BIN)/python benchmarks/pages.py --docs $(SHARED)/devset/docs

# Hostile input and load on SQLite and PostgreSQL: outcome, seconds, peak memory and probe p95 per case.
bench-hostile: $(STAMP)
	$(BIN)/python benchmarks/hostile.py --pg $(BENCH_PG) --json benchmarks/results-hostile.json

clean:
	rm -rf $(VENV) out .pytest_cache
