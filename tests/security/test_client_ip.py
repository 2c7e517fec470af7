"""The visitor's address behind the proxy chain (GOVINFO_TRUSTED_PROXIES, core/client_ip.py):
X-Forwarded-For is read only from trusted proxies and from the right, so what a visitor
writes into it never changes the key that rate limits and lockouts use."""

import pytest
from django.test import RequestFactory, override_settings

from govinfo_wagtail.core.client_ip import client_ip

LOCAL = ["127.0.0.1", "::1"]


def ip(remote, forwarded=None, **settings):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(**settings):
        return client_ip(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored():
    assert ip("203.0.113.7") == "203.0.113.7"
    assert ip("127.0.0.1", "198.51.100.1") == "127.0.0.1"


@pytest.mark.parametrize(("forwarded", "expected"), [
    ("198.51.100.1", "198.51.100.1"),
    # A visitor's own X-Forwarded-For stays on the left: nginx appended the real address.
    ("6.6.6.6, 198.51.100.1", "198.51.100.1"),
    ("6.6.6.6, 1.1.1.1, 198.51.100.1, 127.0.0.1", "198.51.100.1"),  # nginx, then Varnish
    ("198.51.100.1:40000", "198.51.100.1"),
    ("[2001:db8::5]:443", "2001:db8::5"),
    ("::ffff:198.51.100.1", "198.51.100.1"),
    ("127.0.0.1", "127.0.0.1"),          # every hop a proxy: the furthest one
    ("", "127.0.0.1"),
    ("6.6.6.6, unknown", "127.0.0.1"),   # not an address: the nearest hop we can trust
])
def test_behind_trusted_proxies_the_right_most_untrusted_address(forwarded, expected):
    assert ip("127.0.0.1", forwarded, GOVINFO_TRUSTED_PROXIES=LOCAL) == expected


def test_networks_and_a_load_balancer_before_nginx():
    trusted = {"GOVINFO_TRUSTED_PROXIES": ["127.0.0.1", "10.0.0.0/8"]}
    assert ip("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.2.3.4", **trusted) == "198.51.100.1"


def test_a_client_that_is_not_a_proxy_cannot_choose_its_address():
    trusted = {"GOVINFO_TRUSTED_PROXIES": LOCAL}
    assert ip("203.0.113.7", "198.51.100.1", **trusted) == "203.0.113.7"
    assert ip("203.0.113.7", "127.0.0.1", **trusted) == "203.0.113.7"


def test_bad_entries_are_ignored_and_reported_by_the_system_check():
    from django.core import checks

    assert ip("127.0.0.1", "198.51.100.1", GOVINFO_TRUSTED_PROXIES=["nginx"]) == "127.0.0.1"
    with override_settings(GOVINFO_TRUSTED_PROXIES=["nginx", "127.0.0.1"]):
        ids = [message.id for message in checks.run_checks()]
    assert "govinfo_core.E002" in ids
    with override_settings(GOVINFO_TRUSTED_PROXIES=["127.0.0.1"]):
        assert "govinfo_core.E002" not in [message.id for message in checks.run_checks()]


def test_django_axes_left_on_the_proxies_address_is_reported():
    from django.core import checks

    def ids(**settings):
        with override_settings(**settings):
            return [message.id for message in checks.run_checks()]

    assert "govinfo_security.W002" in ids(GOVINFO_TRUSTED_PROXIES=LOCAL)
    assert "govinfo_security.W002" not in ids(
        GOVINFO_TRUSTED_PROXIES=LOCAL,
        AXES_CLIENT_IP_CALLABLE="govinfo_wagtail.core.client_ip.axes_client_ip")
