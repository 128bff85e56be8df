# The two commands of the README: `make run` and `make test`. Everything else is for developers.
VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
PYTHON    ?= python3

.PHONY: run test test-qt-floor lint bench fuzz gallery sysdeps-run sysdeps-test clean dist deb smoke translations ts

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

sysdeps-run:
	@packaging/system-deps.sh run

sysdeps-test:
	@packaging/system-deps.sh test

# The visitor's languages besides Chinese (the source): kiosk/ui/i18n/kiosk_<lang>.ts is edited by people,
# the .qm the kiosk loads is built from it (Qt's lrelease, shipped in PySide6-Essentials).
LANGUAGES := en
TS_FILES  := $(LANGUAGES:%=kiosk/ui/i18n/kiosk_%.ts)
QM_FILES  := $(TS_FILES:.ts=.qm)

kiosk/ui/i18n/%.qm: kiosk/ui/i18n/%.ts $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

## build the translations the kiosk loads (kiosk/ui/i18n/*.qm)
translations: $(QM_FILES)

## after changing visitor-facing strings: add them to the .ts files (then translate them there)
ts: $(STAMP)
	$(VENV)/bin/pyside6-lupdate -silent -no-obsolete -locations none -source-language zh_CN kiosk/ui/qml/Kiosk kiosk/ui/*.py -ts $(TS_FILES)

## run the kiosk on its bundled content: a window when there is a display, else a PNG of the home screen
run: sysdeps-run $(STAMP) translations
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(VENV)/bin/ipkiosk run --windowed; \
	else \
		QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(VENV)/bin/ipkiosk selftest --screenshot home.png && \
		echo "no display (\$$DISPLAY / \$$WAYLAND_DISPLAY unset): rendered the home screen to $$(pwd)/home.png"; \
	fi

## run the linter and the whole test suite (slow fault tests included)
test: sysdeps-test $(STAMP) lint translations
	QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(PY) -m pytest

# The oldest PySide6 the terminal supports: the lower bound of the pin in pyproject.toml (the one place it is
# written), installed exactly into a second venv inside .venv (so `make clean` and .gitignore cover it).
QT_FLOOR       := $(shell sed -n 's/.*"PySide6-Essentials>=\([0-9.]*\),.*/\1/p' pyproject.toml)
FLOOR_VENV     := $(VENV)/qt-floor
FLOOR_STAMP    := $(FLOOR_VENV)/.installed
# Every test file that loads QML or drives the UI's view-models: by name, and any other that uses the UI's fixtures
# (found, not listed, so a new UI test file cannot be left off the floor run).
UI_TESTS       := $(sort $(wildcard tests/test_ui_*.py tests/test_admin_*.py) \
	$(shell grep -l -E '\b(kiosk_ui|qtbot|qtmodeltester)\b' tests/test_*.py))

$(FLOOR_STAMP): pyproject.toml
	@test -n "$(QT_FLOOR)" || { echo "no PySide6-Essentials lower bound found in pyproject.toml" >&2; exit 1; }
	$(PYTHON) -m venv $(FLOOR_VENV)
	$(FLOOR_VENV)/bin/python -m pip install -q --upgrade pip
	$(FLOOR_VENV)/bin/python -m pip install -q 'PySide6-Essentials==$(QT_FLOOR)' -e '.[dev]'
	touch $(FLOOR_STAMP)

## run the UI tests again on the oldest supported PySide6 (the pin's lower bound, for Debian 12 / Kylin / UOS arm64)
test-qt-floor: sysdeps-test $(FLOOR_STAMP) translations
	@$(FLOOR_VENV)/bin/python -c 'import PySide6, sys; v = PySide6.__version__; print("PySide6", v); \
		sys.exit(0 if v == "$(QT_FLOOR)" else f"expected PySide6 $(QT_FLOOR), the venv has {v}")'
	QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(FLOOR_VENV)/bin/python -m pytest $(UI_TESTS)

