"""``core.queries.below`` selects what Wagtail's ``descendant_of`` selects, as a range of
tree paths (an index range on every database, where SQLite scanned the page table for the
LIKE): checked from every page of a tree several levels deep and wide enough that its paths
use treebeard's letters as well as its digits, in the database's own collation."""

import pytest
from wagtail.models import Page

from govinfo_wagtail.core.queries import below

pytestmark = pytest.mark.django_db


def test_below_is_descendant_of_from_every_page(root_page):
    sections = []
    for i in range(12):  # paths ...000A, ...000B: letters beside digits
        section = root_page.add_child(instance=Page(title=f"栏目{i}", slug=f"s{i}"))
        sections.append(section)
    for section in sections[9:]:
        for j in range(11):
            child = section.add_child(instance=Page(title=f"子{j}", slug=f"c{j}"))
            child.add_child(instance=Page(title="孙", slug="g"))
    assert any(not p.path[-1].isdigit() for p in Page.objects.all())
    for page in Page.objects.all():
        for inclusive in (False, True):
            expected = set(Page.objects.descendant_of(page, inclusive=inclusive)
                           .values_list("pk", flat=True))
            got = set(Page.objects.filter(below(page.path, inclusive=inclusive))
                      .values_list("pk", flat=True))
            assert got == expected, (page.path, inclusive)
