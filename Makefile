# Two commands for hall IT staff (see README.md):
#   make run    — the demo hall: server, kiosk, display, virtual printer
#   make test   — every test, including the Kivy window and Chromium browser tests
# Both set up what they need: Debian packages (when root), a venv, pip packages.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := fonts-wqy-microhei fonts-noto-core espeak-ng sox libzbar0 chromium \
	libgl1 libegl1 libmtdev1 libsdl2-2.0-0 xvfb
DEMO_DIR := var/demo

.PHONY: run test setup apt venv bench clean

setup: apt venv

# Debian packages: fonts (Chinese, Arabic script), Mesa EGL for Kivy, espeak-ng for the voice,
# zbar for QR decoding in tests, Chromium for the display and browser tests.
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
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	@for b in tests/bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

run: setup
	$(PY) -m queue_server demo --config config/hall.example.toml --kiosk-config config/kiosk.example.toml

clean:
	rm -rf $(VENV) var tests/output
