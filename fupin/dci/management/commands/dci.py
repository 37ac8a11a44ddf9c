"""`fupin dci partner add NAME --area CODE [--grant resident_id,health] [--public-key FILE]`,
`fupin dci partner list`, `fupin dci partner rotate NAME`, `fupin dci deliver`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.accounts.actors import cli_actor


class Command(BaseCommand):
    help = "DCI 社会登记接口：对接方管理与回调重投"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        partner = sub.add_parser("partner", help="对接方")
        psub = partner.add_subparsers(dest="op", required=True)
        add = psub.add_parser("add", help="登记对接方；最后一行输出其访问令牌")
        add.add_argument("name")
        add.add_argument("--area", required=True, help="数据范围区划代码")
        add.add_argument("--grant", default="", help="授权字段，逗号分隔：resident_id,phone,health")
        add.add_argument("--public-key", default="", help="Ed25519 公钥 PEM 文件")
        add.add_argument("--callback-uri", default="", help="回调地址前缀")
        add.add_argument("--sender-id", default="", help="报文头 sender_id（默认同名称）")
        add.add_argument("--user", default="", help="以该用户身份登记（县级管理员）")
        psub.add_parser("list", help="列出对接方")
        rot = psub.add_parser("rotate", help="更换令牌；最后一行输出新令牌")
        rot.add_argument("name")
        rot.add_argument("--user", default="")
        sub.add_parser("deliver", help="重投到期的失败回调")

    def handle(self, *args: Any, **opts: Any) -> None:
        from fupin.dci import delivery, services
        from fupin.dci.models import Partner

        if opts["sub"] == "deliver":
            ok, bad = delivery.retry_due()
            self.stdout.write(f"重投送达 {ok} 条，仍失败 {bad} 条")
            return
        if opts["op"] == "list":
            for p in Partner.objects.select_related("area").order_by("name"):
                self.stdout.write(f"{p.name}\t{p.sender_id}\t{p.area_id}\t{','.join(p.grants) or '-'}\t"
                                  f"{'公钥' if p.public_key else '-'}\t{'启用' if p.active else '停用'}")
            return
        actor = cli_actor(opts.get("user") or None, "fupin dci partner")
        try:
            if opts["op"] == "rotate":
                partner = Partner.objects.filter(name=opts["name"]).first()
                if partner is None:
                    raise CommandError(f"对接方“{opts['name']}”不存在")
                token = services.rotate_token(actor=actor, partner=partner)
                self.stdout.write(f"已更换“{partner.name}”的令牌")
                self.stdout.write(token)
                return
            key = ""
            if opts["public_key"]:
                path = Path(opts["public_key"])
                if not path.is_file():
                    raise CommandError(f"公钥文件“{path}”不存在")
                key = path.read_text(encoding="utf-8")
            grants = [g.strip() for g in opts["grant"].split(",") if g.strip()]
            partner, token = services.add_partner(
                actor=actor, name=opts["name"], area_code=opts["area"], grants=grants,
                public_key=key, callback_uri=opts["callback_uri"], sender_id=opts["sender_id"])
        except ValidationError as exc:
            raise CommandError("；".join(f"{k}: {'、'.join(v)}" for k, v in exc.message_dict.items())
                               if hasattr(exc, "error_dict") else "；".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已登记对接方“{partner.name}”（sender_id {partner.sender_id}，范围 "
                          f"{partner.area_id}，授权 {','.join(partner.grants) or '无'}）")
        self.stdout.write(token)
