"""Whether an external address answers, checked without becoming a tool against the
site's own network (server-side request forgery).

- Only ``http`` and ``https``; anything else is not fetched.
- The host name is resolved once and every address it resolves to must be public
  (``ipaddress.is_global``): loopback, private, link-local (cloud metadata at
  169.254.169.254), shared, reserved, multicast and unspecified addresses are refused unless
  they are in the networks explicitly allowed (``GOVINFO_LINK_CHECK_ALLOWED_NETWORKS``, for
  an intranet). The connection goes to the address that was checked, not to a second lookup
  (no DNS rebinding between the check and the request).
- Redirects are followed by hand, at most ``max_redirects``, and each hop is checked again
  like the first address: a public page cannot send the checker to a private one.
- Each request has a connect and read timeout, and a whole-request deadline after which the
  socket is shut, so a server that drips bytes cannot hold a worker.
- Nothing of the body is read: the status line and headers decide (``http.client`` bounds
  their size). Requests go out with a User-Agent that names the checker.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from ..core.client_ip import networks

REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "govinfo-wagtail link checker (+broken-link monitor of a government website)"


@dataclass
class CheckResult:
    url: str
    status: int | None = None
    error: str = ""  # a code (see ERRORS in link_monitor), empty when the server answered
    final_url: str = ""

    @property
    def broken(self) -> bool:
        if self.error:
            return self.error not in ("rate_limited",)
        return self.status is not None and self.status >= 400 and self.status != 429


class Refused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_networks(values) -> list:
    """The allowed networks (bad entries left out: system check govinfo_core.E002)."""
    return list(networks(values))


# NAT64 prefixes (RFC 6052, RFC 8215): on an IPv6-only network with DNS64 an address in
# them reaches the IPv4 address in its last 32 bits.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _embedded_ipv4(ip):
    """The IPv4 address an IPv6 address carries to the IPv4 network (mapped, 6to4, Teredo,
    NAT64, IPv4-compatible), or None."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _NAT64) or (int(ip) >> 32 == 0 and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_allowed(address: str, allowed_networks) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    ip = _embedded_ipv4(ip) or ip
    if any(ip.version == net.version and ip in net for net in allowed_networks):
        return True
    if ip.version == 6 and ip.is_site_local:
        return False
    return ip.is_global and not ip.is_multicast


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        # The socket timeout bounds the whole TLS handshake (Python >= 3.5), so a server that
        # drips its handshake is given up after ``timeout``, before the request's watchdog.
        # The raw socket is ``self.sock`` meanwhile, so the watchdog could shut it as well.
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


class LinkChecker:
    def __init__(self, *, allowed_networks=(), timeout: float = 10.0, max_redirects: int = 5):
        self.allowed = parse_networks(allowed_networks)
        self.timeout = float(timeout)
        self.max_redirects = int(max_redirects)

    def resolve(self, host: str, port: int) -> str:
        """The address to connect to; Refused if the host has any address not allowed."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise Refused("dns") from error
        addresses = [info[4][0] for info in infos]
        if not addresses:
            raise Refused("dns")
        if not all(address_allowed(a, self.allowed) for a in addresses):
            raise Refused("address_refused")
        return addresses[0]

    def check(self, url: str) -> CheckResult:
        current = url
        try:
            for _hop in range(self.max_redirects + 1):
                status, location = self._request(current)
                if status in REDIRECTS and location:
                    current = urljoin(current, location)
                    continue
                return CheckResult(url, status=status, final_url=current,
                                   error="rate_limited" if status == 429 else "")
            return CheckResult(url, error="too_many_redirects", final_url=current)
        except Refused as refused:
            code = refused.code
            if current != url and code in ("address_refused", "unsupported_scheme"):
                code = "redirect_refused"
            return CheckResult(url, error=code, final_url=current)

    def _request(self, url: str) -> tuple[int, str]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused("unsupported_scheme")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise Refused("unsupported_scheme") from error
        address = self.resolve(parts.hostname, port)
        kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        connection = kind(parts.hostname, port, address, self.timeout)
        # Addresses as editors paste them (Chinese paths, spaces) are sent percent-encoded;
        # what is already encoded stays so.
        path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~-._")
        if parts.query:
            path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=?~-._")
        # The whole request (connect, TLS, status and headers) within twice the timeout.
        expired = threading.Event()
        watchdog = threading.Timer(self.timeout * 2, _shut, args=(connection, expired))
        watchdog.daemon = True
        watchdog.start()
        try:
            connection.request("GET", path, headers={
                "User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close"})
            response = connection.getresponse()
            if expired.is_set():  # cut off while the headers came: they are not whole
                raise Refused("timeout")
            return response.status, response.getheader("Location") or ""
        except TimeoutError as error:
            raise Refused("timeout") from error
        except ssl.SSLError as error:
            raise Refused("tls") from error
        except (OSError, http.client.HTTPException) as error:
            if expired.is_set():
                raise Refused("timeout") from error
            raise Refused("connection") from error
        finally:
            watchdog.cancel()
            connection.close()


def _shut(connection, expired: threading.Event) -> None:
    expired.set()
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
