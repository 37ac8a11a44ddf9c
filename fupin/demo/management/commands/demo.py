"""`fupin demo`: build the five seed counties' synthetic registries, create demo logins, serve."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.core.jobs import Progress
from fupin.demo.activity import seed_activity
from fupin.demo.build import build
from fupin.demo.credit import seed_credit_and_jobs
from fupin.demo.dci import create_demo_partner
from fupin.demo.figures import SEED_COUNTIES
from fupin.demo.projects import build_projects
from fupin.demo.users import create_demo_users
from fupin.registry.figures import area_summary
from fupin.registry.management.commands.summary import _pad


class Command(BaseCommand):
    help = "生成五个样本区县的演示数据（合成），创建演示账号，并启动服务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2020, help="随机种子（同一种子结果相同）")
        parser.add_argument("--counties", default=",".join(SEED_COUNTIES),
                            help="区县代码，逗号分隔（默认五个样本区县）")
        parser.add_argument("--scale", type=int, default=None,
                            help="总户数（按比例放大/缩小；缺省时与公开数字完全一致）")
        parser.add_argument("--no-serve", action="store_true", help="只生成数据，不启动服务")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **opts: Any) -> None:
        codes = [c.strip() for c in opts["counties"].split(",") if c.strip()]
        unknown = [c for c in codes if c not in SEED_COUNTIES]
        if unknown or not codes:
            raise CommandError(f"不支持的区县代码：{'、'.join(unknown) or '（空）'}；"
                               f"可选：{'、'.join(SEED_COUNTIES)}")
        if opts["scale"] is not None and opts["scale"] < 1:
            raise CommandError("--scale 须为正整数（总户数）")
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        self.stderr.write("正在生成演示数据（旧的演示户会被替换，用户录入的户不受影响）…")
        written = build(codes, seed=opts["seed"], scale=opts["scale"],
                        progress=Progress(stream=sys.stderr))
        logins = create_demo_users(codes)
        self.stderr.write("正在生成项目库、资金、利益联结和消费帮扶…")
        projects = build_projects(codes, seed=opts["seed"], progress=Progress(stream=sys.stderr))
        self.stderr.write("正在生成扶贫小额信贷、公益性岗位、扶贫车间、务工和培训…")
        credit = seed_credit_and_jobs(codes, seed=opts["seed"], progress=Progress(stream=sys.stderr))
        self.stderr.write("正在运行首次监测排查，并生成帮扶、问题和案件示例…")
        activity = seed_activity(codes, progress=Progress(stream=sys.stderr))
        dci_lines = create_demo_partner(codes)
        elapsed = time.monotonic() - started
        self.stdout.write(f"\n已写入 {written['households']:,} 户、{written['members']:,} 人、"
                          f"{written['statuses']:,} 条户状态、{written['incomes']:,} 条收入，"
                          f"用时 {elapsed:.0f} 秒；首次排查后有 {activity['warnings_open']:,} 条预警待处理。")
        self.stdout.write(f"项目 {projects.get('projects', 0):,} 个，利益联结 {projects.get('links', 0):,} 个，"
                          f"收益发放 {projects.get('payouts', 0):,} 笔，消费帮扶销售 {projects.get('sales', 0):,} 笔。")
        self.stdout.write("信贷与就业：" + "，".join(f"{k} {v:,}" for k, v in credit.items()))
        self.stdout.write("\n" + _pad("区县", 30) + "    户数      人数  建档立卡户  未脱贫人口  贫困发生率")
        for code in codes:
            s = area_summary(code)
            incidence = f"{s['incidence'] * 100:.2f}%" if s["incidence"] is not None else "—"
            self.stdout.write(f"{_pad(code + ' ' + s['area_name'], 30)}{s['households']:>8,}"
                              f"{s['people']:>10,}"
                              f"{s['registered_households']:>12,}{s['poor_people']:>12,}"
                              f"{incidence:>12}")
        self.stdout.write("\n演示账号（用户名 / 密码 / 角色 / 范围）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<15} {login.password:<17} "
                              f"{_pad(login.role, 20)} {login.scope}")
        for line in dci_lines:
            self.stdout.write(line)
        if not opts["no_serve"]:
            call_command("serve", port=opts["port"])
