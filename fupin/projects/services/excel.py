"""Excel in and out: the county's project library and benefit-link payouts.

Every row of an import is accepted or rejected with its reasons (in Chinese, with the
values); the accepted rows are written together in one transaction (all or nothing for
them), the rejected ones are listed and can be written to a report .xlsx. Files are read
as text (.xlsx, .xls, .csv in UTF-8/GBK), set-based: a fixed number of queries per chunk.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from fupin.accounts.actors import Actor, history_user
from fupin.areas.models import Area
from fupin.core.scope import can_write_area
from fupin.registry.models import Household

from ..choices import Category, LinkMode, State
from ..models import BenefitLink, Payout, Project, ProjectEvent
from .benefits import PayoutRow, record_payouts
from .common import MAX_AMOUNT, money, today

CHUNK = 5000
MAX_ROWS = 200_000

LIBRARY_COLUMNS = [
    ("code", "项目编号", "必填，县内唯一，如 500101-2020-00001"),
    ("name", "项目名称", "必填，不超过 200 字"),
    ("area", "区划代码", "必填，项目所在区县（6 位）、乡镇（9 位）或村（12 位）代码"),
    ("category", "项目类别", "必填：" + "、".join(Category.labels)),
    ("planned_funds", "计划资金(元)", "必填，非负数，最多两位小数"),
    ("expected_households", "预计受益户数", "非负整数"),
    ("expected_people", "预计受益人数", "非负整数"),
    ("entered_on", "入库日期", "必填，如 2019-11-30；已通过村、乡镇、县三级公示的项目"),
    ("plan_year", "计划年度", "选填，列入该年度计划"),
    ("content", "建设内容", "选填"),
]
PAYOUT_COLUMNS = [
    ("household_no", "户编号", "必填，系统中已有的户编号"),
    ("mode", "联结方式", "必填：" + "、".join(LinkMode.labels)),
    ("partner", "联结主体", "选填；该户同一方式有多个联结时必填，须与登记的联结主体一致"),
    ("paid_on", "发放日期", "必填，如 2020-12-20，不晚于今天"),
    ("amount", "金额(元)", "必填，大于 0，最多两位小数"),
    ("note", "备注", "选填"),
]
KINDS = {"library": ("项目库", LIBRARY_COLUMNS), "payouts": ("利益联结收益发放", PAYOUT_COLUMNS)}


class ImportRefused(Exception):
    """The file as a whole cannot be read (wrong format, no header): nothing written."""


@dataclass
class ImportResult:
    kind: str
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    households: int = 0
    dry_run: bool = False
    rejected_rows: list[tuple[int, list[str], dict[str, str]]] = field(default_factory=list)

    def as_dict(self, limit: int = 100) -> dict[str, Any]:
        return {"kind": self.kind, "read": self.read, "accepted": self.accepted,
                "rejected": self.rejected, "created": self.created, "updated": self.updated,
                "households": self.households, "dry_run": self.dry_run,
                "rejected_rows": [{"row": r, "reasons": reasons, "values": values}
                                  for r, reasons, values in self.rejected_rows[:limit]]}


# -- reading ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, name: str, columns: Sequence[tuple[str, str, str]]
               ) -> list[tuple[int, dict[str, str]]]:
    """(Excel row number, {field: text}) for each non-blank row under the header."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise ImportRefused("文件是空的（0 字节）")
    if suffix == ".csv":
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportRefused("CSV 文件编码无法识别，请另存为 UTF-8")
        rows: Iterable[list[Any]] = csv.reader(io.StringIO(text))
    elif suffix in (".xlsx", ".xls"):
        from python_calamine import CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types for broken files
            raise ImportRefused(f"Excel 文件已损坏或格式不对，无法打开（{type(exc).__name__}）") from None
    else:
        raise ImportRefused(f"不支持的文件类型“{suffix or name}”，请上传 .xlsx、.xls 或 .csv")
    labels = {label: key for key, label, _ in columns}
    required = [label for _key, label, rule in columns if rule.startswith("必填")]
    header: dict[int, str] | None = None
    out: list[tuple[int, dict[str, str]]] = []
    for r, cells in enumerate(rows, start=1):
        texts = [_text(c) for c in cells]
        if header is None:
            found = {i: labels[t] for i, t in enumerate(texts) if t in labels}
            if found and all(labels[x] in found.values() for x in required):
                header = found
            elif r >= 10:
                break
            continue
        if not any(texts):
            continue
        out.append((r, {key: (texts[i] if i < len(texts) else "") for i, key in header.items()}))
        if len(out) > MAX_ROWS:
            raise ImportRefused(f"文件超过 {MAX_ROWS} 行，请拆分后导入")
    if header is None:
        raise ImportRefused(f"前 10 行中找不到表头（须有：{'、'.join(required)}），请使用导入模板")
    return out


