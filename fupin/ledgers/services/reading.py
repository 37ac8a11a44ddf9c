"""Reading a ledger file (.xlsx, .xls, .csv) into a table of strings, or refusing it.

Every cell is read as text: resident IDs and area codes are text, never numbers. A number
that Excel stored in the ID column is written out the way Excel shows it (5.00236E+17) so
that validation can say what happened to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings

from fupin.core import limits

from .columns import REQUIRED_HEADERS, match_header
from .errors import LedgerRefused

ROW = "__row"  # source row number, as the office sees it in Excel (1-based, header included)
HEADER_SCAN_ROWS = 10  # ledgers often carry a title row or two above the header
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
FORMATS = (".xlsx", ".xls", ".csv")


@dataclass
class RawTable:
    df: pl.DataFrame  # ROW + one Utf8 column per header (original text, made unique)
    fields: dict[str, str]  # field -> df column
    headers: list[str]
    unknown: list[str]
    file_format: str
    encoding: str = ""
    sheet: str = ""
    header_row: int = 1
    sha256: str = ""
    size: int = 0
    numeric_id_rows: set[int] = field(default_factory=set)
    # ROW, message: rows with characters the database refuses (NUL), rejected with a reason
    bad_chars: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={ROW: pl.UInt32, "message": pl.Utf8}))


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def check_size(size: int) -> None:
    limit = settings.FUPIN_MAX_UPLOAD_BYTES
    if size > limit:
        raise LedgerRefused(f"文件大小 {_mb(size)} 超过上限 {_mb(limit)}，请按乡镇或村拆分后分别导入")
    if size == 0:
        raise LedgerRefused("文件是空的（0 字节），请检查是否选错了文件")


def read_ledger(path: str | Path, name: str | None = None) -> RawTable:
    """Read and recognise a ledger; raises LedgerRefused with a Chinese message."""
    path = Path(path)
    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise LedgerRefused(f"不支持的文件类型“{suffix or name}”：请上传 .xlsx、.xls 或 .csv 格式的台账")
    size = path.stat().st_size
    check_size(size)
    data = path.read_bytes()
    head = data[:8]
    if head.startswith(OLE_MAGIC) and ENCRYPTED_MARK in data[:1_000_000]:
        raise LedgerRefused("文件设置了打开密码（已加密），系统无法读取：请在 Excel 中“文件→信息→保护工作簿”"
                            "取消密码后另存，再导入")
    if suffix == ".csv":
        if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
            raise LedgerRefused("文件扩展名是 .csv，但内容是 Excel 工作簿：请把扩展名改为 .xlsx/.xls，或另存为 CSV")
        table = _read_csv(data)
    else:
        if suffix == ".xlsx" and not head.startswith(ZIP_MAGIC):
            kind = "旧版 .xls 工作簿" if head.startswith(OLE_MAGIC) else "不是 Excel 文件"
            raise LedgerRefused(f"文件扩展名是 .xlsx，但内容{kind}：请在 Excel 中打开后另存为 .xlsx")
        if suffix == ".xls" and not (head.startswith(OLE_MAGIC) or head.startswith(ZIP_MAGIC)):
            raise LedgerRefused("文件扩展名是 .xls，但内容不是 Excel 文件：请在 Excel 中打开后另存为 .xlsx")
        table = _read_excel(data, suffix)
    table.sha256 = hashlib.sha256(data).hexdigest()
    table.size = size
    return table


# ---------------------------------------------------------------- CSV

CSV_PART_BYTES = 16 << 20  # the CSV is parsed in parts of about this size: bounded parser memory


def _csv_parts(data: bytes) -> list[memoryview]:
    """The file cut at record boundaries into parts of about CSV_PART_BYTES: a line end
    after an even number of quote characters (a quoted cell may hold line breaks), and
    never before a blank line (so that every part starts with a record)."""
    parts: list[memoryview] = []
    view = memoryview(data)
    pos, n = 0, len(data)
    while pos < n:
        cut = n
        nl = data.find(b"\n", pos + CSV_PART_BYTES) if pos + CSV_PART_BYTES < n else -1
        quotes = data.count(b'"', pos, nl) if nl >= 0 else 0
        while nl >= 0:
            after = data[nl + 1:nl + 2]
            if quotes % 2 == 0 and after not in (b"\n", b"\r", b""):
                cut = nl + 1
                break
            nxt = data.find(b"\n", nl + 1)
            quotes += data.count(b'"', nl, nxt) if nxt >= 0 else 0
            nl = nxt
        parts.append(view[pos:cut])
        pos = cut
    return parts


def _csv_width(parts: list[memoryview]) -> int:
    """An upper bound of the fields in any line (commas + 1), so that cells beyond the
    first line's width are read, never cut off. The limits on lines, line length and
    columns are checked here, on one text column, before a table of that width exists."""
    n_lines = longest = commas = 0
    for part in parts:
        lines = pl.read_csv(io.BytesIO(part), has_header=False, separator="\x1f", quote_char=None,
                            schema={"line": pl.String}, truncate_ragged_lines=True, encoding="utf8")
        n_lines += lines.height
        stats = lines.select(pl.col("line").str.len_bytes().max().alias("bytes"),
                             pl.col("line").str.count_matches(",", literal=True).max().alias("commas"))
        b, c = stats.row(0)
        longest, commas = max(longest, b or 0), max(commas, c or 0)
    if n_lines > limits.max_rows() + HEADER_SCAN_ROWS:
        raise LedgerRefused(f"文件有 {n_lines:,} 行，超过每个文件最多 {limits.max_rows():,} 行的限制，"
                            "请按乡镇或村拆分后分别导入")
    if longest > limits.max_line_bytes():
        raise LedgerRefused(f"文件中有一行长 {longest:,} 字节，超过每行最多 {limits.max_line_bytes():,} 字节的限制："
                            "这不是正常的台账，请检查文件")
    if commas + 1 > limits.max_columns():
        raise LedgerRefused(f"文件中有一行含 {commas + 1:,} 列，超过最多 {limits.max_columns()} 列的限制："
                            "请删除多余的列后再导入")
    return commas + 1


def _csv_frame(data: bytes) -> pl.DataFrame:
    parts = _csv_parts(data)
    width = _csv_width(parts)
    schema = {f"column_{i + 1}": pl.String for i in range(width)}
    frames = []
    start = 1  # ROW: line 1 is the frame's first line (the header's row number comes out right)
    for part in parts:
        frame = pl.read_csv(io.BytesIO(part), has_header=False, infer_schema=False, schema=schema,
                            missing_columns="insert", truncate_ragged_lines=True, quote_char='"',
                            encoding="utf8").rechunk().fill_null("")  # per part: no whole-table copy
        # ROW is added per part so that every column has the same chunks: a column chunked
        # differently makes polars copy the whole table to align them.
        frames.append(frame.with_columns(pl.int_range(start, start + frame.height, dtype=pl.UInt32).alias(ROW)))
        start += frame.height
    return pl.concat(frames, rechunk=False) if len(frames) > 1 else frames[0]


def _read_csv(data: bytes) -> RawTable:
    """UTF-8 (with or without BOM) is parsed as is; anything else is decoded as GB18030 (a
    superset of GBK, what Chinese Excel writes) and re-encoded."""
    if b"\x00" in data[:4096]:
        raise LedgerRefused("文件内容不是文本表格（含有二进制数据），不是 CSV 台账")
    bom = data.startswith(b"\xef\xbb\xbf")
    encoding = "utf-8-bom" if bom else "utf-8"
    try:
        df = _csv_frame(data[3:] if bom else data)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower() and "utf8" not in str(exc).lower():
            raise LedgerRefused(f"CSV 文件格式有误，无法读取：{exc}") from None
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise LedgerRefused("无法识别 CSV 文件的编码：请另存为“CSV UTF-8”或 GBK 编码") from None
        encoding = "gb18030"
        try:
            df = _csv_frame(text.encode("utf-8"))
        except pl.exceptions.PolarsError as exc2:
            raise LedgerRefused(f"CSV 文件格式有误，无法读取：{exc2}") from None
        del text
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise LedgerRefused(f"CSV 文件格式有误，无法读取：{exc}") from None
    if df.height == 0:
        raise LedgerRefused("文件是空的：没有任何内容")
    cols = [c for c in df.columns if c != ROW]
    scan = df.head(HEADER_SCAN_ROWS).select(cols).rows()
    idx, headers = _find_header([[c or "" for c in r] for r in scan], "CSV 文件")
    body = df.slice(idx + 1)
    del df
    table = _build(body, cols, headers, "csv")
    table.encoding = encoding
    table.header_row = idx + 1
    return table


# ---------------------------------------------------------------- Excel

def _cell_text(value: object, is_id: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if is_id and abs(value) >= 1e6:
            # Excel kept at most 15 significant digits: show it the way Excel does.
            mantissa, exponent = f"{value:.14E}".split("E")
            return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_CELL_REF = re.compile(rb'<(?:\w+:)?(?:c|row)\b[^>]*?\br="([A-Z]{0,3})(\d{1,7})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="[A-Z]{1,3}\d{1,7}:([A-Z]{1,3})(\d{1,7})"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_xlsx_dimensions(data: bytes) -> None:
    """Refuse an .xlsx whose sheets span more rows, columns or cells than the limits, or
    whose contents unzip to more than the limit, by streaming each sheet's XML (never
    loading a sheet): the reader would allocate every cell of that span."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return  # the reader says the file is broken
    with zf:
        infos = zf.infolist()
        unzipped = sum(i.file_size for i in infos)
        if unzipped > limits.max_unzipped_bytes():
            raise LedgerRefused(f"Excel 文件解压后有 {_mb(unzipped)}，超过 {_mb(limits.max_unzipped_bytes())} 的限制："
                                "这不是正常的台账，请检查文件")
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            rows = cols = 0
            tail = b""
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    buf = tail + chunk
                    for pattern in (_DIMENSION, _CELL_REF):
                        for letters, number in pattern.findall(buf):
                            rows = max(rows, int(number))
                            if letters:
                                cols = max(cols, _column_number(letters))
                    tail = buf[-200:]
                    _check_span(rows, cols)
            _check_span(rows, cols)


