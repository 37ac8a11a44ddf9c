"""The import template: the ledger headers, drop-down lists for coded columns and text
format for IDs and codes (so Excel never turns a resident ID into a number)."""

from __future__ import annotations

import io
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .columns import COLUMNS, HEALTH_LABELS, Column

TEMPLATE_ROWS = 20000  # rows prepared with formats and drop-downs
SHEET = "台账"


def _rule(col: Column) -> str:
    if col.kind == "code" and col.field == "housing_grade":
        return "A、B、C、D"
    if col.kind in ("code", "bool"):
        return "、".join(col.labels)
    return {
        "id": "18 位居民身份证号（文本格式），末位 X 可小写",
        "village": "12 位统计用区划代码（文本格式）",
        "year": "四位年份",
        "money": "元，≥0，最多两位小数",
        "int": "0–12 的整数",
        "phone": "11 位手机号",
        "health": "健康，或 长期慢性病、患有大病、残疾 中的一项或多项（用“、”分隔）",
    }.get(col.kind, "文本")


def write_template(target: str | Path | io.BytesIO) -> None:
    wb = xlsxwriter.Workbook(target if isinstance(target, io.BytesIO) else str(target),
                             {"in_memory": True})
    ws = wb.add_worksheet(SHEET)
    notes = wb.add_worksheet("填写说明")
    lists = wb.add_worksheet("代码表")
    head_member = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    head_household = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True})
    text = wb.add_format({"num_format": "@"})
    for c, col in enumerate(COLUMNS):
        ws.write_string(0, c, col.header, head_member if col.level == "member" else head_household)
        ws.set_column(c, c, 20 if col.kind == "id" else 14, text if col.text_format else None)
        labels = list(col.labels)
        if col.field == "housing_grade":
            labels = ["A", "B", "C", "D"]
        if col.kind == "health":
            labels = list(HEALTH_LABELS)
        if labels:
            # Lists live on a sheet so that long ones are not cut at Excel's 255 characters.
            for r, label in enumerate(labels):
                lists.write_string(r + 1, c, label)
            lists.write_string(0, c, col.header)
            letter = xl_col_to_name(c)
            ws.data_validation(1, c, TEMPLATE_ROWS, c, {
                "validate": "list", "source": f"='代码表'!${letter}$2:${letter}${len(labels) + 1}",
                # Health may combine several values: warn, do not block.
                "error_type": "information" if col.kind == "health" else "stop",
                "error_title": col.header, "error_message": f"请从下拉列表选择：{_rule(col)}",
            })
        elif col.kind in ("int",):
            ws.data_validation(1, c, TEMPLATE_ROWS, c, {"validate": "integer", "criteria": "between",
                                                        "minimum": 0, "maximum": 12})
    ws.freeze_panes(1, 3)
    lists.hide()
    bold = wb.add_format({"bold": True})
    notes.write_row(0, 0, ["列名", "层级", "必填", "填写要求"], bold)
    for r, col in enumerate(COLUMNS, start=1):
        notes.write_row(r, 0, [col.header, "成员（每行）" if col.level == "member" else "户（户主行）",
                               "是" if col.required else "", _rule(col)])
    tips = [
        "一人一行；同一户的成员填写相同的户编号，每户有且只有一位“户主”。",
        "户级列（村(社区)代码及其后各列）填在户主行；其他成员行留空，或填写与户主行完全相同的值。",
        "身份证号、村(社区)代码、户编号、联系电话已设为文本格式，请勿改为数字，否则 Excel 会丢失身份证号后几位。",
        "导入时整户接收或整户拒收；被拒收的行会连同原因列在拒收报告中，修改后可重新导入，已导入的户不会重复。",
    ]
    for i, tip in enumerate(tips, start=len(COLUMNS) + 3):
        notes.write_string(i, 0, tip)
    notes.set_column(0, 0, 18)
    notes.set_column(3, 3, 80)
    wb.close()


def template_bytes() -> bytes:
    buf = io.BytesIO()
    write_template(buf)
    return buf.getvalue()
