"""`fupin rectification list|escalate|sample …`"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.accounts.actors import SystemActor
from fupin.accounts.actors import cli_actor as cli_user
from fupin.rectification import sampling, services
from fupin.rectification.models import Problem
from fupin.rectification.tables import FIVE_LISTS, ProblemTable, list_kwargs


class Command(BaseCommand):
    help = "问题整改：清单、逾期升级、随机抽查"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        lst = sub.add_parser("list", help="五张清单之一（问题/整改/任务/责任/效果）")
        lst.add_argument("--area", default="")
        lst.add_argument("--list", dest="kind", default="problem", choices=list(FIVE_LISTS))
        lst.add_argument("--state", action="append", help="状态，可多次")
        lst.add_argument("--user")
        lst.add_argument("--json", action="store_true")
        esc = sub.add_parser("escalate", help="逾期未整改的问题升级（乡镇→区县）")
        esc.add_argument("--area", default="")
        esc.add_argument("--date", help="按该日期计算（YYYY-MM-DD，默认今天）")
        smp = sub.add_parser("sample", help="抽取可复现的随机样本")
        smp.add_argument("--area", required=True)
        smp.add_argument("--month", required=True, help="YYYY-MM")
        smp.add_argument("--kind", default="household", choices=["household", "helper"])
        smp.add_argument("--size", type=int, default=20)
        smp.add_argument("--seed", type=int)
        smp.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, f"do_{opts['action']}")(opts)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None

    def do_list(self, opts: dict[str, Any]) -> None:
        qs = Problem.objects.visible_to(cli_user(opts.get("user"))).select_related(
            "area", "household", "found_by", "rectified_by", "verified_by")
        if opts["area"]:
            qs = qs.in_area(opts["area"])
        if opts.get("state"):
            qs = qs.filter(state__in=opts["state"])
        table = ProblemTable(qs, **list_kwargs(opts["kind"]))
        columns = list(table.columns)
        rows = [{str(c.header): str(row.get_cell_value(c.name) or "") for c in columns} for row in table.rows]
        if opts["json"]:
            self.stdout.write(json.dumps({"list": FIVE_LISTS[opts["kind"]][0], "count": len(rows),
                                          "rows": rows}, ensure_ascii=False))
            return
        self.stdout.write("\t".join(str(c.header) for c in columns))
        for r in rows:
            self.stdout.write("\t".join(r.values()))
        self.stdout.write(f"共 {len(rows)} 条")

    def do_escalate(self, opts: dict[str, Any]) -> None:
        day = dt.date.fromisoformat(opts["date"]) if opts.get("date") else None
        result = services.escalate_overdue(day=day, area=opts["area"])
        self.stdout.write(f"升级至乡镇 {result['township']} 条，升级至区县 {result['county']} 条")

    def do_sample(self, opts: dict[str, Any]) -> None:
        try:
            month = dt.date.fromisoformat(opts["month"] + "-01")
        except ValueError:
            raise CommandError(f"月份“{opts['month']}”应为 YYYY-MM") from None
        check = sampling.draw(actor=SystemActor("fupin rectification sample"), area_code=opts["area"], month=month, kind=opts["kind"],
                              size=opts["size"], seed=opts.get("seed"))
        ids = list(check.items.values_list("household_id" if opts["kind"] == "household" else "helper_id",
                                           flat=True))
        if opts["json"]:
            self.stdout.write(json.dumps({"id": check.pk, "seed": check.seed, "ids": ids}))
        else:
            self.stdout.write(f"抽查 #{check.pk}，种子 {check.seed}，样本 {len(ids)} 个：{ids}")
