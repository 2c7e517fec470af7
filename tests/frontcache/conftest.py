"""A real Varnish (Debian's package, deploy/varnish/default.vcl) in front of pytest-django's
live server, on loopback ports chosen per run; stopped when the test ends.

Skipped, saying so, only where varnishd is not installed (``make test`` installs it through
scripts/system-deps.sh, which fails when it cannot).
"""

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VCL = REPO / "deploy" / "varnish" / "default.vcl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Varnish:
    def __init__(self, port: int, backend_port: int):
        self.port = port
        self.backend_port = backend_port
        self.host = f"127.0.0.1:{port}"
        self.url = f"http://{self.host}"
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
            [varnishd, "-F", "-a", self.host, "-f", str(vcl), "-n", str(self.workdir / "n"),
             "-s", "malloc,64m", "-p", "thread_pool_min=10"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("varnishd exited: " + self.read_log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("varnishd did not start: " + self.read_log())

    def read_log(self) -> str:
        return (self.workdir / "varnishd.log").read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

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
        "BACKEND": "govinfo_wagtail.core.frontcache.HTTPBackend", "LOCATION": cache.url}}
    Site.objects.filter(is_default_site=True).update(hostname="127.0.0.1", port=cache.port)
    Site.clear_site_root_paths_cache()
    try:
        cache.start(varnishd)
        yield cache
    finally:
        cache.stop()
        Site.clear_site_root_paths_cache()
