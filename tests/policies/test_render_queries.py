"""A public page costs the same number of queries with 1 related item as with 20
(benchmarks/bench_render.py prints the same counts for every page type)."""

import pytest
from django.db import connection

from govinfo_wagtail.catalogue.models import CatalogueIndexPage, CatalogueItemPage
from govinfo_wagtail.core.release import ReleaseReason, release
from govinfo_wagtail.policies.models import InterpretationPage, InterpretedPolicy
from tests.conftest import add_live
from tests.policies.conftest import new_policy

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    client.get(url)  # warm: site root paths, content types
    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200
    return len(seen)


def released_policies(catalogue, agency, prefix, n):
    return [release(new_policy(catalogue, agency, title=f"政策{prefix}{i}",
                               slug=f"{prefix}-{i}", document_number=f"海交规〔2026〕{i}号",
                               requires_interpretation=False, category="other")
                    .get_latest_revision(), reason=ReleaseReason.TEST)[0]
            for i in range(n)]


def test_an_interpretation_of_20_policies_costs_what_one_of_1_costs(client, catalogue, agency):
    counts = {}
    for n in (1, 20):
        policies = released_policies(catalogue, agency, f"p{n}", n)
        page = add_live(catalogue, InterpretationPage(
            title=f"解读{n}", slug=f"interp-{n}", agency=agency,
            policy_links=[InterpretedPolicy(policy=p) for p in policies]))
        counts[n] = queries(client, page.url)
    assert counts[1] == counts[20]


def test_a_policy_with_20_interpretations_costs_what_one_with_1_costs(client, catalogue,
                                                                        agency):
    counts = {}
    for n in (1, 20):
        [policy] = released_policies(catalogue, agency, f"with{n}", 1)
        for i in range(n):
            add_live(catalogue, InterpretationPage(
                title=f"解读{n}-{i}", slug=f"i{n}-{i}", agency=agency,
                policy_links=[InterpretedPolicy(policy=policy)]))
        counts[n] = queries(client, policy.url)
    assert counts[1] == counts[20]


def test_a_listing_of_20_items_costs_what_one_of_1_costs(client, root_page, agency):
    counts = {}
    for n in (1, 20):
        catalogue = add_live(root_page, CatalogueIndexPage(title=f"目录{n}", slug=f"c{n}"))
        for i in range(n):
            add_live(catalogue, CatalogueItemPage(title=f"事项{i}", slug=f"item-{i}",
                                                  agency=agency))
        counts[n] = queries(client, catalogue.url)
        counts[f"rss{n}"] = queries(client, catalogue.url + "feed/rss/")
    assert counts[1] == counts[20]
    assert counts["rss1"] == counts["rss20"]


def test_an_interpretation_in_memory_names_its_policies_from_its_own_links(catalogue, agency):
    """A version not saved to the database (a preview) has its links in memory: its policies
    are those, not the links of the saved page (the saved page reads them in a subquery)."""
    saved, other = released_policies(catalogue, agency, "mem", 2)
    page = add_live(catalogue, InterpretationPage(
        title="解读", slug="interp-mem", agency=agency,
        policy_links=[InterpretedPolicy(policy=saved)]))
    assert [p.pk for p in page.get_public_policies()] == [saved.pk]
    preview = InterpretationPage.objects.get(pk=page.pk)
    preview.policy_links = [InterpretedPolicy(policy=other)]
    assert [p.pk for p in preview.get_public_policies()] == [other.pk]
    assert [p.pk for p in preview.get_policies()] == [other.pk]


def test_an_interpretation_tells_of_its_withdrawn_and_repealed_policies_in_order(
        client, catalogue, agency):
    """The notices read only the policies a reader is told about, in the editor's order:
    the same ones for the saved page and for a version in memory (a preview)."""
    from govinfo_wagtail.core.models import Validity
    from govinfo_wagtail.policies.models import PolicyDocumentPage

    valid, repealed, withdrawn = released_policies(catalogue, agency, "n", 3)
    PolicyDocumentPage.objects.filter(pk=repealed.pk).update(validity=Validity.REPEALED)
    page = add_live(catalogue, InterpretationPage(
        title="解读", slug="interp-notices", agency=agency,
        policy_links=[InterpretedPolicy(policy=p) for p in (withdrawn, valid, repealed)]))
    PolicyDocumentPage.objects.filter(pk=withdrawn.pk).update(live=False)
    page = InterpretationPage.objects.get(pk=page.pk)
    assert [p.pk for p in page.get_policy_notices()] == [withdrawn.pk, repealed.pk]
    in_memory = InterpretationPage.objects.get(pk=page.pk)
    in_memory.policy_links = [InterpretedPolicy(policy=PolicyDocumentPage.objects.get(pk=pk))
                              for pk in (repealed.pk, valid.pk)]
    assert [p.pk for p in in_memory.get_policy_notices()] == [repealed.pk]
    html = client.get(page.url).content.decode()
    assert html.count("data-policy-status=") == 2
    assert html.index('data-policy-status="withdrawn"') < html.index(
        'data-policy-status="repealed"')
