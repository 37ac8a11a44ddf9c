"""Writing report tables to .xlsx (several sheets, Chinese headers)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

from fupin.core.generic import XLSX

Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def workbook_bytes(sheets: Sequence[Sheet], title: str = "") -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True})
    head = wb.add_format({"bold": True, "font_size": 14})
    for name, headers, rows in sheets:
        ws = wb.add_worksheet(name[:31])
        r0 = 0
        if title:
            ws.write_string(0, 0, title, head)
            r0 = 2
        for c, h in enumerate(headers):
            ws.write_string(r0, c, str(h), bold)
            ws.set_column(c, c, max(10, min(60, len(str(h)) * 2.2)))
        for r, row in enumerate(rows, start=r0 + 1):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v))
        ws.freeze_panes(r0 + 1, 0)
    wb.close()
    return buf.getvalue()


def download(filename: str, content: bytes, content_type: str = XLSX) -> HttpResponse:
    resp = HttpResponse(content, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp
