"""The visitor's address, as the rate limits, django-axes and the health endpoint see it.

Behind the documented proxy chain (nginx → Varnish → gunicorn on one machine) every request
reaches Django from 127.0.0.1, so ``REMOTE_ADDR`` alone would put all visitors under one key.
``GOVINFO_TRUSTED_PROXIES`` lists the proxies' addresses or networks. Only when the request
comes from one of them is ``X-Forwarded-For`` read, from the right: each trusted proxy
appended the address it saw, so the right-most address that is not a trusted proxy is the
visitor's. Whatever a visitor writes into the header themselves stays on its left and is
never read. With no proxies trusted (the default) the answer is ``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from django.http import HttpRequest

from ..conf import govinfo_settings

logger = logging.getLogger("govinfo_wagtail.client_ip")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(text: str) -> Address | None:
    """An address as a proxy writes it (``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:80``,
    ``2001:db8::1``), IPv4-mapped IPv6 as IPv4; None for anything else ("unknown")."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            logger.error("Ignoring %r: not an address or network (manage.py check)", entry)
    return tuple(networks)


def networks(entries) -> tuple[Network, ...]:
    """The networks of a setting (a list of addresses and networks; bad entries left out)."""
    if isinstance(entries, str):
        entries = [entries]
    return _networks(tuple(str(entry) for entry in entries or ()))


def invalid_entries(entries) -> list[str]:
    if isinstance(entries, str):
        entries = [entries]
    bad = []
    for entry in entries or ():
        try:
            ipaddress.ip_network(str(entry).strip(), strict=False)
        except ValueError:
            bad.append(str(entry))
    return bad


def in_networks(address: Address | None, nets: tuple[Network, ...]) -> bool:
    return address is not None and any(address.version == net.version and address in net
                                       for net in nets)


def client_ip(request: HttpRequest) -> str:
    """The visitor's address (a valid IP address, or "" when the request has none)."""
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    trusted = networks(govinfo_settings.TRUSTED_PROXIES)
    if not in_networks(remote, trusted):
        return str(remote)
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
             if part.strip()]
    nearest = remote  # the closest hop whose word we can take
    for part in reversed(chain):
        address = parse_address(part)
        if address is None:  # a trusted proxy wrote something that is not an address
            break
        if not in_networks(address, trusted):
            return str(address)
        nearest = address
    return str(nearest)


def axes_client_ip(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: django-axes locks by the visitor's address too."""
    return client_ip(request) or None
