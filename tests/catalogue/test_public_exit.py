"""The exit prompt without a browser: host matching, signed targets, the leave page, rich-text
links, and the no-JavaScript text-size switch."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.public import (
    exit_href,
    host_matches,
    needs_exit_prompt,
    rewrite_exit_links,
    sign_target,
)
from tests.conftest import add_live

LEAVE = "/govinfo/leave/"


@pytest.mark.parametrize(
    ("host", "entry", "expected"),
    [
        ("www.gd.gov.cn", ".gov.cn", True),
        ("gov.cn", ".gov.cn", True),
        ("WWW.GD.GOV.CN.", ".gov.cn", True),
        ("evilgov.cn", ".gov.cn", False),
        ("gov.cn.evil.com", ".gov.cn", False),
        ("www.example.org", "www.example.org", True),
        ("a.www.example.org", "www.example.org", False),
        ("example.org", "www.example.org", False),
    ],
)
def test_allow_list_matches_whole_hosts_or_dot_boundary_suffixes(host, entry, expected):
    assert host_matches(host, entry) is expected


@pytest.mark.django_db
def test_which_links_need_the_prompt(settings):
    assert needs_exit_prompt("https://www.example.org/a") is True
    assert needs_exit_prompt("//www.example.org/a") is True
    assert needs_exit_prompt("HTTPS://evilgov.cn/") is True
    # The userinfo trick names gov.cn but leads to evil.com.
    assert needs_exit_prompt("https://www.gov.cn@evil.com/") is True
    assert needs_exit_prompt("http://www.gd.gov.cn/zwgk/") is False
    assert needs_exit_prompt("http://localhost/xxgk/") is False  # the default Site's own host
    assert needs_exit_prompt("/xxgk/") is False
    assert needs_exit_prompt("#top") is False
    assert needs_exit_prompt("mailto:a@example.org") is False
    settings.GOVINFO_EXIT_ALLOWED_HOSTS = [".gov.cn", "www.example.org"]
    assert needs_exit_prompt("https://www.example.org/a") is False
    assert needs_exit_prompt("https://cdn.example.org/a") is True
    settings.GOVINFO_EXIT_ALLOWED_HOSTS = ".gov.cn"  # a string, not a list
    with pytest.raises(ImproperlyConfigured):
        needs_exit_prompt("https://cdn.example.org/a")


def leave_params(href: str) -> dict[str, str]:
    parts = urlsplit(href)
    assert parts.path == LEAVE
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


@pytest.mark.django_db
def test_rich_text_external_links_go_through_the_leave_page():
    html = (
        '<p><a href="https://www.example.org/report?a=1&amp;b=2" title="x">外部</a> '
        '<a href="https://www.gd.gov.cn/">广东</a> <a href="/xxgk/">目录</a> '
        "<a href='//evil.example.com/'>单引号</a> <abbr title='t'>缩写</abbr></p>"
    )
    out = rewrite_exit_links(html)
    assert 'href="https://www.gd.gov.cn/"' in out
    assert 'href="/xxgk/"' in out
    assert "<abbr title='t'>" in out
    first, second = out.split("<a ")[1], out.split("<a ")[4]
    href = first.split('href="')[1].split('"')[0].replace("&amp;", "&")
    params = leave_params(href)
    assert params["url"] == "https://www.example.org/report?a=1&b=2"
    assert params["sig"] == sign_target(params["url"])
    assert 'data-govinfo-exit="https://www.example.org/report?a=1&amp;b=2"' in first
    assert 'title="x"' in first
    # Protocol-relative links are made https: and go through the prompt too.
    assert leave_params(second.split('href="')[1].split('"')[0].replace("&amp;", "&"))["url"] == (
        "https://evil.example.com/")


@pytest.mark.django_db
def test_exit_href_and_attribute_escaping():
    assert exit_href("https://www.gd.gov.cn/") == "https://www.gd.gov.cn/"
    assert urlsplit(exit_href("https://example.org/")).path == LEAVE
    out = rewrite_exit_links('<a href="https://example.org/&quot;&gt;&lt;script&gt;">x</a>')
    assert "<script>" not in out and '">' not in out.split(">x<")[0][:-1]


@pytest.mark.django_db
def test_leave_page_shows_a_signed_target(client):
    target = "https://www.example.org/report?a=1&b=2"
    response = client.get(LEAVE, {"url": target, "sig": sign_target(target)})
    assert response.status_code == 200
    assert response.context["target"] == target
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    content = response.content.decode()
    assert 'href="https://www.example.org/report?a=1&amp;b=2"' in content
    assert "测试站" in content  # WAGTAIL_SITE_NAME: the portal the visitor is leaving


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"url": "https://evil.example.com/"},  # unsigned
        {"url": "https://evil.example.com/", "sig": "forged"},
        {"url": "https://evil.example.com/", "sig": sign_target("https://www.example.org/")},
        {"url": "https://www.example.org/x", "sig": sign_target("https://www.example.org/")},
        {},
    ],
)
def test_leave_page_refuses_unsigned_or_tampered_targets(client, params):
    response = client.get(LEAVE, params)
    assert response.status_code == 400
    assert response.context["target"] is None
    content = response.content.decode()
    assert "href=\"https://evil.example.com" not in content
    assert 'data-govinfo-error="bad-signature"' in content


@pytest.mark.django_db
def test_signature_depends_on_the_secret_key(client):
    target = "https://www.example.org/"
    with override_settings(SECRET_KEY="another-key"):
        sig = sign_target(target)
    assert client.get(LEAVE, {"url": target, "sig": sig}).status_code == 400


@pytest.mark.django_db
def test_leave_page_never_offers_a_non_http_target(client):
    # Even a correctly signed javascript: URL (were the key ever leaked) is refused.
    target = "javascript:alert(1)"
    assert client.get(LEAVE, {"url": target, "sig": sign_target(target)}).status_code == 400


@pytest.mark.django_db
def test_disclosure_page_body_links_are_rewritten(client, catalogue, agency):
    item = add_live(catalogue, CatalogueItemPage(
        title="关于公布政务服务事项的通知", agency=agency,
        body='<p>详见<a href="https://www.example.org/list">外部网站</a>和'
             '<a href="https://www.gd.gov.cn/">省政府网站</a>。</p>',
    ))
    content = client.get(item.url).content.decode()
    assert 'data-govinfo-exit="https://www.example.org/list"' in content
    assert 'href="https://www.gd.gov.cn/"' in content
    assert 'href="https://www.example.org/list"' not in content
    assert 'id="govinfo-exit-dialog"' in content


@pytest.mark.django_db
def test_text_size_switch_sets_cookie_and_refuses_open_redirects(client):
    url = reverse("govinfo:text_size")
    response = client.get(url, {"size": "large", "next": "/xxgk/?page=2"})
    assert response.status_code == 302 and response["Location"] == "/xxgk/?page=2"
    assert response.cookies["govinfo_text"].value == "large"
    response = client.get(url, {"size": "large", "next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    response = client.get(url, {"size": "normal", "next": "//evil.example.com/"})
    assert response["Location"] == "/"
    assert response.cookies["govinfo_text"].value == ""


@pytest.mark.django_db
def test_large_text_cookie_is_rendered_by_the_server(client, catalogue):
    assert 'class="govinfo-large-text"' not in client.get(catalogue.url).content.decode()
    client.cookies["govinfo_text"] = "large"
    content = client.get(catalogue.url).content.decode()
    assert 'class="govinfo-large-text"' in content
    assert "govinfo-text-toggle--on" in content
