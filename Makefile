# Two commands on a fresh machine: `make demo` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian packages the Python dependencies build or run against: PyICU compiles against ICU;
# WeasyPrint renders with Pango and HarfBuzz; poppler-utils reads PDFs back in the tests;
# the browser tests drive Debian's chromium; PySpark needs Java 17 or newer.
DEB_PACKAGES := libicu-dev pkg-config g++ libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
                fonts-dejavu-core poppler-utils chromium openjdk-17-jre-headless

.PHONY: install demo test lint typecheck bench bench-spark data schema clean system-deps

# subtier's own bytecode, brought up to date every time: an editable install writes none, and
# where PYTHONDONTWRITEBYTECODE is set no run writes it either, so that every command would
# compile subtier afresh (0.1 s of a 2 s screening run).
install: $(STAMP)
	@$(BIN)/python -m compileall -q src/subtier

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	@touch $(STAMP)

# Installs missing Debian packages only; needs root (or sudo) on a bare machine.
system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

# Exit code 1 means "findings at or above high": the expected outcome of the demo.
demo: install
	@$(BIN)/subtier check examples/procom-2019.yaml || [ $$? -eq 1 ]

# pytest runs against a throwaway PostgreSQL server (installed first if missing and we are root);
# without one, the PostgreSQL store tests skip with a message.
test: install
	bash scripts/with-postgres.sh $(BIN)/pytest
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/mypy

lint: install
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_screen.py
	$(BIN)/python benchmarks/bench_facilities.py
	$(BIN)/python benchmarks/bench_screen_scale.py
	$(BIN)/python benchmarks/bench_monitor.py
	$(BIN)/python benchmarks/bench_fec.py
	$(BIN)/python benchmarks/bench_web.py

bench-spark: install
	$(BIN)/python benchmarks/bench_spark.py

# Rebuilds the bundled facility list from ../shared/data (not needed to use the package).
data: install
	$(BIN)/python scripts/build_facilities.py

# Regenerates what is derived from the code: the chain JSON Schema and parts of the docs.
schema: install
	$(BIN)/python scripts/build_schema.py
	$(BIN)/python scripts/build_docs.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
