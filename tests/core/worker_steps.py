"""Steps of the worker tests, each run in a process of its own against the worker's database
(``python -m tests.core.worker_steps STEP [ARG]`` with tests.settings_worker); each prints
one JSON object. The test process never touches that database itself on SQLite (it is a
file the test made); on PostgreSQL and MariaDB it is the test database."""

import json
import sys
from datetime import date

import django


def setup():
    from django.contrib.auth import get_user_model
    from wagtail.models import Site

    from govinfo_wagtail.catalogue.models import CatalogueIndexPage, CatalogueItemPage
    from govinfo_wagtail.core.demo import DemoContext
    from govinfo_wagtail.core.models import Agency, Topic
    from govinfo_wagtail.core.release import ReleaseReason, release
    from govinfo_wagtail.reports.demo import load_demo

    site = Site.objects.get(is_default_site=True)
    agency = Agency.objects.create(name="海丰县交通运输局", short_name="县交通运输局",
                                   index_code="00704046X")
    topic = Topic.objects.create(name="政府信息公开年报")
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    catalogue = CatalogueIndexPage(title="政府信息公开目录", slug="xxgk", live=False)
    site.root_page.add_child(instance=catalogue)
    release(catalogue.save_revision(), reason=ReleaseReason.TEST)
    item = CatalogueItemPage(title="关于做好防汛工作的通知", agency=agency, topic=topic,
                             body="<p>各镇人民政府：防汛抗旱</p>", live=False,
                             written_date=date(2024, 5, 1), published_date=date(2024, 5, 1))
    catalogue.add_child(instance=item)
    release(item.save_revision(), reason=ReleaseReason.TEST)
    context = DemoContext(site=site, home=site.root_page, catalogue=catalogue,
                          agencies={agency.name: agency}, topics={topic.name: topic},
                          admin=admin)
    load_demo(context, log=lambda *a: None)
    return {"item": item.pk}


def state():
    from django_tasks_db.models import DBTaskResult

    from govinfo_wagtail.reports.models import AnnualReportPDF
    from govinfo_wagtail.search.models import IndexFailure, SearchDocument

    return {
        "tasks": sorted([r.task_path.rsplit(".", 1)[-1], r.status]
                        for r in DBTaskResult.objects.all()),
        "indexed": sorted(SearchDocument.objects.values_list("page_id", flat=True)),
        "failures": sorted([f.page_id, f.backend, f.attempts]
                           for f in IndexFailure.objects.all()),
        "pdfs": sorted([p.page_id, p.status, bool(p.file) and p.file.storage.exists(p.file.name)]
                       for p in AnnualReportPDF.objects.all()),
    }


def enqueue_blocking(folder):
    from tests.core.worker_tasks import blocking_task

    return {"id": str(blocking_task.enqueue(folder).id)}


def queue():
    from govinfo_wagtail.core.task_queue import queue_state

    return queue_state().as_dict()


STEPS = {"setup": setup, "state": state, "enqueue_blocking": enqueue_blocking, "queue": queue}

if __name__ == "__main__":
    django.setup()
    step, args = sys.argv[1], sys.argv[2:]
    print(json.dumps(STEPS[step](*args)))
