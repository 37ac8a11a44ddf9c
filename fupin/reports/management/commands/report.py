"""`fupin report …`: indicators, monthly bulletin, snapshot refresh, MPI.

    fupin report indicators --area 500236 [--as-of 2026-10-31] --json
    fupin report bulletin --area 500236 --month 2026-10 [--out DIR]
    fupin report refresh --area 500236 [--months 12]
    fupin report mpi --area 500236 [--k 0.3333]

`--user NAME` runs as that user: an area outside the user's scope is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fupin.accounts.scope import area_in_scope
from fupin.areas.models import Area
from fupin.core.jobs import run_inline


class Command(BaseCommand):
    help = "报表：指标、月度通报、指标快照刷新、多维贫困"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("indicators", "bulletin", "refresh", "mpi"):
            p = sub.add_parser(name)
            if name == "refresh":  # nightly: every county that has snapshots
                area = p.add_mutually_exclusive_group(required=True)
                area.add_argument("--area")
                area.add_argument("--all", action="store_true",
                                  help="刷新所有已有快照的区县")
            else:
                p.add_argument("--area", required=True)
            p.add_argument("--user", default="")
            if name == "indicators":
                p.add_argument("--as-of", dest="as_of", default="")
                p.add_argument("--json", action="store_true")
                p.add_argument("--live", action="store_true", help="不用快照，直接从名册计算")
            if name == "bulletin":
                p.add_argument("--month", required=True)
                p.add_argument("--out", default=".")
            if name == "refresh":
                p.add_argument("--months", type=int, default=12)
            if name == "mpi":
                p.add_argument("--as-of", dest="as_of", default="")
                p.add_argument("--k", type=float, default=1 / 3)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts.get("all"):
            self.refresh_all(opts)
            return
        code = opts["area"]
        if not Area.objects.filter(code=code).exists():
            raise CommandError(f"区划 {code} 不存在")
        user = None
        if opts["user"]:
            from fupin.accounts.models import User
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"用户 {opts['user']} 不存在")
            if not area_in_scope(user, code):
                raise CommandError(f"区划 {code} 不在用户 {user.username} 的管辖范围内")
        getattr(self, f"do_{opts['action']}")(code, user, opts)

    def _day(self, text: str) -> dt.date:
        try:
            return dt.date.fromisoformat(text) if text else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{text}”格式应为 YYYY-MM-DD") from None

    def do_indicators(self, code: str, user: Any, opts: dict[str, Any]) -> None:
        from ... import aggregates, indicators
        from . import _print
        day = self._day(opts["as_of"])
        if opts["live"]:
            result = indicators.area_indicators(code, day)
        elif len(code) < 6:
            job = run_inline("reports.indicators", f"{code} 指标", user=user, area_code=code,
                             params={"area": code, "as_of": day.isoformat()})
            if job.status != "done":
                raise CommandError(job.error or job.message)
            result = job.result
        else:
            result = indicators.area_indicators(code, day, aggregates.stored(code, day))
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            _print.indicators(self.stdout, result)

    def do_bulletin(self, code: str, user: Any, opts: dict[str, Any]) -> None:
        started = time.perf_counter()
        job = run_inline("reports.bulletin", f"{code} {opts['month']} 月度通报", user=user,
                         area_code=code, params={"area": code, "month": opts["month"]})
        if job.status != "done":
            raise CommandError(job.message or job.error)
        out = Path(opts["out"])
        out.mkdir(parents=True, exist_ok=True)
        for fmt in ("pdf", "xlsx"):
            src = Path(job.result[fmt])
            dest = out / src.name
            if src.resolve() != dest.resolve():
                dest.write_bytes(src.read_bytes())
            self.stdout.write(str(dest))
        self.stdout.write(f"用时 {time.perf_counter() - started:.2f} 秒")

    def refresh_all(self, opts: dict[str, Any]) -> None:
        from ...models import AreaFigureRun
        counties = sorted(set(AreaFigureRun.objects.values_list("county_code", flat=True)))
        for county in counties:
            self.do_refresh(county, None, opts)
        if not counties:
            self.stdout.write("没有已建快照的区县")

    def do_refresh(self, code: str, user: Any, opts: dict[str, Any]) -> None:
        from ... import aggregates
        today = timezone.localdate()
        days = [d.isoformat() for d in [*aggregates.month_ends(today, opts["months"]), today]]
        job = run_inline("reports.refresh", f"{code} 指标快照", user=user, area_code=code,
                         params={"area": code, "days": days})
        if job.status != "done":
            raise CommandError(job.message or job.error)
        self.stdout.write(f"已刷新 {len(job.result['counties'])} 个区县 × {len(days)} 个日期，"
                          f"用时 {job.result['seconds']} 秒")

    def do_mpi(self, code: str, user: Any, opts: dict[str, Any]) -> None:
        from ... import mpi
        day = self._day(opts["as_of"])
        r = mpi.compute(code, day, k=opts["k"])
        t = r["total"]
        self.stdout.write(f"户数 {r['households']}，人口 {t['n']:.0f}；"
                          f"H={t['H']:.4f} A={t['A']:.4f} M0={t['M0']:.4f}")
        for i in r["indicators"]:
            self.stdout.write(f"  {i['dimension']}/{i['label']}: 未删减 {i['uncensored']:.4f} "
                              f"删减后 {i['censored']:.4f} 贡献 {i['contribution']:.2%}")
        for p in r["parts"]:
            self.stdout.write(f"    {p['code']}: 人口占比 {p['population_share']:.4f} M0={p['M0']:.4f}")
