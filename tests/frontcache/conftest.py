"""A real Varnish (Debian's package, deploy/varnish/default.vcl) in front of pytest-django's
live server, and a real nginx (deploy/nginx/govinfo.conf, with TLS on a certificate made for
the run) in front of that Varnish: on loopback ports chosen per run, stopped when the test
ends. Varnish listens twice, as documented: the public listener, and the purge listener
(``-a purge=…``) that Wagtail's frontend cache is pointed at.

Skipped, saying so, only where varnishd or nginx is not installed (``make test`` installs
them through scripts/system-deps.sh, which fails when it cannot).
"""

import http.client
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VCL = REPO / "deploy" / "varnish" / "default.vcl"
NGINX_CONF = REPO / "deploy" / "nginx" / "govinfo.conf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process, read_log, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: " + read_log())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start: " + read_log())


def raw_request(port, method, path, *, host=None, headers=None, body=None, source="127.0.0.1",
                tls=False):
    """(status, headers, body) of one request as a client sends it: any method, any Host
    header, from a chosen loopback address (the whole of 127.0.0.0/8 is this machine)."""
    if tls:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                           source_address=(source, 0),
                                           context=ssl._create_unverified_context())  # noqa: S323
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                          source_address=(source, 0))
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        data = body.encode() if isinstance(body, str) else body
        if data is not None:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode(errors="replace")
    finally:
        conn.close()


def stop_server(server) -> None:
    """Stop a server process the tests started (Varnish, nginx), close its log and remove
    its folder."""
    if server.process is not None and server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(5)
    if getattr(server, "log", None):
        server.log.close()
    shutil.rmtree(server.workdir, ignore_errors=True)


