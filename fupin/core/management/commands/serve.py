"""`fupin serve [--port 8000]`: the web server and the background-task worker together.

Checks migrations first (applies them when DEBUG, else refuses), then runs `db_worker`
(django-tasks-db) and the web server as child processes and stops both on Ctrl-C or when
either one exits. With DEBUG the web server is Django's runserver (static files from the
apps); otherwise gunicorn with whitenoise.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "启动网站与后台任务进程（Ctrl-C 同时停止）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--server", choices=("runserver", "gunicorn"), default=None,
                            help="缺省：DEBUG 时 runserver，否则 gunicorn")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 进程数")

    def handle(self, *args: Any, **opts: Any) -> None:
        self._check_migrations()
        server = opts["server"] or ("runserver" if settings.DEBUG else "gunicorn")
        address = f"{opts['host']}:{opts['port']}"
        fupin = [sys.executable, "-m", "fupin"]
        if server == "runserver":
            web = [*fupin, "runserver", address, "--noreload"]
        else:
            web = [sys.executable, "-m", "gunicorn", "fupin.wsgi:application", "--bind", address,
                   "--workers", str(opts["workers"]), "--access-logfile", "-"]
        worker = [*fupin, "db_worker", "--interval", "1", "--no-reload"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "fupin.settings")}
        children = [subprocess.Popen(worker, env=env), subprocess.Popen(web, env=env)]
        self.stdout.write(f"网站：http://{address}/  （后台任务进程已启动；Ctrl-C 停止）")
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)  # also when started in the background
        try:
            while not stopping and all(c.poll() is None for c in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self._stop(children)
        failed = [c for c in children if c.returncode not in (0, None, -signal.SIGINT,
                                                               -signal.SIGTERM)]
        if failed and not stopping:
            raise CommandError(f"子进程 {failed[0].pid} 异常退出（{failed[0].returncode}）")

    def _check_migrations(self) -> None:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not pending:
            return
        if not settings.DEBUG:
            raise CommandError(f"数据库有 {len(pending)} 个迁移未执行，请先运行 fupin migrate")
        self.stdout.write(f"执行 {len(pending)} 个数据库迁移…")
        call_command("migrate", interactive=False, verbosity=0)

    @staticmethod
    def _stop(children: list[subprocess.Popen[bytes]]) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()  # SIGTERM: SIGINT may be ignored when run in the background
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
