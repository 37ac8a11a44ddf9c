"""Files that are not ledgers are refused whole with a Chinese message; nothing is written."""

from __future__ import annotations

import zipfile

import pytest

from fupin.ledgers.models import ImportBatch, StagedRow
from fupin.ledgers.services.errors import LedgerRefused
from fupin.ledgers.services.importer import import_ledger
from fupin.registry.models import Household

from .builders import HEADERS, household, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _encrypted(path):
    """What Excel writes for a password-protected workbook: an OLE compound file holding an
    `EncryptedPackage` stream (header and directory entry only; enough to be recognised)."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    entry = bytearray(128)
    name = "EncryptedPackage".encode("utf-16-le")
    entry[:len(name)] = name
    path.write_bytes(bytes(header) + bytes(entry) + b"\x00" * 1024)
    return path


def _corrupt(path):
    good = write_xlsx(path.with_name("good.xlsx"), household("C000001"))
    path.write_bytes(good.read_bytes()[:400])
    return path


def _not_a_zip(path):
    path.write_bytes(b"PK\x03\x04this is not really a zip archive" * 10)
    return path


CASES = {
    "wrong type": (lambda p: (p.with_suffix(".pdf").write_bytes(b"%PDF-1.4"), p.with_suffix(".pdf"))[1],
                   "不支持的文件类型“.pdf”"),
    "empty file": (lambda p: (p.write_bytes(b""), p)[1], "文件是空的（0 字节）"),
    "blank csv": (lambda p: (p.write_text("\n\n,,\n"), p)[1], "文件是空的"),
    "no headers": (lambda p: (p.write_text("a,b,c\n1,2,3\n", encoding="utf-8"), p)[1], "找不到台账表头"),
    "headers only": (lambda p: write_csv(p, []), "只有表头，没有数据行"),
    "missing required": (lambda p: write_csv(p, household("M000001"), headers=[h for h in HEADERS if h != "身份证号"]),
                         "缺少必需的列：身份证号"),
    "xlsx that is text": (lambda p: (p.with_suffix(".xlsx").write_text("户编号,姓名"), p.with_suffix(".xlsx"))[1],
                          "不是 Excel 文件"),
    "csv that is a workbook": (lambda p: (p.write_bytes(b"PK\x03\x04" + b"\x00" * 100), p)[1], "内容是 Excel 工作簿"),
    "corrupt xlsx": (lambda p: _corrupt(p.with_suffix(".xlsx")), "已损坏"),
    "not a zip": (lambda p: _not_a_zip(p.with_suffix(".xlsx")), "已损坏"),
    "encrypted xlsx": (lambda p: _encrypted(p.with_suffix(".xlsx")), "设置了打开密码"),
    "binary csv": (lambda p: (p.write_bytes(b"\x00\x01\x02" * 100), p)[1], "不是文本表格"),
    "undecodable csv": (lambda p: (p.write_bytes("户编号,姓名\n".encode() + b"\xff\xfe\x80\x81" * 4), p)[1],
                        "无法识别 CSV 文件的编码"),
}


@pytest.mark.parametrize("make,message", list(CASES.values()), ids=list(CASES))
def test_refused_and_nothing_written(tmp_path, make, message):
    path = make(tmp_path / "ledger.csv")
    with pytest.raises(LedgerRefused) as exc:
        import_ledger(path)
    assert message in str(exc.value)
    assert ImportBatch.objects.count() == 0 and StagedRow.objects.count() == 0
    assert Household.objects.count() == 0


def test_too_large(tmp_path, settings):
    path = write_csv(tmp_path / "big.csv", household("BIG0001", n=6))
    settings.FUPIN_MAX_UPLOAD_BYTES = path.stat().st_size - 1
    with pytest.raises(LedgerRefused, match="超过上限"):
        import_ledger(path)
    assert ImportBatch.objects.count() == 0


def test_xlsx_without_ledger_sheet(tmp_path):
    import xlsxwriter
    path = tmp_path / "other.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("工资表").write_row(0, 0, ["工号", "姓名", "工资"])
    wb.close()
    with pytest.raises(LedgerRefused, match="找不到台账表头"):
        import_ledger(path)


def test_corrupt_zip_is_refused(tmp_path):
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with pytest.raises(LedgerRefused, match="已损坏"):
        import_ledger(path)


def test_reader_role_cannot_import(tmp_path, inspector):
    with pytest.raises(LedgerRefused, match="只能查看"):
        import_ledger(write_csv(tmp_path / "a.csv", household("R000001")), user=inspector)
    assert ImportBatch.objects.count() == 0
