"""`fupin monitor sweep [--area CODE] [--as-of DATE] [--json]` and
`fupin monitor warnings [--area CODE] [--status open] [--rule CODE] --json`.

Nightly (cron, as the service user; see docs/monitoring.md)::

    30 1 * * *  cd /srv/fupin && .venv/bin/fupin monitor sweep --json >> var/log/sweep.log 2>&1
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期“{value}”格式应为 YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "动态监测：排查（sweep）与预警列表（warnings）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sw = sub.add_parser("sweep", help="按区划全面排查")
        sw.add_argument("--area", default="", help="区划代码前缀，如 500236")
        sw.add_argument("--as-of", dest="as_of", default="", help="基准日 YYYY-MM-DD，默认今天")
        sw.add_argument("--json", action="store_true", help="以 JSON 输出统计")
        sw.add_argument("--quiet", action="store_true", help="不显示进度条")
        wl = sub.add_parser("warnings", help="列出预警")
        wl.add_argument("--area", default="")
        wl.add_argument("--status", default="", choices=["", "open", "dismissed", "decided", "closed"])
        wl.add_argument("--rule", default="")
        wl.add_argument("--limit", type=int, default=0)
        wl.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "sweep":
            self.sweep(opts)
        else:
            self.warnings(opts)

    def sweep(self, opts: dict[str, Any]) -> None:
        from fupin.areas.models import Area
        from fupin.core.jobs import run_inline
        from fupin.monitoring.jobs import SWEEP_JOB
        from fupin.monitoring.models import Sweep

        area = opts["area"].strip()
        if area and not Area.objects.filter(code=area).exists():
            raise CommandError(f"区划代码“{area}”不存在")
        as_of = _date(opts["as_of"]) if opts["as_of"] else None
        job = run_inline(SWEEP_JOB, f"排查 {area or '全部'}", area_code=area,
                         params={"area": area, "as_of": as_of.isoformat() if as_of else ""},
                         show_progress=not (opts["quiet"] or opts["json"]))
        if job.status != "done":
            raise CommandError(job.message or "排查失败")
        sweep = Sweep.objects.get(pk=job.result["sweep_id"])
        data = {"sweep_id": sweep.pk, "area": sweep.area_code, "as_of": sweep.as_of.isoformat(),
                "households": sweep.households, "opened": sweep.opened,
                "refreshed": sweep.refreshed, "closed": sweep.closed, "seconds": sweep.seconds,
                "per_rule": sweep.per_rule, "missing_lines": sweep.missing_lines}
        if opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"排查完成：{sweep.households} 户，新增 {sweep.opened}，持续 "
                              f"{sweep.refreshed}，解除 {sweep.closed}，耗时 {sweep.seconds} 秒")
            for code, s in sorted(sweep.per_rule.items()):
                self.stdout.write(f"  {code:<30} 新增 {s['opened']:>7} 持续 {s['refreshed']:>7} "
                                  f"解除 {s['closed']:>7}")
            if sweep.missing_lines:
                from fupin.monitoring.lines import describe_missing
                self.stderr.write("警告：以下收入线未设定，依赖它们的规则未触发：")
                for text in describe_missing(sweep.missing_lines):
                    self.stderr.write(f"  {text}")

    def warnings(self, opts: dict[str, Any]) -> None:
        from fupin.monitoring.models import Warning
        qs = Warning.objects.select_related("household", "rule", "rule_version").order_by("id")
        if opts["area"]:
            qs = qs.filter(area__code__startswith=opts["area"])
        if opts["status"]:
            qs = qs.filter(status=opts["status"])
        if opts["rule"]:
            qs = qs.filter(rule__code=opts["rule"].upper())
        if opts["limit"]:
            qs = qs[:opts["limit"]]
        rows = ({"id": w.pk, "household_no": w.household.household_no, "area_code": w.area_code,
                 "rule": w.rule.code, "rule_name": w.rule.name,
                 "rule_version": w.rule_version.number, "severity": w.severity,
                 "status": w.status, "opened_at": w.opened_at.isoformat(),
                 "as_of": w.as_of.isoformat(), "last_seen": w.last_seen.isoformat(),
                 "closed_on": w.closed_on.isoformat() if w.closed_on else None,
                 "values": w.values, "explanation": w.explanation}
                for w in qs.iterator(chunk_size=2000))
        if opts["json"]:
            self.stdout.write("[", ending="")
            for i, row in enumerate(rows):
                self.stdout.write(("," if i else "") + "\n" + json.dumps(
                    row, ensure_ascii=False, default=str), ending="")
            self.stdout.write("\n]")
        else:
            for r in rows:
                self.stdout.write(f"{r['household_no']} {r['area_code']} {r['rule']} v"
                                  f"{r['rule_version']} {r['status']} {r['explanation']}")