def _check_span(rows: int, cols: int) -> None:
    if cols > limits.max_columns():
        raise LedgerRefused(f"工作表有内容或格式延伸到第 {cols:,} 列，超过最多 {limits.max_columns()} 列的限制："
                            "请删除多余的列（或清除其格式）后另存再导入")
    if rows > limits.max_rows() + HEADER_SCAN_ROWS:
        raise LedgerRefused(f"工作表有内容或格式延伸到第 {rows:,} 行，超过每个文件最多 {limits.max_rows():,} 行"
                            "的限制：请删除多余的行（或清除其格式），或按乡镇、村拆分后分别导入")
    if rows * cols > limits.max_cells():
        raise LedgerRefused(f"工作表范围 {rows:,} 行 × {cols:,} 列超过 {limits.max_cells():,} 个单元格的限制："
                            "请删除多余的行列（或清除其格式）后另存再导入")


def _read_excel(data: bytes, suffix: str) -> RawTable:
    from python_calamine import CalamineWorkbook

    if data.startswith(ZIP_MAGIC):
        check_xlsx_dimensions(data)

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise LedgerRefused(f"Excel 文件已损坏或格式不对，无法打开（{type(exc).__name__}）："
                            "请在 Excel 中打开确认无误后另存为 .xlsx 再导入") from None
    best: tuple[int, str, int, list[str]] | None = None
    for sheet_name in wb.sheet_names:
        try:
            sheet = wb.get_sheet_by_name(sheet_name)
            # iter_rows starts at the sheet's first row (to_python would skip blank top
            # rows), so row numbers stay those Excel shows.
            top = list(itertools.islice(sheet.iter_rows(), HEADER_SCAN_ROWS))
        except Exception:  # a chart sheet or a damaged one: look at the others
            continue
        try:
            idx, headers = _find_header([[_cell_text(c, False) for c in r] for r in top], "")
        except LedgerRefused:
            continue
        matched = sum(1 for h in headers if match_header(h))
        if best is None or matched > best[0]:
            best = (matched, sheet_name, idx, headers)
    if best is None:
        if not any(_sheet_has_data(wb, s) for s in wb.sheet_names):
            raise LedgerRefused("文件是空的：工作簿中没有任何数据")
        raise LedgerRefused("文件中找不到台账表头：前 10 行中没有“户编号、姓名、身份证号、与户主关系、村(社区)代码”"
                            "等列名。请使用系统提供的导入模板")
    _, sheet_name, idx, headers = best
    id_cols = {i for i, h in enumerate(headers) if (c := match_header(h)) and c.kind == "id"}
    width = len(headers)
    columns: list[list[str]] = [[] for _ in range(width)]
    rows: list[int] = []
    numeric_ids: set[int] = set()
    sheet = wb.get_sheet_by_name(sheet_name)
    for r, cells in enumerate(sheet.iter_rows()):
        if r <= idx:
            continue
        texts = [_cell_text(cells[i] if i < len(cells) else None, i in id_cols) for i in range(width)]
        if not any(t.strip() for t in texts):
            continue
        if any(isinstance(cells[i], float) for i in id_cols if i < len(cells)):
            numeric_ids.add(r + 1)
        rows.append(r + 1)
        for i, t in enumerate(texts):
            columns[i].append(t)
    names = [f"column_{i}" for i in range(width)]
    body = pl.DataFrame({n: pl.Series(n, col, dtype=pl.Utf8) for n, col in zip(names, columns, strict=True)})
    body = body.with_columns(pl.Series(ROW, rows, dtype=pl.UInt32))
    table = _build(body, names, headers, suffix.lstrip("."), drop_blank=False)
    table.sheet = sheet_name
    table.header_row = idx + 1
    table.numeric_id_rows = numeric_ids
    return table


