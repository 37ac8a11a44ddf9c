"""`fupin ledger import|export|template`: the household ledger (台账) from the command line."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.accounts.models import User
from fupin.core.jobs import run_inline
from fupin.core.models import JobStatus


class Command(BaseCommand):
    help = "导入、导出台账，或生成导入模板"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入台账文件（.xlsx/.xls/.csv）")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")
        imp.add_argument("--baseline", action="store_true",
                         help="历史数据导入：区县首次导入，由县级管理员把台账中的户类型、监测状态作为历史载入")
        imp.add_argument("--json", action="store_true", help="以 JSON 输出计数")
        imp.add_argument("--report", help="拒收行报告另存为（.xlsx）")
        imp.add_argument("--user", help="以该用户身份导入（按其管辖范围）；缺省为系统操作员（全部范围）")
        exp = sub.add_parser("export", help="导出一个区划的台账")
        exp.add_argument("--area", required=True, help="区划代码（县 6 位、乡镇 9 位、村 12 位）")
        exp.add_argument("out")
        exp.add_argument("--user", help="以该用户身份导出（按其范围与脱敏规则）")
        tpl = sub.add_parser("template", help="生成导入模板")
        tpl.add_argument("out")
        cln = sub.add_parser("cleanup", help="中断的任务标记为失败；超过保留期的暂存行、上传文件、"
                                             "拒收报告和导出文件删除（每晚运行）")
        cln.add_argument("--days", type=int, default=None,
                         help="保留天数（缺省：FUPIN_LEDGER_RETENTION_DAYS，7 天）")
        cln.add_argument("--json", action="store_true")

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户 {username} 不存在") from None

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "template":
            from fupin.ledgers.services.template import write_template
            write_template(opts["out"])
            self.stdout.write(f"模板已写入 {opts['out']}")
        elif action == "export":
            self._export(opts)
        elif action == "cleanup":
            from fupin.ledgers.services.cleanup import cleanup
            if opts["days"] is not None and opts["days"] < 0:
                raise CommandError("保留天数不能为负数")
            result = cleanup(days=opts["days"])
            if opts["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"中断任务 {result['jobs_failed']} 个、中断导入 {result['batches_failed']} 批已标记失败；"
                    f"删除暂存行 {result['staged_rows_removed']} 行、拒收报告 {result['reports_removed']} 个、"
                    f"上传与导出文件 {result['files_removed']} 个（保留 {result['retention_days']} 天）")
        else:
            self._import(opts)

    def _import(self, opts: dict[str, Any]) -> None:
        user = self._user(opts.get("user"))
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件 {path} 不存在")
        job = run_inline("ledger_import", f"导入台账 {path.name}", user=user,
                         params={"path": str(path.resolve()), "file_name": path.name,
                                 "user_id": getattr(user, "pk", None), "dry_run": opts["dry_run"],
                                 "baseline": opts["baseline"]},
                         show_progress=not opts["json"])
        if job.status != JobStatus.DONE:
            raise CommandError(job.message or job.error)
        result = dict(job.result)
        if "refused" in result:
            if opts["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            raise CommandError(f"拒绝导入：{result['refused']}")
        from fupin.ledgers.models import COUNT_FIELDS, ImportBatch
        batch = ImportBatch.objects.get(pk=result["batch_id"])
        result = {"batch_id": batch.pk, "file_name": batch.file_name, **batch.counts()}
        assert set(COUNT_FIELDS) <= set(result)
        if opts.get("report") and batch.report_file:
            shutil.copyfile(batch.report_file, opts["report"])
        result.update({"dry_run": batch.dry_run, "baseline": batch.baseline, "seconds": batch.seconds,
                       "report": opts.get("report") or batch.report_file or None,
                       "unknown_columns": batch.unknown_columns, "timings": batch.timings})
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"{'试导入' if batch.dry_run else '导入'} #{batch.pk} {batch.file_name}：读取 {batch.read} 行，"
            f"接收 {batch.accepted} 行（{batch.households_accepted} 户：新建 {batch.created}、更新 "
            f"{batch.updated}、未变 {batch.unchanged}），拒收 {batch.rejected} 行（{batch.households_rejected} 户）")
        if batch.unknown_columns:
            self.stdout.write("未识别的列（已保留在暂存记录中）：" + "、".join(batch.unknown_columns))
        if result["report"]:
            self.stdout.write(f"拒收报告：{result['report']}")

    def _export(self, opts: dict[str, Any]) -> None:
        user = self._user(opts.get("user"))
        job = run_inline("ledger_export", f"导出台账 {opts['area']}", user=user, area_code=opts["area"],
                         params={"area_code": opts["area"], "user_id": getattr(user, "pk", None),
                                 "out": str(Path(opts["out"]).resolve())})
        if job.status != JobStatus.DONE:
            raise CommandError(job.message or job.error)
        r = job.result
        sys.stderr.write("\n")
        self.stdout.write(f"已导出 {r['households']} 户 {r['rows']} 人到 {opts['out']}"
                          + ("（身份证号已脱敏，不能再导入）" if r["masked"] else ""))