## ruff, the package's layers (import-linter contracts) and the type check (mypy); all configured in pyproject.toml
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: $(STAMP)
	@for b in bench/*_bench.py; do echo "== $$b"; $(PY) $$b || exit 1; done

## long hostile-content run: thousands of generated content sources through publish → sync (fewer renders);
## `make test` runs the same harness with its fast profile. HOSTILE_EXAMPLES sets the publisher-level count.
HOSTILE_EXAMPLES ?= 2000
fuzz: $(STAMP)
	HOSTILE_PROFILE=fuzz HOSTILE_EXAMPLES=$(HOSTILE_EXAMPLES) QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software \
		$(PY) -m pytest tests/test_hostile_content.py -q

# docs/screens/<name>-<size>.png ← `ipkiosk selftest --page <page>` for the visitor screens.
GALLERY := home=home services=services service=service:svc-patent-application policies=policies \
	policy=policy:pol-zz-2022-140-notice notices=notices notice=notice:ntc-20260908-ip-search-training-phase1 \
	news=news events=events event=event:evt-20261210-ip-search-training-2 station-notices=station-notices \
	search-empty=search search-zlsq=search:zlsq search-nearmiss=search:zhaunli search-zero=search:qxqxqx \
	attract=attract booking=booking \
	service-keyfacts=service:svc-trademark-registration policy-outline=policy:pol-zz-2022-140-plan
# The same screens in English (--lang en), as docs/screens/en-<name>-<size>.png.
EN_GALLERY := home=home service=service:svc-patent-application policy=policy:pol-zz-2022-140-notice \
	search=search:zlsq booking=booking
# docs/screens/large-<name>-<size>.png ← the same in 大字 mode (`selftest --large-text`).
GALLERY_LARGE := home=home service=service:svc-patent-application policy=policy:pol-zz-2022-140-notice \
	search=search:zlsq booking=booking-for:svc-patent-application

## render the screenshot gallery docs/screens/ (visitor and staff screens, 1080x1920 and 1920x1080)
gallery: $(STAMP) translations
	@for size in 1080x1920 1920x1080; do for shot in $(GALLERY); do \
		QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(VENV)/bin/ipkiosk selftest --size $$size \
			--page $${shot#*=} --screenshot docs/screens/$${shot%%=*}-$$size.png || exit 1; \
	done; done
	@for size in 1080x1920 1920x1080; do for shot in $(EN_GALLERY); do \
		QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(VENV)/bin/ipkiosk selftest --size $$size --lang en \
			--page $${shot#*=} --screenshot docs/screens/en-$${shot%%=*}-$$size.png || exit 1; \
	done; done
	@for size in 1080x1920 1920x1080; do for shot in $(GALLERY_LARGE); do \
		QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(VENV)/bin/ipkiosk selftest --size $$size --large-text \
			--page $${shot#*=} --screenshot docs/screens/large-$${shot%%=*}-$$size.png || exit 1; \
	done; done
	@# The booking page of a station that filled in how to reach a person (station_phone, station_desk).
	@contact=$$(mktemp -d) && printf 'data_dir = "%s"\nstation_phone = "0371-6000 1234"\nstation_desk = "服务台：一楼东侧"\n' \
		"$$contact" > $$contact/kiosk.toml && for size in 1080x1920 1920x1080; do \
		QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(VENV)/bin/ipkiosk selftest --config $$contact/kiosk.toml \
			--size $$size --page booking-for:svc-ip-rights-assistance \
			--screenshot docs/screens/booking-contact-$$size.png || exit 1; \
	done; rm -rf $$contact
	QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(PY) -m tests.test_admin_screens docs/screens
	QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(PY) -m tests.test_ui_pinyin_editor docs/screens
	QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(PY) -m tests.test_rating_ui docs/screens

## packaged build: dist/ipkiosk/ (PyInstaller one-dir) + tarball; fails on GPL-only Qt files
dist: $(STAMP) translations
	packaging/build-dist.sh $(PY)

## Debian package dist/ipkiosk_<version>_<arch>.deb from dist/ipkiosk
deb: dist
	packaging/build-deb.sh $(PY)

## frozen smoke test of dist/ipkiosk and the .deb (IPKIOSK_SMOKE_INSTALL=1 also installs it)
smoke: deb
	packaging/smoke.sh $(PY)

clean:
	rm -rf $(VENV) build dist *.egg-info
