"""Ledger files built in code for the tests (no binaries in the repository)."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import xlsxwriter

from fupin.ledgers.services.columns import COLUMNS
from fupin.registry import resident_id as rid

HEADERS = [c.header for c in COLUMNS]
_seq = itertools.count(1)


def new_id(birth: dt.date = dt.date(1975, 3, 1), area6: str = "500236") -> str:
    n = next(_seq)
    return rid.make(area6, birth + dt.timedelta(days=n // 900), n % 900 + 1)


def member(household_no: str, name: str, relation: str = "户主", **extra: Any) -> dict[str, str]:
    row = {"户编号": household_no, "姓名": name, "身份证号": extra.pop("resident_id", None) or new_id(),
           "与户主关系": relation, "民族": "汉族", "文化程度": "初中", "在校生状况": "非在校生",
           "健康状况": "健康", "劳动技能": "普通劳动力", "务工状况": "县内务工", "务工时间(月)": "6",
           "参加基本医疗保险": "是"}
    row.update(extra)
    return row


def household(household_no: str, village: str = "500236001001", n: int = 3, *,
              head_extra: Mapping[str, str] | None = None, **fields: str) -> list[dict[str, str]]:
    """A household of n members; household fields on the head's row."""
    head = member(household_no, f"户主{household_no[-3:]}", "户主",
                  **{"村(社区)代码": village, "组": "1组", "户类型": "脱贫户", "脱贫年度": "2018",
                     "户属性": "一般户", "主要致贫原因": "因病", "住房安全等级": "A", "饮水安全": "是",
                     "联系电话": "13800138000", "收入年度": "2024", "工资性收入": "12000",
                     "生产经营性收入": "3000.5", "财产性收入": "0", "转移性收入": "2000",
                     "生产经营性支出": "500"})
    head.update(fields)
    head.update(head_extra or {})
    rows = [head]
    relations = ["配偶", "之子", "之女", "之父", "之母"]
    for i in range(1, n):
        rows.append(member(household_no, f"成员{household_no[-3:]}{i}", relations[(i - 1) % len(relations)],
                           **({"文化程度": "小学", "在校生状况": "小学", "劳动技能": "无劳动力",
                               "务工状况": "未务工", "务工时间(月)": "0"} if i == 2 else {})))
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], headers: list[str] | None = None,
              encoding: str = "utf-8") -> Path:
    headers = headers or HEADERS
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for r in rows:
            w.writerow([r.get(h, "") for h in headers])
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any]], headers: list[str] | None = None,
               title: str | None = None, numeric_ids: bool = False) -> Path:
    headers = headers or HEADERS
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    r0 = 0
    if title:
        ws.write(0, 0, title)
        r0 = 1
    ws.write_row(r0, 0, headers)
    for i, r in enumerate(rows, start=r0 + 1):
        for c, h in enumerate(headers):
            v = r.get(h, "")
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(i, c, v)
            elif isinstance(v, (dt.date, dt.datetime)):
                ws.write_datetime(i, c, v, wb.add_format({"num_format": "yyyy-mm-dd"}))
            elif h == "身份证号" and numeric_ids and v:
                ws.write_number(i, c, float(v))
            elif v != "":
                ws.write_string(i, c, str(v))
    wb.close()
    return path
