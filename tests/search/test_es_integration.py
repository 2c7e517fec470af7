"""The Elasticsearch/OpenSearch backends against a real server.

Runs only when GOVINFO_TEST_SEARCH_URL is set (e.g. http://127.0.0.1:9200).
GOVINFO_TEST_SEARCH_BACKEND names the Wagtail backend module (default: elasticsearch8) and
GOVINFO_TEST_SEARCH_CLIENT the client of the public search's cluster index
(GOVINFO_SEARCH_CLUSTER: elasticsearch or opensearch). No server can be installed on the
development machine, so the suite skips there; it never fakes one.
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


# --- the public search on the cluster (GOVINFO_SEARCH_CLUSTER) ---------------------------------
#
# GOVINFO_TEST_SEARCH_CLIENT=elasticsearch|opensearch picks the client (default elasticsearch).
# These tests commit (pages are indexed from an on_commit hook, as in production).


def _needs_commit(test):
    test = pytest.mark.usefixtures("_migration_data")(test)
    return pytest.mark.django_db(transaction=True)(test)


@pytest.fixture
def public_cluster():
    from govinfo_wagtail.search import cluster

    conf = {"CLIENT": os.environ.get("GOVINFO_TEST_SEARCH_CLIENT", "elasticsearch"),
            "URLS": [URL], "INDEX": f"govinfo_test_{uuid.uuid4().hex[:8]}_public",
            "OPTIONS": {"max_retries": 0}}
    with override_settings(GOVINFO_SEARCH_CLUSTER=conf):
        client = cluster.client()
        try:
            yield client
        finally:
            for name in client.indices_behind_alias():
                client.delete_index(name)


def _search(q="", **filters):
    from govinfo_wagtail.search import services

    return services.search(services.SearchQuery(q=q, **filters))


def _ids(results):
    return [hit.page.pk for hit in results.hits]


@_needs_commit
def test_public_search_on_the_cluster(public_cluster, catalogue, agency, topic):
    from wagtail.models import PageViewRestriction

    from govinfo_wagtail.core.models import Agency

    finance = Agency.objects.create(name="海丰县财政局", index_code="007040638")
    report = item(catalogue, "海丰县交通运输局2019年政府信息公开工作年度报告", agency=agency,
                  topic=topic, published=date(2020, 1, 21),
                  body="<p>本报告由海丰县交通运输局编制，公路建设和道路运输情况如下。</p>")
    budget = item(catalogue, "海丰县财政局2021年部门预算公开", agency=finance,
                  published=date(2021, 3, 1), document_number="海财〔2021〕5号",
                  body="<p>2021年一般公共预算收入安排如下。</p>")
    notice = item(catalogue, "关于印发海财〔2021〕5号文件的通知", agency=agency, topic=topic,
                  published=date(2021, 4, 2), body="<p>转发海财〔2021〕5号，请遵照执行。</p>")
    fishery = item(catalogue, "渔业油价补贴资金发放情况公示", agency=finance,
                   published=date(2022, 6, 1), body="<p>渔业生产者油价补贴资金已全部发放。</p>")
    public_cluster.refresh()
    assert not IndexFailure.objects.exists()

    # Words inside longer runs, traditional characters, all terms required (交通 is also in
    # the notice's agency name, which is indexed with it)
    assert set(_ids(_search("交通"))) == {report.pk, notice.pk}
    assert _ids(_search("年度報告")) == [report.pk]
    assert _ids(_search("渔业 预算")) == []
    # The page whose own 文号 it is comes first, also by date
    assert _ids(_search("海财（2021）5号"))[0] == budget.pk
    assert _ids(_search("海财（2021）5号", sort="date")) == [budget.pk, notice.pk]
    # Facets with counts, with the filters applied; sorting and pages
    everything = _search("")
    assert everything.count == 4
    assert _ids(everything) == [fishery.pk, notice.pk, budget.pk, report.pk]
    assert dict(everything.facets["agency"]) == {agency.pk: 2, finance.pk: 2}
    assert dict(everything.facets["year"]) == {2020: 1, 2021: 2, 2022: 1}
    filtered = _search("预算", agency=finance.pk)
    assert _ids(filtered) == [budget.pk] and dict(filtered.facets["agency"]) == {finance.pk: 1}
    last = _search("", page=99, page_size=3)
    assert (last.page, last.num_pages, _ids(last)) == (2, 2, [report.pk])
    # Suggestions counted by the cluster
    assert _search("渔业 预算").suggestions

    # Unpublished and restricted pages disappear from the cluster, not just from the hits
    fishery.unpublish()
    PageViewRestriction.objects.create(page=report, restriction_type="login")
    public_cluster.refresh()
    assert _search("").count == 2
    assert _ids(_search("年度报告")) == [] and _ids(_search("渔业")) == []
    assert not IndexFailure.objects.exists()


@_needs_commit
def test_failed_cluster_updates_are_re_run(public_cluster, catalogue, agency, settings):
    from django.core.management import call_command

    from govinfo_wagtail.search.cluster import CLUSTER_INDEX

    up = settings.GOVINFO_SEARCH_CLUSTER
    settings.GOVINFO_SEARCH_CLUSTER = {**up, "URLS": ["http://127.0.0.1:9"]}  # down
    page = item(catalogue, "关于开展森林防火检查的通知", agency=agency)
    assert IndexFailure.objects.get(page_id=page.pk).backend == CLUSTER_INDEX
    settings.GOVINFO_SEARCH_CLUSTER = up  # back
    call_command("govinfo_search_retry")
    assert not IndexFailure.objects.exists()
    public_cluster.refresh()
    assert _ids(_search("森林防火")) == [page.pk]

    # A full rebuild into a new index behind the same alias
    call_command("govinfo_search_rebuild", "--cluster-only")
    assert _ids(_search("森林防火")) == [page.pk]
    assert len(public_cluster.indices_behind_alias()) == 1
