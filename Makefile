# The two commands a new machine needs: `make run` and `make test`. Each sets up everything
# itself: system packages (build/setup-system.sh), the virtual environment with the pinned
# Python packages, and the compiled translation catalogs.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MO_STAMP := $(VENV)/.catalogs
RUN_ARGS ?= --windowed
PYTEST_ARGS ?=
SHOTS ?= artifacts/screenshots

.PHONY: run test bench i18n screenshots screenshots-lessons lint system clean bundles dist \
	dist-check usb

system:
	@bash build/setup-system.sh

$(STAMP): pyproject.toml build/setup-system.sh
	@bash build/setup-system.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@

# Compiled catalogs are built, never committed; rebuilt when a .po changes.
$(MO_STAMP): $(STAMP) $(wildcard locales/*/LC_MESSAGES/messages.po)
	@$(PY) build/i18n.py compile
	@touch $@

## Run the kiosk on the built-in sample lessons (a virtual screen is used when there is no display).
run: $(STAMP) $(MO_STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || [ -n "$$QT_QPA_PLATFORM" ]; then \
		$(VENV)/bin/kiosk run $(RUN_ARGS); \
	else \
		echo "No display found: running the kiosk on a virtual screen (Xvfb)."; \
		xvfb-run -a -s "-screen 0 1366x768x24" $(VENV)/bin/kiosk run $(RUN_ARGS); \
	fi

## Run the whole test suite (offscreen Qt, real SQLite, real speech).
test: $(STAMP) $(MO_STAMP)
	@bash build/setup-test.sh
	$(PY) -m pytest -q -n 2 $(PYTEST_ARGS)

## Print the benchmark table (start-up, next-step latency, ...).
bench: $(STAMP) $(MO_STAMP)
	$(PY) bench/run.py

## Extract UI strings, update every catalog, compile them.
i18n: $(STAMP)
	$(PY) build/i18n.py all
	@touch $(MO_STAMP)

## Screenshots of every screen at 1366x768 and 1920x1080 under Xvfb, into $(SHOTS).
screenshots: $(STAMP) $(MO_STAMP)
	xvfb-run -a -s "-screen 0 1920x1080x24" $(PY) -m kiosk.ui.screenshots $(SHOTS)

## Each lesson's first and practice steps at 1366x768 (100 % and 200 %, every title language),
## with a layout report (layout.txt), into $(SHOTS)/lessons.
screenshots-lessons: $(STAMP) $(MO_STAMP)
	xvfb-run -a -s "-screen 0 1920x1080x24" $(PY) -m kiosk.ui.screenshots_lessons $(SHOTS)/lessons

## Pack each built-in lesson into a signed bundle, build/out/bundles/<id>-<version>.kbundle.
## The signing key is made on this machine the first time, in build/out/keys/ (never committed).
BUNDLE_KEY := build/out/keys/builder
bundles: $(STAMP)
	@mkdir -p build/out/bundles build/out/keys
	@rm -f build/out/bundles/*.kbundle
	@test -f $(BUNDLE_KEY).key || $(VENV)/bin/kiosk keygen --out $(BUNDLE_KEY) --name "$$(hostname) build"
	@for lesson in lessons/*/; do \
		test -f "$$lesson/lesson.yaml" || continue; \
		$(VENV)/bin/kiosk bundle pack "$$lesson" -o build/out/bundles/ --key $(BUNDLE_KEY).key || exit 1; \
	done
	@echo "Trust the key on a kiosk with: kiosk trust add $(BUNDLE_KEY).pub"

## The one-folder PyInstaller build, dist/kiosk/ (kiosk, kiosk-cli); see build/kiosk.spec.
## PyInstaller and espeakng-loader come from the `build` extra of pyproject.toml.
DIST := dist/kiosk
BUILD_STAMP := $(VENV)/.installed-build
# What the build depends on (names with spaces are bundled but cannot be make prerequisites).
DIST_SOURCES := $(shell find kiosk lessons assets -type f ! -name '*.pyc' ! -name '* *' 2>/dev/null)
$(BUILD_STAMP): $(STAMP) pyproject.toml
	@bash build/setup-system.sh binutils
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,build]'
	@touch $@

$(DIST)/kiosk: $(BUILD_STAMP) $(MO_STAMP) build/kiosk.spec $(DIST_SOURCES)
	@start=$$(date +%s); \
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/work \
		build/kiosk.spec && \
	echo "dist: $(DIST) is $$(du -sb $(DIST) | awk '{printf "%.1f MB", $$1 / 1e6}'), \
	built in $$(( $$(date +%s) - start )) s"
	@touch $@

dist: $(DIST)/kiosk

## Run the frozen app in a clean environment (no venv, offscreen), then install it from a stick.
dist-check: $(DIST)/kiosk bundles
	bash build/check_dist.sh

## The USB-stick layout in DEST: DEST/KIOSK/{app,bundles,keys,sync,install.sh,INSTALL.txt}.
usb: $(DIST)/kiosk bundles
	@test -n "$(DEST)" || { echo "usage: make usb DEST=DIR" >&2; exit 2; }
	@bash build/make_usb.sh "$(DEST)"

lint: $(STAMP)
	$(VENV)/bin/ruff check kiosk tests bench build

clean:
	rm -rf $(VENV) artifacts
	find locales -name '*.mo' -delete
