"""Pages read from the database are built without the constructor's work for new pages
(``ReleasedPageMixin.from_db``): the instance must be the one Django's own path builds."""

import json

import pytest
from django.core.files.base import ContentFile
from django.db.models.signals import post_init
from wagtail.documents import get_document_model

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.models import LISTING_DEFERRED, public_listing
from govinfo_wagtail.policies.models import PolicyDocumentPage
from tests.conftest import add_live

pytestmark = pytest.mark.django_db


def state(page):
    """What an instance holds: its loaded values and its state, without the state object."""
    values = {name: value for name, value in vars(page).items() if name != "_state"}
    # An empty cache of related objects is made on first use: the same as none yet.
    page_state = {name: value for name, value in vars(page._state).items()
                  if value or name != "fields_cache"}
    return (values, page_state, page.get_deferred_fields())


def loaded_through_django(read):
    """``read()``'s pages built by Django's own ``from_db``: a post_init receiver sends the
    fast path back to it."""
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver)
    try:
        pages = read()
    finally:
        post_init.disconnect(receiver)
    assert seen, "the receiver must have seen the pages built"
    return pages


@pytest.fixture
def pages(catalogue, agency, topic):
    document = get_document_model().objects.create(
        title="附件", file=ContentFile("附件".encode(), name="a.txt"))
    item = add_live(catalogue, CatalogueItemPage(
        title="事项", slug="item", agency=agency, topic=topic, body="<p>正文</p>",
        attachments=json.dumps([{"type": "attachment",
                                 "value": {"document": document.pk, "title": "附件一"}}])))
    policy = add_live(catalogue, PolicyDocumentPage(
        title="政策", slug="policy", agency=agency, category="other",
        requires_interpretation=False))
    return item, policy


@pytest.mark.parametrize("read", [
    lambda: list(CatalogueItemPage.objects.order_by("pk")),
    lambda: list(public_listing(CatalogueItemPage).select_related("agency").order_by("pk")),
    lambda: list(PolicyDocumentPage.objects.only("title", "validity", "agency")),
    lambda: [CatalogueItemPage.objects.specific().get(slug="item")],
], ids=["full", "listing", "only", "specific"])
def test_a_page_read_back_is_the_one_djangos_path_builds(pages, read):
    fast, usual = read(), loaded_through_django(read)
    assert fast and [state(p) for p in fast] == [state(p) for p in usual]


def test_a_page_read_with_another_row_is_the_one_djangos_path_builds(pages, catalogue, agency):
    from govinfo_wagtail.policies.models import InterpretationPage, InterpretedPolicy

    _, policy = pages
    add_live(catalogue, InterpretationPage(title="解读", slug="interp", agency=agency,
                                           policy_links=[InterpretedPolicy(policy=policy)]))

    def read():
        return [link.policy for link in InterpretedPolicy.objects.select_related("policy")]

    fast, usual = read(), loaded_through_django(read)
    assert fast and [state(p) for p in fast] == [state(p) for p in usual]


def test_a_page_read_with_a_fetch_mode_keeps_it(pages):
    """Django 6.1's fetch modes: the queryset's mode goes into each instance's state, as
    Django's own ``from_db`` puts it (compared where Django has them; the option itself is
    checked on every version)."""
    from django.db.models import QuerySet

    item, _ = pages
    names = [f.attname for f in CatalogueItemPage._meta.concrete_fields]
    values = CatalogueItemPage.objects.values_list(*names).get(pk=item.pk)
    mode = object()
    page = CatalogueItemPage.from_db("default", names, values, fetch_mode=mode)
    assert page._state.fetch_mode is mode and page.title == item.title
    assert not page.get_deferred_fields()
    if hasattr(QuerySet, "fetch_mode"):  # Django 6.1 (the Python 3.13 run of .ci/run)
        from django.db.models import FETCH_PEERS

        def read():
            return list(CatalogueItemPage.objects.fetch_mode(FETCH_PEERS).only("title"))

        fast, usual = read(), loaded_through_django(read)
        assert fast and [state(p) for p in fast] == [state(p) for p in usual]
        assert fast[0]._state.fetch_mode is FETCH_PEERS


def test_a_page_read_back_reads_and_defers_like_any_page(pages):
    item, _ = pages
    page = public_listing(CatalogueItemPage).select_related("agency").get(pk=item.pk)
    assert not page._state.adding and page._state.db == "default"
    assert set(LISTING_DEFERRED) <= page.get_deferred_fields()
    # The attachments went through the StreamField's descriptor: a stream, not JSON text.
    assert page.attachments[0].value["title"] == "附件一"
    assert page.agency.name == item.agency.name and page.get_url() == item.url
    # A deferred field loads on access, from the row the page came from.
    assert page.body == "<p>正文</p>" and "body" not in page.get_deferred_fields()
    # A changed foreign key id clears the related object read with the page.
    page.agency_id = None
    assert page.agency is None


def test_a_page_type_with_its_own_constructor_keeps_djangos_path(pages, monkeypatch):
    item, _ = pages
    built = []

    def __init__(self, *args, **kwargs):
        built.append(args)
        super(CatalogueItemPage, self).__init__(*args, **kwargs)

    monkeypatch.setattr(CatalogueItemPage, "__init__", __init__, raising=False)
    assert CatalogueItemPage.objects.get(pk=item.pk).title == item.title
    assert built


def test_an_ordinary_read_builds_no_page_through_a_constructor(pages, monkeypatch):
    """The fast path is taken (a receiver with no sender, say, would turn it off for every
    model): reading pages calls no constructor for them."""
    from django.db.models import Model

    from govinfo_wagtail.core.models import ReleasedPageMixin

    built = []
    init = Model.__init__

    def counting_init(self, *args, **kwargs):
        if isinstance(self, ReleasedPageMixin):
            built.append(type(self))
        init(self, *args, **kwargs)

    monkeypatch.setattr(Model, "__init__", counting_init)
    rows = list(public_listing(CatalogueItemPage).select_related("agency"))
    rows += list(PolicyDocumentPage.objects.all())
    assert len(rows) == 2 and rows[0].agency.name
    assert built == []
