"""`fupin credit summary --area CODE [--as-of DATE] [--json]`, `fupin credit subsidy --area CODE
--month YYYY-MM`, `fupin credit bank-import --area CODE --month YYYY-MM FILE.xlsx` and
`fupin credit bank-apply ID --user NAME`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.accounts.actors import cli_actor
from fupin.credit import services
from fupin.credit.models import BankFile

LABELS = {
    "borrower_households": "获贷户数（累计）", "loans": "放贷笔数", "disbursed_yuan": "放贷金额（元）",
    "outstanding_yuan": "贷款余额（元）", "overdue_loans": "逾期笔数", "extended_loans": "展期笔数",
    "extended_yuan": "展期贷款金额（元）", "new_loans_year": "当年新增放贷笔数",
    "new_loans_year_yuan": "当年新增放贷金额（元）", "written_off_loans": "补偿金代偿笔数",
    "risk_fund_yuan": "风险补偿金（元）", "risk_fund_drawn_yuan": "已代偿（元）",
    "registered_households": "建档立卡户数", "loan_coverage": "获贷率（获贷户÷建档立卡户）",
}


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for ms in exc.message_dict.values() for m in ms)
    return "；".join(exc.messages)


class Command(BaseCommand):
    help = "扶贫小额信贷：汇总、月度贴息、银行文件对账"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        s = sub.add_parser("summary", help="区划的信贷汇总")
        s.add_argument("--area", required=True, help="区划代码前缀")
        s.add_argument("--as-of", default="", help="截至日期 YYYY-MM-DD（默认今天）")
        s.add_argument("--json", action="store_true")
        r = sub.add_parser("subsidy", help="计算区划某月的贴息（集合运算）")
        r.add_argument("--area", required=True)
        r.add_argument("--month", required=True, help="YYYY-MM")
        r.add_argument("--user", default="", help="以该用户身份（默认系统）")
        b = sub.add_parser("bank-import", help="导入银行月度文件并对账（不更新贷款）")
        b.add_argument("file")
        b.add_argument("--area", required=True)
        b.add_argument("--month", required=True)
        b.add_argument("--bank", default="")
        b.add_argument("--user", default="")
        b.add_argument("--json", action="store_true")
        a = sub.add_parser("bank-apply", help="确认银行文件差异并更新贷款（须非上传人）")
        a.add_argument("id", type=int)
        a.add_argument("--user", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, "do_" + opts["sub"].replace("-", "_"))(**opts)
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None

    def do_summary(self, *, area: str, as_of: str, json: bool, **_: Any) -> None:
        if not area.isdigit():
            raise CommandError(f"区划代码“{area}”应为数字")
        try:
            day = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(f"日期“{as_of}”格式应为 YYYY-MM-DD") from None
        figures = services.summary(area, day)
        if json:
            self.stdout.write(_dumps(figures))
            return
        self.stdout.write(f"区划 {area} 截至 {figures['as_of']}")
        for key, label in LABELS.items():
            value = figures[key]
            if key == "loan_coverage" and value is not None:
                value = f"{value * 100:.2f}%"
            self.stdout.write(f"  {label}：{value if value is not None else '—'}")

    def do_subsidy(self, *, area: str, month: str, user: str, **_: Any) -> None:
        run = services.run_subsidies(actor=cli_actor(user, "fupin credit subsidy"),
                                     area_code=area, month=month)
        self.stdout.write(f"{run.month:%Y-%m} 贴息：计算 {run.loans} 笔，贴息 {run.paid_loans} 笔，"
                          f"未贴息 {run.lost_loans} 笔，合计 {run.total} 元")

    def do_bank_import(self, *, file: str, area: str, month: str, bank: str, user: str,
                       json: bool, **_: Any) -> None:
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件 {file} 不存在")
        bf = services.import_bank_file(actor=cli_actor(user, "fupin credit bank-import"),
                                       area_code=area, month=month, filename=path.name,
                                       content=path.read_bytes(), bank=bank)
        out: dict[str, Any] = {"id": bf.pk, "rows_read": bf.rows_read, "rows_matched": bf.rows_matched,
               "rows_rejected": bf.rows_rejected, "differences": bf.differences,
               "problems": list(bf.rows.exclude(error="", diff={}).order_by("line").values(
                   "line", "loan_no", "error", "diff")[:200])}
        if json:
            self.stdout.write(_dumps(out))
            return
        self.stdout.write(f"文件 {bf.pk}：读取 {bf.rows_read} 行，匹配 {bf.rows_matched}，"
                          f"拒收 {bf.rows_rejected}，差异 {bf.differences}")
        for p in out["problems"]:
            self.stdout.write(f"  第 {p['line']} 行 {p['loan_no']}：{p['error'] or p['diff']}")

    def do_bank_apply(self, *, id: int, user: str, **_: Any) -> None:
        bf = BankFile.objects.filter(pk=id).first()
        if bf is None:
            raise CommandError(f"银行文件 {id} 不存在")
        result = services.apply_bank_file(actor=cli_actor(user, "fupin credit bank-apply"),
                                          bank_file=bf)
        self.stdout.write(f"已更新 {result['updated']} 笔，新增逾期 {result['overdue']} 笔，"
                          f"监测线索 {result['leads']} 条")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
