"""`fupin jobs summary --area CODE --year YEAR [--json]` and `fupin jobs income --area CODE
--year YEAR` (wages of work spells into the incomes of a finished year)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from fupin.accounts.actors import cli_actor
from fupin.jobs import services
from fupin.jobs.models import WorkSpell

LABELS = {
    "transferred_people": "转移就业人数", "out_of_county_people": "县外务工人数",
    "out_of_province_people": "省外务工人数", "organised_people": "有组织输出人数",
    "cooperation_people": "东西部劳务协作输出人数", "welfare_posts": "公益性岗位数",
    "temporary_posts": "其中临时性岗位", "welfare_post_people": "公益性岗位上岗人数",
    "welfare_post_pay_yuan": "岗位工资（元）", "workshops": "扶贫车间/企业数",
    "workshop_people": "车间吸纳就业人数", "trained_people": "培训人数",
    "yulu_students": "雨露计划学生", "yulu_paid_yuan": "雨露计划补助（元）",
    "insured_households": "防贫保参保户", "claims_paid": "理赔笔数",
    "claims_paid_yuan": "理赔金额（元）",
}


class Command(BaseCommand):
    help = "就业帮扶：年度汇总、务工收入计入"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        s = sub.add_parser("summary", help="区划的年度就业汇总")
        s.add_argument("--area", required=True)
        s.add_argument("--year", type=int, required=True)
        s.add_argument("--json", action="store_true")
        i = sub.add_parser("income", help="把务工收入计入已结束年度的家庭收入（每段每年一次）")
        i.add_argument("--area", required=True)
        i.add_argument("--year", type=int, required=True)
        i.add_argument("--user", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        area, year = opts["area"], opts["year"]
        if not area.isdigit():
            raise CommandError(f"区划代码“{area}”应为数字")
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"年度 {year} 无效")
        try:
            if opts["sub"] == "summary":
                figures = services.summary(area, year)
                if opts["json"]:
                    self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
                    return
                self.stdout.write(f"区划 {area} {year} 年")
                for key, label in LABELS.items():
                    self.stdout.write(f"  {label}：{figures[key]}")
                return
            if year >= timezone.localdate().year:
                raise CommandError("只能计入已结束的年度")
            spells = list(WorkSpell.objects.filter(area__code__startswith=area,
                                                   started_on__year__lte=year)
                          .filter(Q(ended_on__isnull=True) | Q(ended_on__year__gte=year)))
            n = services.record_spell_incomes(actor=cli_actor(opts["user"], "fupin jobs income"),
                                              spells=spells)
            self.stdout.write(f"计入务工收入 {n} 笔（已计入的不重复）")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
