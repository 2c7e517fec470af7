"""The Elasticsearch/OpenSearch backends against a real server.

Runs only when GOVINFO_TEST_SEARCH_URL is set (e.g. http://127.0.0.1:9200) and
GOVINFO_TEST_SEARCH_BACKEND names the backend module (default: elasticsearch8). No server can
be installed on the development machine, so the suite skips there; it never fakes one.
"""

import os
import uuid
from datetime import date

import pytest
from django.test import override_settings

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.search.indexing import update_page_index
from govinfo_wagtail.search.models import IndexFailure
from tests.search.factories import item

URL = os.environ.get("GOVINFO_TEST_SEARCH_URL")
pytestmark = pytest.mark.skipif(
    not URL, reason="GOVINFO_TEST_SEARCH_URL is not set: no Elasticsearch/OpenSearch server"
)


@pytest.fixture
def cluster():
    from modelsearch.backends import get_search_backend

    name = os.environ.get("GOVINFO_TEST_SEARCH_BACKEND", "elasticsearch8")
    config = {
        "default": {"BACKEND": "govinfo_wagtail.search.backends.database"},
        "cluster": {"BACKEND": f"govinfo_wagtail.search.backends.{name}", "URLS": [URL],
                    "INDEX_PREFIX": f"govinfo_test_{uuid.uuid4().hex[:8]}_"},
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=config):
        backend = get_search_backend("cluster")
        backend.reset_indexes()
        yield backend
        for index in backend.es.indices.get(index=f"{config['cluster']['INDEX_PREFIX']}*"):
            backend.es.indices.delete(index=index)


def test_chinese_words_traditional_and_document_numbers(cluster, catalogue, agency):
    report = item(catalogue, "海丰县交通运输局2019年政府信息公开工作年度报告", agency=agency,
                  published=date(2020, 1, 21))
    notice = item(catalogue, "关于做好防汛工作的通知", agency=agency,
                  document_number="海府〔2022〕14号")
    for page in (report, notice):
        assert update_page_index(page.pk) == []
    cluster.refresh_indexes()
    qs = CatalogueItemPage.objects.live()

    def found(q):
        return [p.pk for p in cluster.search(q, qs)]

    assert found("交通") == [report.pk]
    assert found("年度報告") == [report.pk]
    assert found("海府（2022）14号") == [notice.pk]
    assert found("交通 防汛") == []
    assert not IndexFailure.objects.exists()