def _sheet_has_data(wb: object, name: str) -> bool:
    try:
        rows = wb.get_sheet_by_name(name).to_python(nrows=50)  # type: ignore[attr-defined]
    except Exception:
        return False
    return any(str(c).strip() for r in rows for c in r if c is not None)


# ---------------------------------------------------------------- shared

def _find_header(rows: list[list[str]], what: str) -> tuple[int, list[str]]:
    """The first row (of the first ten) where at least three ledger headers are found."""
    if not any(any(str(c).strip() for c in r) for r in rows):
        raise LedgerRefused("文件是空的：没有任何内容")
    for i, row in enumerate(rows):
        if sum(1 for c in row if match_header(c)) >= 3:
            headers = [str(c or "").strip() for c in row]
            while headers and not headers[-1]:
                headers.pop()
            return i, headers
    raise LedgerRefused(f"{what}中找不到台账表头：前 10 行中没有“户编号、姓名、身份证号、与户主关系、"
                        "村(社区)代码”等列名。请使用系统提供的导入模板")


def _build(body: pl.DataFrame, cols: list[str], headers: list[str], fmt: str,
           drop_blank: bool = True) -> RawTable:
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        h = h or f"（第{i + 1}列）"
        if h in seen:
            seen[h] += 1
            h = f"{h}({seen[h]})"
        else:
            seen[h] = 1
        names.append(h)
    keep = cols[:len(names)]
    # Cells right of the last header that hold data are kept as unnamed columns.
    for j, c in enumerate(cols[len(names):], start=len(names)):
        if body.get_column(c).str.len_chars().max() or 0:
            keep.append(c)
            names.append(f"（第{j + 1}列）")
    body = body.select([pl.col(c).alias(n) for c, n in zip(keep, names, strict=True)] + [pl.col(ROW)])
    if drop_blank:  # blank lines are not rows
        keep_rows = body.select(pl.any_horizontal([pl.col(n).str.contains(r"\S") for n in names])).to_series()
        if not keep_rows.all():  # filtering copies the table: only when there is a blank line
            body = body.filter(keep_rows)
    body, bad_chars = _without_nul(body, names)
    fields: dict[str, str] = {}
    unknown: list[str] = []
    for n, h in zip(names, headers + names[len(headers):], strict=False):
        col = match_header(h)
        if col is None or col.field in fields:
            unknown.append(n)
        else:
            fields[col.field] = n
    missing = [h for h in REQUIRED_HEADERS if match_header(h).field not in fields]  # type: ignore[union-attr]
    if missing:
        raise LedgerRefused("台账缺少必需的列：" + "、".join(missing) + "。请使用系统提供的导入模板")
    if body.height == 0:
        raise LedgerRefused("文件只有表头，没有数据行")
    return RawTable(df=body, fields=fields, headers=names, unknown=unknown, file_format=fmt,
                    bad_chars=bad_chars)


def _without_nul(body: pl.DataFrame, names: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows with a NUL character (which the database cannot store) in any cell: a message
    naming the columns, for the rows' rejection; the NULs are removed from the stored raw
    values so that staging and the report never fail on them."""
    flagged = [n for n in names if body.get_column(n).str.contains("\x00", literal=True).any()]
    if not flagged:
        return body, pl.DataFrame(schema={ROW: pl.UInt32, "message": pl.Utf8})
    parts = [pl.when(pl.col(n).str.contains("\x00", literal=True)).then(pl.lit(n)) for n in flagged]
    messages = (body.select(ROW, pl.concat_list(parts).list.drop_nulls().alias("__cols"))
                .filter(pl.col("__cols").list.len() > 0)
                .select(ROW, pl.format("“{}”中含有空字符（\\0，数据库不能保存），请删除后重新导入",
                                       pl.col("__cols").list.join("”“")).alias("message")))
    body = body.with_columns([pl.col(n).str.replace_all("\x00", "", literal=True) for n in flagged])
    return body, messages
