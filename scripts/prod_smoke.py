"""Production smoke test (`make smoke`; CI runs it after the two `make test` runs).

Starts Fupin the README's deploy way in a temporary directory: `DEBUG` unset, a
`SECRET_KEY` set, `fupin migrate`, `fupin collectstatic --noinput`, gunicorn on a free
loopback port and the `db_worker`, behind a simulated TLS proxy (X-Forwarded-Proto: https, so
Secure cookies, HSTS and CSP are as in production). Creates a county admin and a household,
then checks that the login page, a household page, a static file and the dashboard answer 200
and that a background job is run by the worker. Stops everything and removes the directory.

Database: SQLite in the temporary directory, unless DATABASE_URL points at PostgreSQL; then a
fresh database named SMOKE_DB_NAME (default `fupin_smoke`) is created on that server and
dropped afterwards. Exit status 0 when every check passed.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PASSWORD = "smoke-Test-2026-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    """A tiny HTTP client with a cookie jar that ignores the Secure flag (TLS ends at the
    simulated proxy) and sends the proxy's X-Forwarded-Proto header."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None
                ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https",
                   "Referer": f"https://127.0.0.1:{self.port}/accounts/login/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, text


def check(ok: bool, what: str) -> None:
    print(("  ok   " if ok else "  FAIL ") + what, flush=True)
    if not ok:
        raise SystemExit(1)


def run(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([PY, "-m", "fupin", *args], env=env, cwd=ROOT, capture_output=True,
                         text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"fupin {' '.join(args)} failed ({out.returncode})")
    return out.stdout


SETUP = f"""
from fupin.accounts.models import Role
from fupin.core.testing import make_household, make_user
user = make_user(Role.COUNTY_ADMIN, "500236", username="smoke_admin", password={PASSWORD!r})
household = make_household()
print("HOUSEHOLD", household.pk)
"""


def pg_database(url: str, name: str, create: bool) -> str:
    import psycopg

    parts = urlparse(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path="/" + name))


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="fupin-smoke-"))
    base_url = os.environ.get("DATABASE_URL", "")
    pg_name = os.environ.get("SMOKE_DB_NAME", "fupin_smoke")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "FUPIN_TESTING", "DJANGO_SETTINGS_MODULE", "FUPIN_TASK_BACKEND",
                        "SECURE_COOKIES", "SECURE_HSTS_SECONDS", "FUPIN_CSP", "TEST_DB_NAME")}
    env.update({"SECRET_KEY": secrets.token_urlsafe(50), "FUPIN_VAR_DIR": str(tmp / "var"),
                "STATIC_ROOT": str(tmp / "static"), "MEDIA_ROOT": str(tmp / "media"),
                "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_PROXY_SSL_HEADER": "1",
                "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")})
    if base_url.startswith("postgres"):
        env["DATABASE_URL"] = pg_database(base_url, pg_name, create=True)
        print(f"=== production smoke test on PostgreSQL ({pg_name}) in {tmp}")
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'fupin.sqlite3'}"
        print(f"=== production smoke test on SQLite in {tmp}")
    children: list[subprocess.Popen[bytes]] = []
    try:
        # Without SECRET_KEY a command says so in one line.
        bare = {k: v for k, v in env.items() if k != "SECRET_KEY"}
        out = subprocess.run([PY, "-m", "fupin", "check"], env=bare, cwd=ROOT,
                             capture_output=True, text=True)
        check(out.returncode == 2 and "SECRET_KEY" in out.stderr
              and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1,
              "a command without SECRET_KEY gives one line naming it")
        run(env, "migrate", "--noinput", "-v", "0")
        check(True, "fupin migrate")
        run(env, "collectstatic", "--noinput", "-v", "0")
        check((tmp / "static" / "staticfiles.json").exists(), "fupin collectstatic --noinput (manifest)")
        out_text = run(env, "shell", "--no-imports", "-c", SETUP)
        household = int(re.search(r"HOUSEHOLD (\d+)", out_text).group(1))  # type: ignore[union-attr]
        check(True, "a county admin and a household created")

        port = free_port()
        log = open(tmp / "server.log", "wb")  # noqa: SIM115 (closed with the directory)
        children.append(subprocess.Popen(
            [PY, "-m", "gunicorn", "fupin.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--access-logfile", "-"],
            env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT))
        children.append(subprocess.Popen(
            [PY, "-m", "fupin", "db_worker", "--interval", "1", "--no-reload"],
            env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or any(c.poll() is not None for c in children):
                    log.flush()
                    sys.stderr.write((tmp / "server.log").read_text(errors="replace"))
                    check(False, "gunicorn listening")
                time.sleep(0.3)
        check(True, f"gunicorn on 127.0.0.1:{port} and the worker started")

        client = Client(port)
        status, headers, page = client.request("GET", "/accounts/login/")
        check(status == 200 and "登录扶贫系统" in page, "login page 200")
        check("script-src 'self'" in headers.get("content-security-policy", ""), "CSP header")
        check("max-age=" in headers.get("strict-transport-security", ""), "HSTS header")
        css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
        check(css is not None, "hashed static file name in the page")
        assert css is not None
        status, _, body = client.request("GET", css.group(1))
        check(status == 200 and ".btn" in body, f"static file {css.group(1)} 200")
        status, headers, _ = client.request("POST", "/accounts/login/", {
            "username": "smoke_admin", "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")})
        check(status == 302 and "sessionid" in client.cookies, "login")
        status, _, page = client.request("GET", f"/registry/households/{household}/")
        check(status == 200 and "张三" in page, f"household page /registry/households/{household}/ 200")
        status, _, page = client.request("GET", "/reports/dashboard/")
        check(status == 200, "dashboard 200")
        status, _, page = client.request("GET", "/api/schema/")
        check(status == 200, "API schema 200 when logged in")

        # The worker runs a background job (the county's indicators) to the end.
        out_text = run(env, "shell", "--no-imports", "-c",
                       "import datetime\n"
                       "from django.db import transaction\n"
                       "from fupin.core.jobs import start_job\n"
                       "import fupin.reports.jobs  # noqa: F401\n"
                       "with transaction.atomic():\n"
                       "    job = start_job('reports.indicators', 'smoke', area_code='500236',"
                       " params={'area': '500236', 'as_of': datetime.date.today().isoformat()})\n"
                       "print('JOB', job.pk)\n")
        job = int(re.search(r"JOB (\d+)", out_text).group(1))  # type: ignore[union-attr]
        deadline = time.monotonic() + 120
        state = ""
        while time.monotonic() < deadline:
            state = run(env, "shell", "--no-imports", "-c", "from fupin.core.models import Job; "
                        f"print(Job.objects.get(pk={job}).status)").strip()
            if state in ("done", "failed"):
                break
            time.sleep(1)
        check(state == "done", f"background job {job} run by the worker ({state})")
        check(all(c.poll() is None for c in children), "gunicorn and the worker still running")
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        if base_url.startswith("postgres"):
            pg_database(base_url, pg_name, create=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
