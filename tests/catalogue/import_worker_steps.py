"""Steps of the background-import worker test (tests/catalogue/test_admin_import_background.py),
each run in a process of its own with tests.settings_worker; each prints one JSON object."""

import json
import sys

import django

ROWS = "标题,发布机构,主题分类,成文日期,发布日期\n" + "".join(
    f"第{n}号通知,海丰县交通运输局,导入测试主题,2021-02-0{n},2021-02-0{n}\n" for n in range(1, 4))


def setup():
    from django.contrib.auth import get_user_model
    from wagtail.models import Site

    from govinfo_wagtail.catalogue.importing.background import queue_job
    from govinfo_wagtail.catalogue.models import CatalogueIndexPage
    from govinfo_wagtail.core.models import Agency, Topic
    from govinfo_wagtail.core.release import ReleaseReason, release

    site = Site.objects.get(is_default_site=True)
    Agency.objects.create(name="海丰县交通运输局", short_name="县交通运输局",
                          index_code="00704046X")
    Topic.objects.create(name="导入测试主题")
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    catalogue = CatalogueIndexPage(title="政府信息公开目录", slug="xxgk", live=False)
    site.root_page.add_child(instance=catalogue)
    release(catalogue.save_revision(), reason=ReleaseReason.TEST)
    job = queue_job(ROWS.encode(), "items.csv", parent=catalogue, user=admin, publish=True,
                    reason="从旧系统迁移", total_rows=3)
    return {"job": job.pk}


def state(job_id):
    from django_tasks_db.models import DBTaskResult

    from govinfo_wagtail.catalogue.models import CatalogueItemPage, ImportJob, ImportUpload
    from govinfo_wagtail.search.models import SearchDocument

    job = ImportJob.objects.get(pk=job_id)
    return {
        "state": job.state, "rows_done": job.rows_done, "created": job.created,
        "error": job.error, "uploads": ImportUpload.objects.filter(job=job).count(),
        "released": CatalogueItemPage.objects.released().count(),
        "indexed": SearchDocument.objects.count(),
        "tasks": sorted([r.task_path.rsplit(".", 1)[-1], r.status]
                        for r in DBTaskResult.objects.all()),
    }


if __name__ == "__main__":
    django.setup()
    name, *args = sys.argv[1:]
    print(json.dumps({"setup": setup, "state": state}[name](*args), ensure_ascii=False))
