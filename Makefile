# Two commands for hall IT staff (see README.md):
#   make run    — the demo hall: server, kiosk, display, virtual printer
#   make test   — every test, including the Kivy window and Chromium browser tests
#   make city   — the city: PostgreSQL, two demo halls shipping to it, the bureau's dashboard
# Each sets up what it needs: Debian packages (when root), a venv, pip packages.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# Debian packages the tools need, checked against a fresh `debootstrap --variant=minbase bookworm`
# chroot (with only python3.11, make and git added): `make test` and `make run` pass there with
# exactly these. tests/test_system_libraries.py names any library still missing.
# venv: Debian's python3.11 has no ensurepip without it, so `python3.11 -m venv` fails.
APT_PYTHON := python3-venv
# fonts: WenQuanYi Micro Hei (Chinese, the default everywhere), Noto Sans Arabic from noto-core
# (Uyghur), Noto Sans CJK (the printer's optional Simplified Chinese face; its test).
APT_FONTS := fonts-wqy-microhei fonts-noto-core fonts-noto-cjk
# voice: espeak-ng speaks the calls and the kiosk's elder-mode prompts; sox joins and measures WAVs.
APT_VOICE := espeak-ng sox
# kiosk (Kivy's wheel bundles SDL2 but not what SDL loads at run time): Mesa GL/EGL, mtdev for
# touch screens, and libsdl2's X11/Wayland client libraries for a desktop window.
APT_KIOSK := libgl1 libegl1 libmtdev1 libsdl2-2.0-0
# display and browser tests: Debian's Chromium (Playwright drives it, never a downloaded build);
# Playwright's bundled node needs libatomic.so.1.
APT_BROWSER := chromium libatomic1
# tests and headless runs: zbar decodes QR codes (pyzbar); Xvfb is the X screen of the kiosk
# window test and of `xvfb-run` (which needs xauth).
APT_TEST := libzbar0 xvfb xauth
# the city (docs/city.md): PostgreSQL 15; the tests start a throwaway cluster from its binaries
# (/usr/lib/postgresql/15/bin), as the postgres user the package creates.
APT_CITY := postgresql-15
APT_PACKAGES := $(APT_PYTHON) $(APT_FONTS) $(APT_VOICE) $(APT_KIOSK) $(APT_BROWSER) $(APT_TEST) \
	$(APT_CITY)
DEMO_DIR := var/demo
# The tests run on two workers, a test file each at a time (one file's fixtures stay together):
# about 8 minutes instead of 14 on the two-core machines. The contract fuzz runs on its own
# afterwards: under xdist schemathesis collects its ~90 operations as one test and runs none.
XDIST := -n 2 --dist loadfile
FUZZ := tests/web/test_contract_fuzz.py

.PHONY: run test setup apt venv bench clean print-apt-packages city

setup: apt venv

# Debian packages: see APT_PACKAGES above.
apt:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "安装系统软件包 / installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "缺少系统软件包，请以 root 运行 / missing Debian packages, run as root: apt-get install$$missing"; exit 1; \
	  fi; \
	fi

$(VENV)/.setup-stamp: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 / Python 3.11 is required"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[server,printer,kiosk,dev]'
	@touch $@

venv: $(VENV)/.setup-stamp

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest $(XDIST) --ignore=$(FUZZ) $(PYTEST_ARGS)
	$(PY) -m pytest $(FUZZ) $(PYTEST_ARGS)

bench: setup
	@for b in tests/bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

run: setup
	$(PY) -m queue_server demo --config config/hall.example.toml --kiosk-config config/kiosk.example.toml

# The city (docs/city.md): a throwaway PostgreSQL, two demo halls whose simulated traffic
# queue-server ship sends to it, and the bureau's dashboard on http://127.0.0.1:8090/.
city: setup
	$(PY) -m queue_server.city.demo --config config/hall.example.toml --folder var/city

clean:
	rm -rf $(VENV) var tests/output

print-apt-packages:
	@echo $(APT_PACKAGES)
