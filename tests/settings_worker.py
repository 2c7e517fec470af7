"""Settings of the processes that the worker tests start (tests/core/test_task_worker.py).

The package's background tasks go to django-tasks-db's database queue, as in production, and
a real ``db_worker`` process runs them. The database is the one the test names:
``GOVINFO_WORKER_DATABASE`` is a SQLite file, or the name of the server test database.
"""

import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DATABASES["default"]["NAME"] = os.environ["GOVINFO_WORKER_DATABASE"]
if os.environ.get("GOVINFO_WORKER_SEARCH_CLUSTER"):
    GOVINFO_SEARCH_CLUSTER = {
        "CLIENT": "elasticsearch", "URLS": [os.environ["GOVINFO_WORKER_SEARCH_CLUSTER"]],
        "INDEX": "govinfo_worker_test", "OPTIONS": {"request_timeout": 2},
    }