def _money_reason(text: str, label: str, *, allow_zero: bool) -> tuple[Decimal | None, str]:
    try:
        return money(text, "x", label=label, allow_zero=allow_zero), ""
    except ValidationError as exc:
        return None, exc.messages[0]


def _date_reason(text: str, label: str) -> tuple[dt.date | None, str]:
    try:
        return dt.date.fromisoformat(text.replace("/", "-")[:10]), ""
    except ValueError:
        return None, f"{label}“{text}”不是有效日期（格式 2020-12-20）"


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _lookup(sql: str, keys: Sequence[Any], orm: Callable[[Sequence[Any]], Iterable[Any]],
            extra: Sequence[Any] = ()) -> list[Any]:
    """Rows for many keys: on PostgreSQL one statement with the keys as one array parameter
    (`= ANY(%s)`; an `IN` of thousands of parameters cost seconds to build and send),
    elsewhere the ORM in chunks."""
    if not keys:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(keys), *extra])
            return cursor.fetchall()
    out: list[Any] = []
    for part in _chunks(keys):
        out.extend(orm(part))
    return out


# -- project library ---------------------------------------------------------------------


def import_library(data: bytes, name: str, *, actor: Actor, dry_run: bool = False
                   ) -> ImportResult:
    rows = read_table(data, name, LIBRARY_COLUMNS)
    res = ImportResult("library", read=len(rows), dry_run=dry_run)
    cats = {label: value for value, label in Category.choices}
    codes = [v["code"] for _r, v in rows if v.get("code")]
    areas = [v["area"] for _r, v in rows if v.get("area")]
    known_areas: dict[str, str] = {}
    for part in _chunks(sorted(set(areas))):
        known_areas.update(Area.objects.filter(code__in=part).values_list("code", "level"))
    existing: dict[str, Project] = {}
    for part in _chunks(sorted(set(codes))):
        existing.update({p.code: p for p in Project.objects.filter(code__in=part)})
    seen: set[str] = set()
    new: list[Project] = []
    changed: list[Project] = []
    this_year = today().year
    for r, v in rows:
        reasons = []
        code = v.get("code", "")
        if not code:
            reasons.append("项目编号为空")
        elif len(code) > 40:
            reasons.append(f"项目编号“{code}”超过 40 字")
        elif code in seen:
            reasons.append(f"项目编号“{code}”在文件中重复")
        seen.add(code)
        pname = v.get("name", "")
        if not pname:
            reasons.append("项目名称为空")
        elif len(pname) > 200:
            reasons.append("项目名称超过 200 字")
        area = v.get("area", "")
        level = known_areas.get(area)
        if level not in ("county", "township", "village"):
            reasons.append(f"区划代码“{area}”不存在，或不是区县、乡镇、村")
        elif not can_write_area(actor, area):
            reasons.append(f"区划 {area} 不在您的管辖范围内")
        category = cats.get(v.get("category", ""), v.get("category", ""))
        if category not in Category.values:
            reasons.append(f"项目类别“{v.get('category', '')}”无效，应为：{'、'.join(Category.labels)}")
        funds, why = _money_reason(v.get("planned_funds", ""), "计划资金", allow_zero=True)
        if why:
            reasons.append(why)
        ints = {}
        for key, label in (("expected_households", "预计受益户数"), ("expected_people", "预计受益人数")):
            t = v.get(key, "") or "0"
            if not t.isdigit():
                reasons.append(f"{label}“{t}”应为非负整数")
            else:
                ints[key] = int(t)
        entered, why = _date_reason(v.get("entered_on", ""), "入库日期")
        if why:
            reasons.append(why)
        elif entered and entered > today():
            reasons.append(f"入库日期 {entered} 在今天之后")
        plan_year = None
        if v.get("plan_year"):
            if not v["plan_year"].isdigit() or not 2010 <= int(v["plan_year"]) <= this_year + 2:
                reasons.append(f"计划年度“{v['plan_year']}”应为 2010–{this_year + 2} 之间的年份")
            else:
                plan_year = int(v["plan_year"])
                if entered and plan_year < entered.year:
                    reasons.append(f"计划年度 {plan_year} 早于入库年度 {entered.year}")
        old = existing.get(code)
        if old is not None and not reasons:
            if old.area_id != area:
                reasons.append(f"项目编号“{code}”已登记在区划 {old.area_id}，不能改为 {area}")
            elif not can_write_area(actor, old.area_id):
                reasons.append(f"项目“{code}”不在您的管辖范围内")
        if reasons:
            res.rejected += 1
            res.rejected_rows.append((r, reasons, v))
            continue
        res.accepted += 1
        assert entered is not None and funds is not None
        fields = {"name": pname, "category": category, "planned_funds": funds,
                  "content": v.get("content", "")[:5000], **ints}
        if old is not None:
            for k, val in fields.items():
                setattr(old, k, val)
            changed.append(old)
            continue
        state = State.PLANNED if plan_year else State.IN_LIBRARY
        new.append(Project(code=code, area_id=area, county_code=area[:6], state=state,
                           entered_library_on=entered, library_year=entered.year,
                           plan_year=plan_year, planned_on=entered if plan_year else None,
                           proposed_on=entered, **fields))
    res.created, res.updated = len(new), len(changed)
    if dry_run or not (new or changed):
        return res
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    user = history_user(actor)
    with transaction.atomic():
        made = bulk_create_with_history(new, Project, batch_size=2000, default_user=user,
                                        default_change_reason="导入项目库")
        if changed:
            bulk_update_with_history(changed, Project, ["name", "category", "planned_funds",
                                                        "content", "expected_households",
                                                        "expected_people"],
                                     batch_size=2000, default_user=user,
                                     default_change_reason="导入项目库")
        if made and made[0].pk is None:
            made = list(Project.objects.filter(code__in=[p.code for p in new]))
        ProjectEvent.objects.bulk_create([
            ProjectEvent(project=p, action="import", from_state="", to_state=p.state,
                         actor=user, actor_name=str(getattr(actor, "username", "")),
                         actor_role=str(getattr(actor, "role", "") or ""),
                         acted_on=p.entered_library_on or today(), comment="导入项目库（已完成三级公示）")
            for p in made], batch_size=CHUNK)
    return res


