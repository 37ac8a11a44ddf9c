"""`fupin cases list --area CODE [--status open] [--json]` and `fupin cases escalate`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fupin.cases.choices import CaseStatus
from fupin.cases.deadlines import local_day
from fupin.cases.models import Case


class Command(BaseCommand):
    help = "识别纳入与风险消除案件：列表、逾期标记与上报"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        ls = sub.add_parser("list", help="按区划列出案件")
        ls.add_argument("--area", default="", help="区划代码前缀（县 6 位、乡镇 9 位、村 12 位）")
        ls.add_argument("--status", default="", choices=["", *CaseStatus.values])
        ls.add_argument("--kind", default="", choices=["", "identification", "elimination"])
        ls.add_argument("--overdue", action="store_true", help="只列出逾期案件")
        ls.add_argument("--json", action="store_true", help="输出 JSON")
        esc = sub.add_parser("escalate", help="标记逾期环节并上报乡镇、县级")
        esc.add_argument("--now", default="", help="按此时刻计算（ISO 8601，测试用）")
        esc.add_argument("--background", action="store_true", help="作为后台任务排队执行")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["sub"] == "list":
            self.list_cases(**opts)
        else:
            self.escalate(**opts)

    def list_cases(self, *, area: str, status: str, kind: str, overdue: bool, json: bool,
                   **_: Any) -> None:
        if area and not area.isdigit():
            raise CommandError(f"区划代码“{area}”应为数字")
        qs: Any = Case.objects.select_related("household", "household__area")
        if area:
            qs = qs.in_area(area)
        if status:
            qs = qs.filter(status=status)
        if kind:
            qs = qs.filter(kind=kind)
        today = local_day()
        if overdue:
            qs = qs.overdue_on(today)
        rows = [{
            "id": c.pk, "kind": c.kind, "kind_label": c.get_kind_display(),
            "household_no": c.household.household_no, "head_name": c.household.head_name,
            "area_code": c.household.area_id, "status": c.status, "step": c.step,
            "step_label": c.step_label, "step_due": c.step_due.isoformat() if c.step_due else None,
            "due_date": c.due_date.isoformat() if c.due_date else None,
            "overdue": c.is_overdue_on(today), "escalation": c.escalation,
            "help_first": c.help_first, "opened_at": timezone.localtime(c.opened_at).isoformat(),
        } for c in qs.order_by("household__area_id", "pk")]
        if json:
            import json as jsonlib
            self.stdout.write(jsonlib.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            flag = "逾期" if r["overdue"] else ""
            self.stdout.write(f"{r['id']:>6} {r['kind_label']} {r['household_no']} {r['head_name']} "
                              f"{r['step_label']} 期限 {r['step_due'] or '-'} {flag}")
        self.stdout.write(f"共 {len(rows)} 件")

    def escalate(self, *, now: str, background: bool, **_: Any) -> None:
        from fupin.core.jobs import run_inline, start_job

        if background:
            job = start_job("cases_escalate", "识别消除逾期上报")
            self.stdout.write(f"已排队：任务 #{job.pk}")
            return
        if now:
            try:
                moment = dt.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"时刻“{now}”不是 ISO 8601 格式") from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            from fupin.cases.deadlines import escalate
            result = escalate(now=moment)
        else:
            job = run_inline("cases_escalate", "识别消除逾期上报", show_progress=False)
            if job.status != "done":
                raise CommandError(job.message)
            result = job.result
        self.stdout.write(json.dumps(result, ensure_ascii=False))
