"""The filter bar's selects (core.queries.ListingSelect): Django's markup, kept per what it is
made of. Each test changes one part of what the markup is made of and expects the markup to
follow; a kept select that missed one would show a stale or wrong filter bar."""

import re
from datetime import date

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core import queries
from govinfo_wagtail.core.models import Agency
from govinfo_wagtail.core.queries import ListingSelect
from tests.conftest import add_live


def django_markup(choices, name, value, attrs) -> str:
    """Django's own select, with the blank lines of its option template left out."""
    html = forms.Select(choices=choices).render(name, value, attrs)
    return re.sub(r"\n\n+", "\n", html)


@pytest.fixture(autouse=True)
def nothing_kept():
    queries._SELECTS.clear()
    yield
    queries._SELECTS.clear()


CHOICES = [("", "全部"), (1, "交通<运输>"), (2, "教育 & 卫生"), (None, "无")]


@pytest.mark.parametrize("value", [None, "", 1, "2", "9"])
def test_the_markup_is_djangos_first_and_when_kept(value):
    attrs = {"id": "id_topic", "aria-describedby": "help"}
    expected = django_markup(CHOICES, "topic", value, attrs)
    first = ListingSelect(choices=CHOICES).render("topic", value, attrs)
    kept = ListingSelect(choices=CHOICES).render("topic", value, attrs)
    assert first == expected and kept == expected
    assert len(queries._SELECTS) == 1


def test_another_value_name_label_or_attribute_is_not_the_kept_markup():
    widget = ListingSelect(choices=CHOICES)
    one = widget.render("topic", 1, {"id": "id_topic"})
    assert '<option value="1" selected>' in one
    two = widget.render("topic", 2, {"id": "id_topic"})
    assert '<option value="2" selected>' in two and '<option value="1">' in two
    assert 'name="agency"' in widget.render("agency", 1, {"id": "id_topic"})
    assert 'id="id_other"' in widget.render("topic", 1, {"id": "id_other"})
    assert " required" in widget.render("topic", 1, {"id": "id_topic", "required": True})
    renamed = ListingSelect(choices=[("", "全部"), (1, "交通运输（新）")])
    assert "交通运输（新）" in renamed.render("topic", 1, {"id": "id_topic"})
    assert ListingSelect(choices=CHOICES).render("topic", 1, {"id": "id_topic"}) == one


def test_lazy_labels_and_attributes_are_kept_per_language():
    choices = [("", gettext_lazy("All topics")), (1, "交通运输")]
    attrs = {"id": "id_topic", "aria-label": gettext_lazy("Topic")}
    with translation.override("en"):
        english = ListingSelect(choices=choices).render("topic", None, attrs)
    with translation.override("zh-hans"):
        chinese = ListingSelect(choices=choices).render("topic", None, attrs)
    assert "All topics" in english and 'aria-label="Topic"' in english
    assert "全部主题" in chinese and "All topics" not in chinese
    assert 'aria-label="Topic"' not in chinese


def test_option_groups_are_rendered_as_django_does_and_not_kept():
    choices = [("", "全部"), ("部门", [(1, "交通运输局"), (2, "教育局")])]
    html = ListingSelect(choices=choices).render("agency", 2, {"id": "id_agency"})
    assert html == django_markup(choices, "agency", 2, {"id": "id_agency"})
    assert '<optgroup label="部门">' in html and not queries._SELECTS


def test_the_kept_markup_is_bounded():
    for value in range(queries._SELECTS_KEPT + 10):
        ListingSelect(choices=CHOICES).render("topic", value, {"id": "id_topic"})
        assert len(queries._SELECTS) <= queries._SELECTS_KEPT
    assert queries._SELECTS  # emptied when full, then kept again


@pytest.mark.django_db
def test_a_renamed_or_new_agency_shows_in_the_listing_at_once(client, catalogue, agency, topic):
    add_live(catalogue, CatalogueItemPage(title="第一件", agency=agency, topic=topic,
                                          published_date=date(2026, 1, 1)))
    assert agency.name in client.get(catalogue.url).content.decode()
    Agency.objects.filter(pk=agency.pk).update(name="海丰县交通运输局（更名）")
    new = Agency.objects.create(name="海丰县教育局", index_code="00704047X")
    html = client.get(f"{catalogue.url}?agency={new.pk}").content.decode()
    select = html[html.index('<select name="agency"'):]
    select = select[:select.index("</select>")]
    assert "海丰县交通运输局（更名）" in select
    assert f'<option value="{new.pk}" selected>海丰县教育局</option>' in select


@pytest.mark.django_db
def test_topic_labels_are_the_topics_own_names_with_their_parents():
    from govinfo_wagtail.core.agencies import topic_labels
    from govinfo_wagtail.core.models import Topic

    top = Topic.objects.create(name="交通运输")
    road = Topic.objects.create(name="公路", parent=top)
    rural = Topic.objects.create(name="农村公路", parent=road)
    loop_a = Topic.objects.create(name="甲")
    loop_b = Topic.objects.create(name="乙", parent=loop_a)
    Topic.objects.filter(pk=loop_a.pk).update(parent=loop_b)  # a cycle, by a raw write
    topics = list(Topic.objects.all())
    assert topic_labels(topics) == {t.pk: str(t) for t in topics}
    assert topic_labels(topics)[rural.pk] == "交通运输 / 公路 / 农村公路"
    # A parent not among the topics given: the topic's label reads it as str() does.
    assert topic_labels([rural]) == {rural.pk: "交通运输 / 公路 / 农村公路"}