class Varnish:
    def __init__(self, port: int, backend_port: int, purge_port: int | None = None):
        self.port = port
        self.purge_port = purge_port or free_port()
        self.backend_port = backend_port
        self.host = f"127.0.0.1:{port}"
        self.url = f"http://{self.host}"
        self.purge_url = f"http://127.0.0.1:{self.purge_port}"
        self.process = None
        self.workdir = Path(tempfile.mkdtemp(prefix="govinfo-varnish-"))

    def start(self, varnishd: str) -> None:
        self.workdir.chmod(0o755)  # the compiler and worker run as Debian's varnish users
        vcl = self.workdir / "test.vcl"
        text = VCL.read_text(encoding="utf-8")
        assert '.port = "8000";' in text
        vcl.write_text(text.replace('.port = "8000";', f'.port = "{self.backend_port}";'),
                       encoding="utf-8")
        vcl.chmod(0o644)
        self.log = open(self.workdir / "varnishd.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [varnishd, "-F", "-a", self.host, "-a", f"purge=127.0.0.1:{self.purge_port}",
             "-f", str(vcl), "-n", str(self.workdir / "n"),
             "-s", "malloc,64m", "-p", "thread_pool_min=10"],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process, self.read_log, "varnishd")
        wait_for_port(self.purge_port, self.process, self.read_log, "varnishd")

    def read_log(self) -> str:
        return (self.workdir / "varnishd.log").read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        stop_server(self)

    def get(self, path: str, *, cookie: str | None = None):
        """(status, headers, body) of a GET through the cache, as a visitor sees it."""
        request = urllib.request.Request(self.url + path, headers={"Cookie": cookie} if cookie
                                         else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read().decode(errors="replace")


@pytest.fixture
def varnish(live_server, settings):
    """Varnish on a free loopback port in front of the live server; the default Site points
    at it (page URLs and purges use its host), and Wagtail's frontend cache purges it."""
    varnishd = shutil.which("varnishd") or ("/usr/sbin/varnishd"
                                            if Path("/usr/sbin/varnishd").exists() else None)
    if varnishd is None:
        pytest.skip("Varnish is not installed: the front-cache tests need Debian's `varnish` "
                    "package (scripts/system-deps.sh installs it; it could not here).")
    from wagtail.models import Site

    backend_port = int(live_server.url.rsplit(":", 1)[1])
    cache = Varnish(free_port(), backend_port)
    settings.WAGTAILFRONTENDCACHE = {"varnish": {
        "BACKEND": "govinfo_wagtail.core.frontcache.HTTPBackend",
        "LOCATION": cache.purge_url}}
    Site.objects.filter(is_default_site=True).update(hostname="127.0.0.1", port=cache.port)
    Site.clear_site_root_paths_cache()
    try:
        cache.start(varnishd)
        yield cache
    finally:
        cache.stop()
        Site.clear_site_root_paths_cache()


class Nginx:
    """deploy/nginx/govinfo.conf as shipped, but for the ports, the certificate (made for the
    run with openssl) and the upstream Varnish's port."""

    def __init__(self, varnish: Varnish):
        self.varnish = varnish
        self.port = free_port()       # the HTTPS server
        self.plain_port = free_port()  # the port-80 server that redirects to HTTPS
        self.workdir = Path(tempfile.mkdtemp(prefix="govinfo-nginx-"))
        self.process = None

    def config(self) -> str:
        text = NGINX_CONF.read_text(encoding="utf-8")
        replacements = {
            "listen 443 ssl;": f"listen 127.0.0.1:{self.port} ssl;",
            "listen [::]:443 ssl;": "",
            "listen 80;": f"listen 127.0.0.1:{self.plain_port};",
            "listen [::]:80;": "",
            "server 127.0.0.1:6081;": f"server 127.0.0.1:{self.varnish.port};",
            "/etc/ssl/certs/xxgk.example.gov.cn.pem": str(self.workdir / "cert.pem"),
            "/etc/ssl/private/xxgk.example.gov.cn.key": str(self.workdir / "key.pem"),
        }
        for old, new in replacements.items():
            assert old in text, old
            text = text.replace(old, new)
        return text

    def start(self, nginx: str, openssl: str) -> None:
        subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=xxgk.example.gov.cn", "-keyout",
                        str(self.workdir / "key.pem"), "-out", str(self.workdir / "cert.pem")],
                       check=True, capture_output=True, timeout=60)
        site = self.workdir / "govinfo.conf"
        site.write_text(self.config(), encoding="utf-8")
        temps = ""
        for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.workdir / temp).mkdir()
            temps += f"    {temp}_temp_path {self.workdir / temp};\n"
        main = self.workdir / "nginx.conf"
        main.write_text(
            f"worker_processes 1;\ndaemon off;\nuser root;\n"
            f"pid {self.workdir / 'nginx.pid'};\nerror_log {self.workdir / 'error.log'};\n"
            f"events {{ worker_connections 64; }}\n"
            f"http {{\n    access_log off;\n{temps}    include {site};\n}}\n",
            encoding="utf-8")
        self.log = open(self.workdir / "nginx.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen([nginx, "-p", str(self.workdir), "-e",
                                         str(self.workdir / "error.log"), "-c", str(main)],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process, self.read_log, "nginx")
        wait_for_port(self.plain_port, self.process, self.read_log, "nginx")

    def read_log(self) -> str:
        text = ""
        for name in ("nginx.log", "error.log"):
            path = self.workdir / name
            if path.exists():
                text += path.read_text(errors="replace")[-2000:]
        return text

    def request(self, method, path, **kwargs):
        return raw_request(self.port, method, path, tls=True, **kwargs)

    def stop(self) -> None:
        stop_server(self)


@pytest.fixture
def nginx(varnish):
    """nginx with deploy/nginx/govinfo.conf (TLS) in front of the Varnish fixture."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                       else None)
    openssl = shutil.which("openssl")
    if binary is None or openssl is None:
        pytest.skip("nginx or openssl is not installed: the nginx tests need Debian's `nginx` "
                    "and `openssl` packages (scripts/system-deps.sh installs them; it could "
                    "not here).")
    server = Nginx(varnish)
    try:
        server.start(binary, openssl)
        yield server
    finally:
        server.stop()
