# Two commands on a fresh machine: `make demo` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian packages the Python dependencies build or run against. The core install needs only the
# first line: PyICU (through normality) compiles against ICU. The tests need the rest: WeasyPrint
# renders with Pango and HarfBuzz; poppler-utils reads PDFs back; the browser tests drive
# Debian's chromium; PySpark needs Java 17 or newer. docs/install.md says the same for each extra.
CORE_DEB_PACKAGES := libicu-dev pkg-config g++
DEB_PACKAGES := $(CORE_DEB_PACKAGES) libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
                fonts-dejavu-core poppler-utils chromium openjdk-17-jre-headless
CORE   := $(VENV)/.core-installed
UV     := uv==0.13.8

.PHONY: install demo test lint typecheck bench bench-spark data schema clean system-deps lock docs

# subtier's own bytecode, brought up to date every time: an editable install writes none, and
# where PYTHONDONTWRITEBYTECODE is set no run writes it either, so that every command would
# compile subtier afresh (0.1 s of a 2 s screening run).
install: $(STAMP)
	@$(BIN)/python -m compileall -q src/subtier

# Everything the tests need, at the versions of requirements.lock, then subtier itself.
$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $(STAMP) $(CORE)

# The core install only (what `pip install subtier` brings), at the locked versions.
$(CORE): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory system-deps DEB_PACKAGES="$(CORE_DEB_PACKAGES)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e .
	@touch $(CORE)

# The Debian packages above that are missing, installed with apt-get (through sudo unless root).
system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

# Regenerates requirements.lock from pyproject.toml; versions already in it are kept unless a
# range excludes them (uv prefers the output file's versions). Needs the network.
lock:
	$(PYTHON) -m venv /tmp/subtier-uv
	/tmp/subtier-uv/bin/pip install --quiet $(UV)
	/tmp/subtier-uv/bin/uv pip compile pyproject.toml --all-extras --universal \
	  --python-version 3.11 --no-annotate -o requirements.lock

# Exit code 1 means "findings at or above high": the expected outcome of the demo.
# It needs the core install only: no browser, no Java, no test tools.
demo: $(CORE)
	@$(BIN)/subtier demo || [ $$? -eq 1 ]

# pytest runs against a throwaway PostgreSQL server (installed first if missing and we are root);
# without one, the PostgreSQL store tests skip with a message.
# The coverage floor: the share of subtier's lines the in-process tests run (commands the tests
# start as child processes are not counted). Raise it as tests are added; never lower it quietly.
COVERAGE_FLOOR ?= 88

test: install
	bash scripts/with-postgres.sh $(BIN)/pytest --cov --cov-report=term:skip-covered \
	  --cov-fail-under=$(COVERAGE_FLOOR)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
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
	$(BIN)/python benchmarks/bench_fec.py --filings
	$(BIN)/python benchmarks/bench_hostile.py
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
