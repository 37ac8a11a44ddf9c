"""`fupin nightly`: every installed app's nightly commands, in layer order (one cron line)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from fupin.core.plugins import nightly_commands


class Command(BaseCommand):
    help = "夜间任务：依次运行各应用声明的夜间命令（排查、督办、快照刷新等）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="只列出将要运行的命令")

    def handle(self, *args: Any, **opts: Any) -> None:
        failed = []
        for app, argv in nightly_commands():
            line = "fupin " + " ".join(argv)
            if opts["list"]:
                self.stdout.write(f"{app}: {line}")
                continue
            start = time.monotonic()
            self.stdout.write(f"== {line}")
            try:
                call_command(*argv, stdout=self.stdout, stderr=self.stderr)
            except Exception as exc:  # one failing app must not stop the others' nightly work
                failed.append(line)
                self.stderr.write(f"失败：{line}：{type(exc).__name__}: {exc}")
            else:
                self.stdout.write(f"   完成，用时 {time.monotonic() - start:.1f} 秒")
        if failed:
            raise SystemExit(f"夜间任务失败 {len(failed)} 项：" + "；".join(failed))
