"""`make loadtest`: a bounded load test on this machine's loopback interface only.

gunicorn (3 sync workers, DEBUG off) serves the example site with the demo content on
PostgreSQL; Varnish with deploy/varnish/default.vcl runs in front of it. 32 clients request
for 60 s a mix of the home page, the catalogue with filters and pages, items, policies,
interpretations, annual reports and their tables, the search page and the search API with
varied Chinese queries — first straight from gunicorn (no cache), then through Varnish.
Prints requests, errors, p50/p95/p99 latency and throughput of each run, with the machine's
load average (the machine is shared).

The client is a small asyncio HTTP/1.1 client (keep-alive, Content-Length and chunked
bodies) rather than locust: one process, no gevent, and fast enough (several thousand
requests per second on one core) that the client is not what limits the cached run.

Environment: LOADTEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
govinfo_loadtest, recreated unless LOADTEST_REUSE=1), LOADTEST_CLIENTS (32),
LOADTEST_SECONDS (60), LOADTEST_WORKERS (3 gunicorn workers).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
SITE = REPO / "example_site"
VCL = REPO / "deploy" / "varnish" / "default.vcl"
QUERIES = ["养护", "公路", "政府信息公开", "年度报告", "通知", "交通运输", "规划", "政策解读",
           "农村公路", "入学", "防汛", "预算", "补贴", "安全生产", "招聘", "住房", "教育",
           "医疗", "依申请公开", "海丰县", "道路 养护", "行政复议", "收费", "公开指南"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "DJANGO_DEBUG": "0",
                "DJANGO_SETTINGS_MODULE": "example_site.settings",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "PYTHONPATH": f"{REPO}{os.pathsep}{SITE}"})
    return env


def manage(env, *args, capture=False):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=SITE, env=env, check=True,
                          text=True, capture_output=capture)


def prepare_database(database_url: str, env: dict) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [name]).fetchone()
        if exists and os.environ.get("LOADTEST_REUSE") == "1":
            print(f"reusing database {name}")
            return
        if exists:
            conn.execute(f'DROP DATABASE "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    # Quietly: the demo prints its accounts' passwords.
    manage(env, "govinfo_setup", capture=True)
    manage(env, "govinfo_demo", capture=True)
    print(f"database {name}: migrated and demo loaded in {time.monotonic() - started:.0f} s")


URLS_SCRIPT = r"""
import json
from wagtail.models import Page
from govinfo_wagtail.catalogue.models import CatalogueIndexPage, CatalogueItemPage
from govinfo_wagtail.core.models import Agency, DisclosurePage, Topic
from govinfo_wagtail.policies.models import InterpretationPage, PolicyDocumentPage
from govinfo_wagtail.reports.models import AnnualReportPage

def urls(model):
    return [p.url for p in model.objects.released().public() if p.url]

catalogues = [p.url for p in CatalogueIndexPage.objects.live()]
years = sorted({d.year for d in DisclosurePage.objects.released()
                .exclude(published_date=None).values_list("published_date", flat=True)})
print(json.dumps({
    "catalogues": catalogues,
    "topics": list(Topic.objects.values_list("pk", flat=True)),
    "agencies": list(Agency.objects.values_list("pk", flat=True)),
    "years": years,
    "items": urls(CatalogueItemPage),
    "policies": urls(PolicyDocumentPage) + urls(InterpretationPage),
    "reports": urls(AnnualReportPage),
}))
"""


def discover(env) -> dict:
    out = manage(env, "shell", "-c", URLS_SCRIPT, capture=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def request_mix(found: dict, rng: random.Random) -> list[str]:
    """The paths the clients draw from, weighted like a portal's traffic."""
    paths: list[str] = []
    paths += ["/"] * 10
    for catalogue in found["catalogues"]:
        paths += [catalogue] * 5
        for pk in found["topics"]:
            paths.append(f"{catalogue}?{urlencode({'topic': pk})}")
        for pk in found["agencies"]:
            paths.append(f"{catalogue}?{urlencode({'agency': pk})}")
        for year in found["years"]:
            paths.append(f"{catalogue}?{urlencode({'year': year})}")
        paths += [f"{catalogue}?validity=valid", f"{catalogue}?page=2",
                  f"{catalogue}feed/rss/"]
    paths += found["items"] * 2 + found["policies"] * 3 + found["reports"] * 2
    paths += [f"{report}tables/csv/" for report in found["reports"]]
    for q in QUERIES:
        paths.append("/govinfo/search/?q=" + quote(q))
        paths.append("/govinfo/api/search/?q=" + quote(q))
        paths.append(f"/govinfo/search/?q={quote(q)}&sort=date")
    rng.shuffle(paths)
    return paths


# --- the client ------------------------------------------------------------------------------


class Connection:
    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None
        self.hits = 0

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def get(self, path: str, host: str) -> int:
        if self.writer is None:
            await self.open()
        self.writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
                           "Accept-Language: zh-CN,zh;q=0.9\r\nUser-Agent: govinfo-loadtest\r\n"
                           "\r\n").encode("ascii"))
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed before the answer")
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            key, _, value = line.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip().lower()
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.read()
            self.close()
        if headers.get("connection") == "close" and self.writer is not None:
            self.close()
        self.hits += headers.get("x-cache") == "hit"
        return status