def export_library(projects: Iterable[Project]) -> list[list[Any]]:
    """Rows in the import format (plus state), for `xlsx_response` or a file."""
    cats = dict(Category.choices)
    states = dict(State.choices)
    out = []
    for p in projects:
        out.append([p.code, p.name, p.area_id, cats.get(p.category, p.category),
                    float(p.planned_funds), p.expected_households, p.expected_people,
                    p.entered_library_on.isoformat() if p.entered_library_on else "",
                    p.plan_year or "", p.content, states.get(p.state, p.state)])
    return out


EXPORT_HEADERS = [label for _k, label, _r in LIBRARY_COLUMNS] + ["状态"]


# -- payouts -------------------------------------------------------------------------------


def import_payouts(data: bytes, name: str, *, actor: Actor, dry_run: bool = False,
                   progress: Callable[[int, str], None] | None = None) -> ImportResult:
    rows = read_table(data, name, PAYOUT_COLUMNS)
    res = ImportResult("payouts", read=len(rows), dry_run=dry_run)
    if progress:
        progress(0, f"已读取 {len(rows)} 行")
    modes = {label: value for value, label in LinkMode.choices}
    labels = dict(LinkMode.choices)  # the enum's .values / .label rebuild lists on each call
    nos = sorted({v.get("household_no", "") for _r, v in rows} - {""})
    hh_t, link_t, pay_t = (m._meta.db_table for m in (Household, BenefitLink, Payout))
    area_col = Household._meta.get_field("area").column
    households: dict[str, tuple[int, str]] = {no: (pk, area) for pk, no, area in _lookup(
        f"SELECT id, household_no, {area_col} FROM {hh_t} WHERE household_no = ANY(%s)", nos,
        lambda part: Household.objects.filter(household_no__in=part).values_list(
            "pk", "household_no", "area_id"))}
    links: dict[tuple[int, str], list[tuple[int, str, dt.date, dt.date | None]]] = defaultdict(list)
    ids = sorted({pk for pk, _a in households.values()})
    for lid, hid, mode, partner, start, end in _lookup(
            f"SELECT id, household_id, mode, partner_name, started_on, ended_on FROM {link_t} "
            "WHERE household_id = ANY(%s)", ids,
            lambda part: BenefitLink.objects.filter(household_id__in=part).values_list(
                "pk", "household_id", "mode", "partner_name", "started_on", "ended_on")):
        links[(hid, mode)].append((lid, partner, start, end))
    all_links = sorted({lk[0] for v in links.values() for lk in v})
    # payouts already recorded on the days of this file only (not every payout ever made)
    days: set[dt.date] = set()
    for _r, v in rows:
        d, why = _date_reason(v.get("paid_on", ""), "")
        if d is not None and not why:
            days.add(d)
    paid: set[tuple[int, dt.date]] = set()
    if days:
        paid.update(_lookup(
            f"SELECT link_id, paid_on FROM {pay_t} WHERE link_id = ANY(%s) "
            f"AND paid_on = ANY(ARRAY[{', '.join(['%s'] * len(days))}]::date[])", all_links,
            lambda part: Payout.objects.filter(link_id__in=part, paid_on__in=sorted(days))
            .values_list("link_id", "paid_on"), extra=sorted(days)))
    if progress:
        progress(len(rows) // 3, "核对农户与利益联结")
    good: list[PayoutRow] = []
    day = today()
    writable: dict[str, bool] = {}
    amounts: dict[str, tuple[Decimal | None, str]] = {}
    dates: dict[str, tuple[dt.date | None, str]] = {}
    for r, v in rows:
        reasons = []
        no = v.get("household_no", "")
        hh = households.get(no)
        if not no:
            reasons.append("户编号为空")
        elif hh is None:
            reasons.append(f"户编号 {no} 不存在")
        else:
            if hh[1] not in writable:
                writable[hh[1]] = can_write_area(actor, hh[1])
            if not writable[hh[1]]:
                reasons.append(f"户编号 {no} 在 {hh[1]}，不在您的管辖范围内")
        mode = modes.get(v.get("mode", ""), v.get("mode", ""))
        if mode not in labels:
            reasons.append(f"联结方式“{v.get('mode', '')}”无效，应为：{'、'.join(labels.values())}")
        text = v.get("paid_on", "")
        if text not in dates:
            dates[text] = _date_reason(text, "发放日期")
        paid_on, why = dates[text]
        if why:
            reasons.append(why)
        elif paid_on and paid_on > day:
            reasons.append(f"发放日期 {paid_on} 在今天之后")
        text = v.get("amount", "")
        if text not in amounts:
            amounts[text] = _money_reason(text, "金额", allow_zero=False)
        amount, why = amounts[text]
        if why:
            reasons.append(why)
        link = None
        if hh is not None and mode in labels and not reasons:
            cands = links.get((hh[0], mode), [])
            partner = v.get("partner", "")
            if partner:
                cands = [c for c in cands if c[1] == partner]
            if not cands:
                reasons.append(f"户编号 {no} 没有“{labels[mode]}”"
                               f"{'（' + partner + '）' if partner else ''}的利益联结，请先登记联结")
            elif len(cands) > 1:
                reasons.append(f"户编号 {no} 有 {len(cands)} 个“{labels[mode]}”联结，请填写联结主体")
            else:
                link = cands[0]
                assert paid_on is not None
                if paid_on < link[2]:
                    reasons.append(f"发放日期 {paid_on} 早于联结开始日期 {link[2]}")
                elif link[3] and paid_on > link[3]:
                    reasons.append(f"联结已于 {link[3]} 结束")
                elif (link[0], paid_on) in paid:
                    reasons.append(f"该户“{labels[mode]}” {paid_on} 的收益已登记（同一联结同一天只登记一笔）")
        if reasons:
            res.rejected += 1
            res.rejected_rows.append((r, reasons, v))
            continue
        assert link is not None and hh is not None and paid_on is not None and amount is not None
        paid.add((link[0], paid_on))
        good.append(PayoutRow(link[0], hh[0], paid_on, amount, mode, v.get("note", "")))
    res.accepted = res.created = len(good)
    res.households = len({g.household_id for g in good})
    if progress:
        progress(2 * len(rows) // 3, f"写入 {len(good)} 笔")
    if good and not dry_run:
        record_payouts(actor=actor, rows=good)
    if progress:
        progress(len(rows), "完成")
    return res


def run_import(kind: str, data: bytes, name: str, *, actor: Actor, dry_run: bool = False,
               progress: Callable[[int, str], None] | None = None) -> ImportResult:
    if kind == "library":
        return import_library(data, name, actor=actor, dry_run=dry_run)
    if kind == "payouts":
        return import_payouts(data, name, actor=actor, dry_run=dry_run, progress=progress)
    raise ValueError(kind)


# -- templates and reports -----------------------------------------------------------------


def template_bytes(kind: str) -> bytes:
    import xlsxwriter

    title, columns = KINDS[kind]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(title)
    bold = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    text = wb.add_format({"num_format": "@"})
    lists = {"category": list(Category.labels), "mode": list(LinkMode.labels)}
    for c, (key, label, rule) in enumerate(columns):
        ws.write_string(0, c, label, bold)
        ws.set_column(c, c, max(12, len(label) * 2.4), text)
        ws.write_comment(0, c, rule)
        if key in lists:
            ws.data_validation(1, c, 10000, c, {"validate": "list", "source": lists[key],
                                                "error_message": f"请从列表中选择{label}"})
    help_ws = wb.add_worksheet("填写说明")
    help_ws.write_row(0, 0, ["列名", "填写规则"], bold)
    for r, (_key, label, rule) in enumerate(columns, start=1):
        help_ws.write_row(r, 0, [label, rule])
    help_ws.set_column(0, 0, 16)
    help_ws.set_column(1, 1, 80)
    wb.close()
    return buf.getvalue()


def rejected_report(result: ImportResult) -> bytes:
    import xlsxwriter

    _title, columns = KINDS[result.kind]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("未通过的行")
    bold = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    ws.write_row(0, 0, ["原行号", "未通过原因"] + [label for _k, label, _r in columns], bold)
    for i, (row, reasons, values) in enumerate(result.rejected_rows, start=1):
        ws.write_number(i, 0, row)
        ws.write_string(i, 1, "；".join(reasons))
        for c, (key, _label, _rule) in enumerate(columns, start=2):
            ws.write_string(i, c, values.get(key, ""))
    ws.set_column(1, 1, 60)
    wb.close()
    return buf.getvalue()


def require_importer(actor: Actor) -> None:
    if not getattr(actor, "is_writer", False):
        raise PermissionDenied("您没有导入数据的权限")


__all__ = ["MAX_AMOUNT", "ImportRefused", "ImportResult", "export_library", "import_library",
           "import_payouts", "read_table", "rejected_report", "run_import", "template_bytes"]
