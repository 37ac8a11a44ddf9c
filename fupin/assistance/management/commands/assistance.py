"""`fupin assistance overdue --area CODE [--helper ID] [--user NAME] [--json]`"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fupin.accounts.actors import cli_actor as cli_user
from fupin.assistance import services
from fupin.assistance.choices import VisitKind


class Command(BaseCommand):
    help = "帮扶：逾期未走访清单"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        o = sub.add_parser("overdue", help="逾期未走访的户（按帮扶周期，北京时间自然月/季度）")
        o.add_argument("--area", default="", help="区划代码前缀")
        o.add_argument("--helper", type=int, help="帮扶责任人 ID")
        o.add_argument("--user", help="按该用户的管辖范围查询")
        o.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = cli_user(opts.get("user"))
        qs: Any = services.overdue_households(user, area=opts["area"], helper=opts.get("helper"))
        rows = [{"household_no": h.household_no, "head_name": h.head_name, "area_code": h.area_id,
                 "village": h.area.name, "kind": h.visit_kind, "due_since": h.due_since.isoformat(),
                 "last_visit": h.last_visit.isoformat() if h.last_visit else None,
                 "helper_id": h.helper_id, "helper_name": h.helper_name} for h in qs]
        if opts["json"]:
            self.stdout.write(json.dumps({"count": len(rows), "households": rows,
                                          "by_helper": services.overdue_by_helper(qs)}, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(f"{r['household_no']}\t{r['head_name']}\t{r['village']}\t"
                              f"{VisitKind(r['kind']).label}\t最近走访 {r['last_visit'] or '从未'}\t"
                              f"{r['helper_name'] or '未结对'}")
        self.stdout.write(f"共 {len(rows)} 户逾期未走访")
