"""The rejected-rows report: the original columns as read, the source row number and a
reason column with every problem of the row in Chinese."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter
from django.conf import settings

from ..models import ImportBatch
from .reading import ROW, RawTable

REASON = "拒收原因"
ROW_HEADER = "原文件行号"


def report_path(batch: ImportBatch) -> Path:
    path = Path(settings.VAR_DIR) / "ledgers"
    path.mkdir(parents=True, exist_ok=True)
    return path / f"ledger_import_{batch.pk}_rejected.xlsx"


def write_rejected(batch: ImportBatch, table: RawTable, rejected: pl.DataFrame) -> Path:
    """rejected: (ROW, reasons). Rows keep the file's order."""
    rows = table.df.join(rejected, on=ROW, how="inner").sort(ROW)
    path = report_path(batch)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("拒收行")
    bold = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    text = wb.add_format({"num_format": "@"})
    wrap = wb.add_format({"text_wrap": True, "font_color": "#9C0006"})
    headers = [ROW_HEADER, *table.headers, REASON]
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, bold)
    ws.set_column(0, 0, 10)
    ws.set_column(1, len(table.headers), 14, text)
    ws.set_column(len(headers) - 1, len(headers) - 1, 80, wrap)
    for r, row in enumerate(rows.select([ROW, *table.headers, "reasons"]).iter_rows(), start=1):
        ws.write_number(r, 0, row[0])
        for c, v in enumerate(row[1:-1], start=1):
            if v:
                ws.write_string(r, c, v, text)
        ws.write_string(r, len(headers) - 1, row[-1], wrap)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, rows.height, len(headers) - 1)
    wb.close()
    return path
