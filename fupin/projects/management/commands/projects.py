"""`fupin projects summary|import|export|template`: the project library from the command line.

    fupin projects summary --area CODE --year YEAR [--as-of DATE] [--json]
    fupin projects import FILE --kind library|payouts [--dry-run] [--json] [--report OUT.xlsx] [--user NAME]
    fupin projects export --area CODE OUT.xlsx [--user NAME]
    fupin projects template library|payouts OUT.xlsx
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.accounts.actors import cli_actor


class Command(BaseCommand):
    help = "项目与资金：汇总、导入、导出、模板"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        s = sub.add_parser("summary", help="区划某年度的项目与资金汇总")
        s.add_argument("--area", required=True, help="区划代码（县 6 位、乡镇 9 位、村 12 位）")
        s.add_argument("--year", type=int, default=None)
        s.add_argument("--as-of", dest="as_of", default="", help="截至日期 YYYY-MM-DD")
        s.add_argument("--json", action="store_true")
        i = sub.add_parser("import", help="导入项目库或利益联结收益发放")
        i.add_argument("file")
        i.add_argument("--kind", choices=["library", "payouts"], required=True)
        i.add_argument("--dry-run", action="store_true")
        i.add_argument("--json", action="store_true")
        i.add_argument("--report", default="", help="未通过的行写入此 .xlsx")
        i.add_argument("--user", default=None)
        e = sub.add_parser("export", help="导出项目库（导入格式）")
        e.add_argument("--area", required=True)
        e.add_argument("out")
        e.add_argument("--user", default=None)
        t = sub.add_parser("template", help="导入模板")
        t.add_argument("kind", choices=["library", "payouts"])
        t.add_argument("out")

    def handle(self, *args: Any, **o: Any) -> None:
        getattr(self, f"do_{o['sub']}")(**o)

    def do_summary(self, *, area: str, year: int | None, as_of: str, json: bool, **_: Any) -> None:
        from fupin.projects.services.summary import summary

        day = None
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"截至日期“{as_of}”不是有效日期（YYYY-MM-DD）") from None
        try:
            data = summary(area, year, day)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        if json:
            import json as jsonlib
            self.stdout.write(jsonlib.dumps(data, ensure_ascii=False, indent=1, default=str))
            return
        pct = lambda v: "—" if v is None else f"{round(v * 100, 2):g} %"  # noqa: E731
        lines = [
            f"{data['area']} {data['year']} 年（截至 {data['as_of']}）",
            f"本年入库 {data['library_entered']} 个；在库 {data['library']} 个",
            f"本年计划 {data['projects']} 个：开工 {data['started']} 个，完工 {data['completed']} 个，"
            f"完工率 {pct(data['completion_rate'])}（{data['completed']} ÷ {data['projects']}）",
            f"续建 {data['continuing']} 个，完工 {data['continuing_completed']} 个，"
            f"完工率 {pct(data['continuing_rate'])}",
            f"整合资金 {data['funds_yuan']} 元；已安排 {data['funds_allocated_yuan']} 元，"
            f"已拨付 {data['funds_paid_yuan']} 元（拨付率 {pct(data['paid_share'])}）",
            f"受益户 {data['beneficiary_households']} 户；有利益联结 {data['households_linked']} 户；"
            f"产业覆盖率 {pct(data['industry_coverage'])}"
            f"（{data['industry_households']} ÷ {data['registered_households']} 建档立卡户）",
            f"消费帮扶销售额 {data['consumption_sales_yuan']} 元",
        ]
        self.stdout.write("\n".join(lines))

    def do_import(self, *, file: str, kind: str, dry_run: bool, json: bool, report: str,
                  user: str | None, **_: Any) -> None:
        from fupin.projects.services.excel import ImportRefused, rejected_report, run_import

        actor = cli_actor(user, "fupin projects import")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件 {file} 不存在")
        started = time.perf_counter()
        try:
            result = run_import(kind, path.read_bytes(), path.name, actor=actor, dry_run=dry_run)
        except ImportRefused as exc:
            if json:
                import json as jsonlib
                self.stdout.write(jsonlib.dumps({"refused": str(exc)}, ensure_ascii=False))
            raise CommandError(str(exc)) from None
        out = result.as_dict(limit=20)
        out["seconds"] = round(time.perf_counter() - started, 2)
        if report and result.rejected_rows:
            Path(report).write_bytes(rejected_report(result))
            out["report"] = report
        if json:
            import json as jsonlib
            self.stdout.write(jsonlib.dumps(out, ensure_ascii=False, indent=1, default=str))
            return
        self.stdout.write(f"读取 {result.read} 行：通过 {result.accepted}，未通过 {result.rejected}"
                          f"{'（试导入，未写入）' if dry_run else ''}，用时 {out['seconds']} 秒")
        for row, reasons, _values in result.rejected_rows[:20]:
            self.stdout.write(f"  第 {row} 行：{'；'.join(reasons)}")

    def do_export(self, *, area: str, out: str, user: str | None, **_: Any) -> None:
        import xlsxwriter

        from fupin.projects.models import Project
        from fupin.projects.services.excel import EXPORT_HEADERS, export_library

        actor = cli_actor(user, "fupin projects export")
        if not area.isdigit():
            raise CommandError(f"区划代码“{area}”应为数字")
        qs = Project.objects.visible_to(actor).in_area(area).order_by("code")
        wb = xlsxwriter.Workbook(out, {"constant_memory": True})
        ws = wb.add_worksheet("项目库")
        ws.write_row(0, 0, EXPORT_HEADERS)
        n = 0
        for n, row in enumerate(export_library(qs.iterator()), start=1):
            ws.write_row(n, 0, row)
        wb.close()
        self.stdout.write(f"已导出 {n} 个项目到 {out}")

    def do_template(self, *, kind: str, out: str, **_: Any) -> None:
        from fupin.projects.services.excel import template_bytes

        Path(out).write_bytes(template_bytes(kind))
        self.stdout.write(f"模板已写入 {out}")