async def run_load(port: int, host: str, paths: list[str], clients: int, seconds: float):
    latencies: list[float] = []
    errors: dict[str, int] = {}
    hits = [0]
    deadline = time.monotonic() + seconds

    async def client(n: int):
        rng = random.Random(n)
        conn = Connection(port)
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(conn.get(path, host), timeout=30)
            except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError) as exc:
                conn.close()
                key = type(exc).__name__
                errors[key] = errors.get(key, 0) + 1
                continue
            latencies.append(time.perf_counter() - started)
            if status >= 400:
                key = f"HTTP {status} {path}"
                errors[key] = errors.get(key, 0) + 1
        conn.close()
        hits[0] += conn.hits

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, errors, time.monotonic() - started, hits[0]


def report(label: str, latencies, errors, elapsed, hits) -> float:
    def pct(p):
        return statistics.quantiles(latencies, n=100)[p - 1] * 1000 if len(latencies) > 1 else 0

    count = len(latencies) + sum(e for k, e in errors.items() if not k.startswith("HTTP"))
    throughput = len(latencies) / elapsed
    load = os.getloadavg()
    print(f"{label:14} {count:8d} requests  {sum(errors.values()):4d} errors  "
          f"p50 {pct(50):7.1f} ms  p95 {pct(95):7.1f} ms  p99 {pct(99):7.1f} ms  "
          f"{throughput:8.1f} req/s  {hits / max(count, 1):4.0%} cache hits  "
          f"(load average {load[0]:.2f} {load[1]:.2f})", flush=True)
    for key, n in sorted(errors.items(), key=lambda kv: -kv[1])[:10]:
        print(f"    {n:5d} x {key}")
    return throughput


# --- servers ---------------------------------------------------------------------------------


def wait_port(port: int, process, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start on port {port}")


def stop(process) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def main() -> int:
    database_url = os.environ.get("LOADTEST_DATABASE_URL",
                                  "postgres://postgres@127.0.0.1:5432/govinfo_loadtest")
    clients = int(os.environ.get("LOADTEST_CLIENTS", "32"))
    seconds = float(os.environ.get("LOADTEST_SECONDS", "60"))
    workers = os.environ.get("LOADTEST_WORKERS", "3")
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(varnishd).exists():
        print("varnishd is not installed: run `make system-deps` (Debian's varnish)")
        return 1
    env = site_env(database_url)
    prepare_database(database_url, env)
    found = discover(env)
    paths = request_mix(found, random.Random(16))
    print(f"{len(paths)} paths ({len(found['items'])} items, {len(found['policies'])} "
          f"policies and interpretations, {len(found['reports'])} reports, {len(QUERIES)} "
          f"queries); {clients} clients, {seconds:.0f} s per run, {os.cpu_count()} cores")

    app_port, cache_port = free_port(), free_port()
    workdir = Path(tempfile.mkdtemp(prefix="govinfo-loadtest-"))
    workdir.chmod(0o755)
    gunicorn = varnish = None
    try:
        gunicorn = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "example_site.wsgi:application", "-w", workers,
             "-b", f"127.0.0.1:{app_port}", "--access-logfile", "-", "--log-level",
             "warning"],
            cwd=SITE, env=env, stdout=subprocess.DEVNULL,
            stderr=open(workdir / "gunicorn.log", "w"))  # noqa: SIM115
        wait_port(app_port, gunicorn, "gunicorn")
        vcl = workdir / "loadtest.vcl"
        vcl.write_text(VCL.read_text(encoding="utf-8").replace(
            '.port = "8000";', f'.port = "{app_port}";'), encoding="utf-8")
        vcl.chmod(0o644)
        varnish = subprocess.Popen(
            [varnishd, "-F", "-a", f"127.0.0.1:{cache_port}", "-f", str(vcl), "-n",
             str(workdir / "varnish"), "-s", "malloc,256m"],
            stdout=subprocess.DEVNULL, stderr=open(workdir / "varnish.log", "w"))  # noqa: SIM115
        wait_port(cache_port, varnish, "varnishd")

        # Warm each server's code paths (not the cache: the cached run starts cold).
        asyncio.run(run_load(app_port, f"127.0.0.1:{app_port}", paths[:20], 2, 3))
        print(f"{'':14} {'':8}", "(each run bounded to", f"{seconds:.0f} s, loopback only)")
        uncached = report("without cache", *asyncio.run(
            run_load(app_port, f"127.0.0.1:{app_port}", paths, clients, seconds)))
        cached = report("with Varnish", *asyncio.run(
            run_load(cache_port, f"127.0.0.1:{cache_port}", paths, clients, seconds)))
        ratio = cached / uncached if uncached else float("inf")
        print(f"throughput with the cache: {ratio:.1f}x without (goal: >= 20x, 0 errors)")
    finally:
        stop(varnish)
        stop(gunicorn)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
