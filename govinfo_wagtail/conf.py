"""The one place that reads ``GOVINFO_*`` settings.

Settings are read at call time (``govinfo_settings.INDEX_NUMBER_PATTERN``), so
``override_settings`` works in tests and nothing is read at import time. Every
setting and its default is documented in docs/reference/settings.md.
"""

from django.conf import settings

DEFAULTS = {
    # Default pattern for 索引号; an agency or the site settings may override it.
    "INDEX_NUMBER_PATTERN": "{agency_code}/{year}-{serial:05d}",
    # The site's time zone: the {year} of an index number and the default 发布日期.
    "SITE_TIME_ZONE": "Asia/Shanghai",
    # Items per page on catalogue listings.
    "CATALOGUE_PAGE_SIZE": 20,
    # Results per page of the public search (the API's page_size is capped at 50).
    "SEARCH_PAGE_SIZE": 10,
    # Public search on an Elasticsearch/OpenSearch cluster instead of the database: None, or
    # {"CLIENT": "elasticsearch" | "opensearch", "URLS": [...], "INDEX": "govinfo_public",
    #  "OPTIONS": {...passed to the client...}} (docs/search.md).
    "SEARCH_CLUSTER": None,
    # Public search on the database: a query with more matches than this shows estimated
    # ("about") counts and facet counts from a fixed sample instead of counting every match.
    "SEARCH_EXACT_COUNT_LIMIT": 10_000,
    # Relevance order ranks the newest N matches of a query (all of them when fewer; ~40 µs a
    # candidate on PostgreSQL); "date" order pages through the first 10,000.
    "SEARCH_RANK_WINDOW": 500,
    # Where the search's no-results page sends visitors to apply for information (依申请公开):
    # an address, e.g. a provincial application platform. None: the page chosen in the public
    # site settings (依申请公开), if any.
    "ON_REQUEST_URL": None,
    # Items in the RSS/Atom feeds of a catalogue.
    "FEED_ITEMS": 50,
    # Catalogue import (govinfo_import and the admin): a file is refused, with the limit
    # named, as soon as it passes one of these; the admin refuses larger uploads.
    "IMPORT_MAX_ROWS": 200_000,
    "IMPORT_MAX_COLUMNS": 200,
    "IMPORT_MAX_CELL_CHARS": 100_000,
    "IMPORT_MAX_CELLS": 4_000_000,
    "IMPORT_MAX_UPLOAD_BYTES": 20 * 1024 * 1024,
    # The admin writes a file of more rows than this as a background job (django-tasks
    # queue) with a progress page; smaller files are written while the user waits.
    "IMPORT_BACKGROUND_ROWS": 500,
    # Names of the default groups govinfo_setup creates and grants the package's permissions
    # to (administrators, editors). Rights follow permissions, not these names: renaming a
    # group keeps its rights (docs/permissions.md).
    "ADMIN_GROUP": "信息公开管理员",
    "EDITOR_GROUP": "信息员",
    # Reviewer groups of the three review gates (政治关、政策关、文字关), in order.
    "REVIEWER_GROUPS": ["政治审核员", "政策审核员", "文字审核员"],
    # Annual reports: which disclosure pages auto-fill counts as 规章 / 规范性文件.
    "REPORT_POLICY_SOURCE": {
        "BACKEND": "govinfo_wagtail.reports.autofill.CatalogueTopicPolicySource",
        "OPTIONS": {},
    },
    # Policies: when True a policy that requires interpretation may go live before its
    # interpretations, which then follow within POLICY_INTERPRETATION_WORKDAYS working days.
    "POLICY_SEPARATE_RELEASE": False,
    "POLICY_INTERPRETATION_WORKDAYS": 3,
    # Exit prompt: hosts that external links reach without the "you are leaving" prompt. An
    # entry is a whole host name ("www.example.org") or, with a leading dot, a suffix at a dot
    # boundary (".gov.cn" matches gov.cn and www.gd.gov.cn, not evilgov.cn). The hosts of the
    # site's own Wagtail Sites are always allowed.
    "EXIT_ALLOWED_HOSTS": [".gov.cn"],
    # Public pages are shown in the site's language (LANGUAGE_CODE, or the page's locale with
    # Wagtail's internationalisation on), whatever the visitor's browser asks for. True: follow
    # the browser (Accept-Language, through Django's LocaleMiddleware), for sites that publish
    # in several languages. The admin always follows each user's language preference.
    "PUBLIC_BROWSER_LANGUAGE": False,
    # Name of the cookie that keeps the large-text mode (适老化) when JavaScript is off.
    "LARGE_TEXT_COOKIE": "govinfo_text",
    # Review: one person may pass only one gate of the same revision (separation of duties).
    "REVIEW_ONE_GATE_PER_PERSON": True,
    # Review: checklist items asked only on some pages, item -> "dotted.path" of a function
    # (page) -> bool; other items are asked on every page (review/checklists.py).
    "REVIEW_CHECKLIST_CONDITIONS": {
        "解读材料齐全": "govinfo_wagtail.review.checklists.interpretations_apply",
    },
    # Deprecated: the permission govinfo_review.release_in_emergency decides who may release
    # in an emergency. Read only to carry a site's group over (migration, govinfo_setup) and
    # by the system check govinfo_review.W006, which asks to remove it.
    "EMERGENCY_RELEASE_GROUP": None,
    # Front cache (docs/deployment.md): seconds a shared cache (Varnish, nginx, a CDN) keeps
    # public pages, listings, feeds and report files (s-maxage; purged on every change); 0
    # marks nothing public. Browsers get CACHE_BROWSER_MAX_AGE (max-age), the search page and
    # API CACHE_SEARCH_MAX_AGE.
    "CACHE_MAX_AGE": 600,
    "CACHE_BROWSER_MAX_AGE": 0,
    "CACHE_SEARCH_MAX_AGE": 60,
    # Folder of generated files that only guarded views serve (annual report PDFs): never
    # under MEDIA_ROOT or STATIC_ROOT. None: a folder "govinfo_private" beside MEDIA_ROOT.
    "PRIVATE_MEDIA_ROOT": None,
    # Background tasks on django-tasks-db's queue (core/task_queue.py): a task marked running
    # for longer than this many seconds was left by a dead worker, and
    # govinfo_tasks_recover puts it back in the queue.
    "TASK_STALE_AFTER": 600,
    # The administrators' dashboard warns, and the health endpoint answers 503, when the
    # oldest waiting task has waited longer than this many seconds.
    "TASK_LAG_WARNING": 300,
    # Failed tasks of the last N days are shown on the administrators' dashboard.
    "TASK_FAILED_WINDOW_DAYS": 7,
    # Accounts (govinfo_wagtail.security, docs/security.md). A second factor (TOTP, with
    # recovery codes) in the admin: False (off), True (administrators and reviewers), or
    # "all" (every admin user).
    "ADMIN_OTP_REQUIRED": False,
    # Seconds without a request after which an admin session is signed out; None: off.
    "ADMIN_SESSION_IDLE_TIMEOUT": None,
    # Login log and admin action log: govinfo_logs purge refuses entries younger than this.
    "LOG_RETENTION_DAYS": 183,
    # Proxies in front of Django (nginx, Varnish, a load balancer): addresses or networks
    # ("127.0.0.1", "10.0.0.0/8"). Only for a request from one of them is X-Forwarded-For
    # read, and then its right-most address that is not a proxy is the visitor's
    # (core/client_ip.py): the 找错 form's rate limit, django-axes, GOVINFO_HEALTH_ALLOWED.
    # Empty: REMOTE_ADDR is the visitor's address.
    "TRUSTED_PROXIES": [],
    # Health endpoint (health.py): anyone gets only {"status": ...} from the database and
    # cache checks, run at most once every HEALTH_CACHE_SECONDS per process. The checks in
    # detail for a request with the header X-Govinfo-Health-Token: <HEALTH_TOKEN> (None: no
    # token opens them) or from an address or network in HEALTH_ALLOWED.
    "HEALTH_TOKEN": None,
    "HEALTH_ALLOWED": [],
    "HEALTH_CACHE_SECONDS": 5,
    # Broken-link monitor (catalogue/link_monitor.py, govinfo_check_links): check external
    # http/https links too (False for an intranet without a way out); networks whose
    # addresses may be fetched although private or local (e.g. ["10.0.0.0/8"] for intranet
    # hosts; none by default: loopback, private, link-local and reserved addresses are
    # refused); seconds to connect and to wait for an answer (the whole request at most
    # twice that); redirects followed; hosts checked at once; seconds between two requests
    # to the same host.
    "LINK_CHECK_EXTERNAL": True,
    "LINK_CHECK_ALLOWED_NETWORKS": [],
    "LINK_CHECK_TIMEOUT": 10,
    "LINK_CHECK_MAX_REDIRECTS": 5,
    "LINK_CHECK_CONCURRENCY": 4,
    "LINK_CHECK_HOST_INTERVAL": 1.0,
}


class GovInfoSettings:
    def __getattr__(self, name: str):
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown govinfo setting: {name}")
        return getattr(settings, f"GOVINFO_{name}", DEFAULTS[name])


govinfo_settings = GovInfoSettings()
