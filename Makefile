# Newcomer commands (see README):
#   make site   set up everything, then build the default catalog into site/
#   make test   set up everything, then run lint, type checks and all tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test workers: one per core (`make test TEST_JOBS=0` runs the tests in one process).
TEST_JOBS ?= auto

.PHONY: setup runtime-deps system-deps site serve validate test lint typecheck pytest bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q generator  # bytecode even where PYTHONDONTWRITEBYTECODE is set
	touch $(STAMP)

# Debian packages, each as package:probe (a shared library, a file path or a command).
# Runtime: Pango (WeasyPrint's text engine), HarfBuzz's subsetter (font embedding without
# warnings) and the Noto fonts the worksheets fall back to for scripts Lato lacks (CJK,
# Arabic, Hebrew, emoji). Tests: Chromium (browser tests), poppler and qpdf (PDF checks).
NOTO := /usr/share/fonts
RUNTIME_PACKAGES := libpango-1.0-0:libpango-1.0.so.0 libpangoft2-1.0-0:libpangoft2-1.0.so.0 \
  libharfbuzz-subset0:libharfbuzz-subset.so.0 \
  fonts-noto-cjk:$(NOTO)/opentype/noto/NotoSansCJK-Regular.ttc \
  fonts-noto-core:$(NOTO)/truetype/noto/NotoSansArabic-Regular.ttf \
  fonts-noto-color-emoji:$(NOTO)/truetype/noto/NotoColorEmoji.ttf
TEST_PACKAGES := chromium:chromium poppler-utils:pdftotext qpdf:qpdf ghostscript:gs mupdf-tools:mutool

define apt_install
	@missing=""; for pair in $(1); do pkg=$${pair%%:*}; probe=$${pair#*:}; \
	  case $$probe in /*) test -e "$$probe" ;; *.so*) ldconfig -p | grep -q "$$probe" ;; *) command -v "$$probe" >/dev/null ;; esac \
	  || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

runtime-deps:
	$(call apt_install,$(RUNTIME_PACKAGES))

system-deps: runtime-deps
	$(call apt_install,$(TEST_PACKAGES))

site: setup runtime-deps
	$(BIN)/handbook build

serve: setup runtime-deps
	$(BIN)/handbook serve

validate: setup
	$(BIN)/handbook validate

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: setup system-deps
	$(BIN)/pytest -q -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder --durations=15  # the slowest, for the test-time budget

test: lint typecheck pytest

bench: setup
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf site build .pytest_cache .mypy_cache .ruff_cache
