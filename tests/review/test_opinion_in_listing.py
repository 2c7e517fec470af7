"""The latest opinion in the admin's page listing (issue 15), until the page is resubmitted."""

import re

from django.utils.html import escape

from tests.review.conftest import pass_gate, return_gate, submit
from tests.review.test_resubmission import edit, resubmit

OPINION = "第二段引用的文件已废止，请更新为2026年版本。"


def listing(client, user, parent):
    client.force_login(user)
    response = client.get(f"/admin/pages/{parent.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def row_of(html, page):
    match = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*?/admin/pages/{page.pk}/edit/(?:(?!</tr>).)*</tr>',
                      html, re.S)
    assert match, "the page's row is in the listing"
    return match.group()


def test_the_listing_shows_the_gate_the_reviewer_and_the_opinion(client, users, draft,
                                                                  catalogue):
    state = submit(draft, users["editor"])
    pass_gate(state, users["political"])
    return_gate(state, users["policy"], OPINION)

    row = row_of(listing(client, users["editor"], catalogue), draft)
    assert "data-govinfo-return" in row
    assert "政策审核" in row and "policy" in row and escape(OPINION) in row
    # It links to the editor, where the opinion is in full.
    assert f'href="/admin/pages/{draft.pk}/edit/" class="govinfo-listing-return"' in row


def test_a_long_opinion_is_shortened_in_the_row_and_whole_in_its_title(client, users, draft,
                                                                       catalogue):
    long = "请核对。" * 40
    state = submit(draft, users["editor"])
    return_gate(state, users["political"], long)
    row = row_of(listing(client, users["editor"], catalogue), draft)
    # Shortened in the row (Django's ellipsis: "..." in its Chinese catalogue); whole in the
    # link's title.
    shown = re.search(r'govinfo-listing-return__opinion">([^<]*)<', row).group(1)
    assert len(shown) <= 60 and shown.endswith(("…", "...")) and long.startswith(shown[:50])
    assert re.search(rf'title="[^"]*{long}"', row)


def test_gone_once_resubmitted(client, users, draft, catalogue):
    state = submit(draft, users["editor"])
    return_gate(state, users["political"], OPINION)
    edit(draft, users["editor"], summary="关于道路养护的通知（已更新）")
    resubmit(state, users["editor"])
    row = row_of(listing(client, users["editor"], catalogue), draft)
    assert "data-govinfo-return" not in row and OPINION not in row


def test_pages_in_review_or_not_in_review_show_no_opinion(client, users, draft, catalogue):
    html = listing(client, users["editor"], catalogue)
    assert "data-govinfo-return" not in html
    submit(draft, users["editor"])
    assert "data-govinfo-return" not in listing(client, users["editor"], catalogue)
