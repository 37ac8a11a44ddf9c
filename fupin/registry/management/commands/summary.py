"""`fupin summary --area CODE [--as-of DATE] [--json] [--user NAME]`: an area's figures."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.accounts.actors import cli_actor
from fupin.registry.figures import area_summary

ROWS = (
    ("全部农户", ""), ("建档立卡户", "registered_"), ("  已脱贫", "lifted_"),
    ("  未脱贫", "poor_"), ("一般农户", "ordinary_"), ("监测对象", "monitored_"),
    ("  风险未消除", "at_risk_"), ("  风险已消除", "eliminated_"),
    ("  脱贫不稳定户", "unstable_"), ("  边缘易致贫户", "edge_"), ("  突发严重困难户", "sudden_"),
)


def _pad(text: str, width: int) -> str:
    """Left-justify by display width (a Chinese character takes two columns)."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


class Command(BaseCommand):
    help = "输出一个区划（县、乡镇或村代码前缀）的户数、人数与贫困发生率"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True, help="区划代码（前缀）")
        parser.add_argument("--as-of", dest="as_of", help="截至日期 YYYY-MM-DD（缺省为当前）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--user", help="按该用户的管辖范围统计")

    def handle(self, *args: Any, **opts: Any) -> None:
        code = opts["area"].strip()
        if not code.isdigit():
            raise CommandError(f"区划代码“{code}”应为数字")
        as_of = None
        if opts["as_of"]:
            try:
                as_of = dt.date.fromisoformat(opts["as_of"])
            except ValueError:
                raise CommandError(f"日期“{opts['as_of']}”应为 YYYY-MM-DD") from None
        user = cli_actor(opts["user"], "fupin summary")
        try:
            s = area_summary(code, as_of, user=user)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        if opts["json"]:
            self.stdout.write(json.dumps(s, ensure_ascii=False))
            return
        title = f"{s['area_name'] or '区划'}（{code}）"
        self.stdout.write(f"{title}  截至 {s['as_of'] or '当前'}")
        self.stdout.write(f"{_pad('类别', 18)}{'户数':>8}{'人数':>10}")
        for label, key in ROWS:
            self.stdout.write(f"{_pad(label, 18)}{s[key + 'households']:>10,}"
                              f"{s[key + 'people']:>12,}")
        population = s["rural_population"]
        self.stdout.write(f"乡村户籍人口（{s['population_year'] or '—'} 年）："
                          f"{population:,}" if population else "乡村户籍人口：未设置")
        incidence = s["incidence"]
        self.stdout.write("贫困发生率（未脱贫人口 ÷ 乡村户籍人口）："
                          + (f"{incidence * 100:.2f}%" if incidence is not None else "—"))
