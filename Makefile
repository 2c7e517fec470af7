# govinfo-wagtail — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST_ARGS ?=
MANAGE := cd example_site && ../$(PY) manage.py

.PHONY: demo demo-data test lint bench loadtest docs messages system-deps clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.demo: $(VENV)/bin/python pyproject.toml
	$(PIP) install -q -e . dj-database-url
	touch $@

$(VENV)/.test: $(VENV)/bin/python pyproject.toml
	$(PIP) install -q -e ".[test,docs]"
	touch $@

## make demo: install, migrate SQLite, set up, load demo content, serve on 127.0.0.1:8000
demo: demo-data
	$(MANAGE) runserver 127.0.0.1:8000

demo-data: $(VENV)/.demo
	$(MANAGE) migrate --noinput
	$(MANAGE) govinfo_setup
	$(MANAGE) govinfo_demo

system-deps:
	bash scripts/system-deps.sh

## make test: the whole suite (browser tests included); DATABASE_URL picks the database
test: system-deps $(VENV)/.test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(VENV)/bin/ruff check govinfo_wagtail tests example_site benchmarks
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=. $(VENV)/bin/django-admin makemigrations --check --dry-run
	cd govinfo_wagtail/core && DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=../.. ../../$(VENV)/bin/django-admin compilemessages -l zh_Hans
	@po=govinfo_wagtail/core/locale/zh_Hans/LC_MESSAGES/django.po; \
	if [ -n "$$(msgattrib --untranslated $$po; msgattrib --only-fuzzy $$po)" ]; then \
	  echo "untranslated or fuzzy zh_Hans strings in $$po: run make messages, translate them" >&2; \
	  exit 1; fi

bench: system-deps $(VENV)/.test
	$(PY) benchmarks/run.py

## make loadtest: gunicorn + PostgreSQL + Varnish on loopback, 32 clients for 60 s, with and
## without the front cache (benchmarks/loadtest.py; LOADTEST_DATABASE_URL picks the database)
loadtest: system-deps $(VENV)/.test
	$(PY) benchmarks/loadtest.py

docs: $(VENV)/.test
	$(VENV)/bin/mkdocs build --strict --site-dir build/docs

## make messages: refresh the zh_Hans catalogue after changing UI strings; Wagtail's own
## strings that the package translates are kept in wagtail_overrides.po (makemessages would
## drop them: they are not in our source) and merged back in, winning over identical msgids.
LOCALE_ZH := govinfo_wagtail/core/locale/zh_Hans
messages: $(VENV)/.test
	cd govinfo_wagtail && DJANGO_SETTINGS_MODULE=tests.settings_messages PYTHONPATH=.. ../$(VENV)/bin/django-admin makemessages -l zh_Hans --no-obsolete
	msgcat --use-first $(LOCALE_ZH)/wagtail_overrides.po $(LOCALE_ZH)/LC_MESSAGES/django.po -o $(LOCALE_ZH)/LC_MESSAGES/django.po
	# Wagtail's admin JavaScript strings (domain djangojs; the package's own scripts have none).
	msgcat $(LOCALE_ZH)/wagtail_overrides_djangojs.po -o $(LOCALE_ZH)/LC_MESSAGES/djangojs.po
	cd govinfo_wagtail/core && DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=../.. ../../$(VENV)/bin/django-admin compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) build test-artifacts example_site/db.sqlite3
