"""Issue 12, points 7 and 9: ledger reading with hard limits before allocation, and NUL
characters checked in every cell, in the dry run as in the real import."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter

from fupin.core.testing import VILLAGE_A
from fupin.ledgers.services.errors import LedgerRefused
from fupin.ledgers.services.reading import read_ledger
from fupin.ledgers.tests.builders import HEADERS, household, write_csv

ROOT = Path(__file__).resolve().parents[3]


def xlsx_bomb(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    for i, h in enumerate(HEADERS):
        ws.write_string(0, i, h)
    ws.write_string(99_999, 999, "x")  # one cell at row 100,000, column 1,000
    wb.close()
    return path


def csv_bomb(path: Path) -> Path:
    path.write_bytes(",".join(HEADERS).encode() + b"\n" + b"," * 200_000 + b"\n")
    return path


def _peak_mb(path: Path) -> dict:
    """Read the file in a fresh process; its peak memory above the baseline (MB)."""
    code = f"""
import json, os, resource, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.test_settings")
import django; django.setup()
import polars, python_calamine  # noqa: F401  (baseline includes the libraries)
from fupin.ledgers.services.reading import read_ledger
from fupin.ledgers.services.errors import LedgerRefused
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    read_ledger({str(path)!r})
    msg = ""
except LedgerRefused as exc:
    msg = str(exc)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"delta_mb": (peak - base) / 1024, "message": msg}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("build,limit_word", [(xlsx_bomb, "列"), (csv_bomb, "每行最多")],
                         ids=["xlsx cell at row 100000 col 1000", "csv line of 200000 commas"])
def test_bombs_are_refused_naming_the_limit_in_little_memory(tmp_path, build, limit_word):
    path = build(tmp_path / ("bomb.xlsx" if build is xlsx_bomb else "bomb.csv"))
    assert path.stat().st_size < 300_000
    result = _peak_mb(path)
    assert "限制" in result["message"] and limit_word in result["message"], result
    assert result["delta_mb"] < 300, result


def test_too_many_rows_and_long_lines(tmp_path, settings):
    settings.FUPIN_LEDGER_MAX_ROWS = 5
    rows = [r for n in range(6) for r in household(f"H{n:04d}", n=3)]  # 18 rows
    with pytest.raises(LedgerRefused, match="最多 5 行"):
        read_ledger(write_csv(tmp_path / "rows.csv", rows))
    settings.FUPIN_LEDGER_MAX_ROWS = 1000
    settings.FUPIN_LEDGER_MAX_LINE_BYTES = 100
    with pytest.raises(LedgerRefused, match="每行最多 100 字节"):
        read_ledger(write_csv(tmp_path / "long.csv", rows))


def test_xlsx_rows_limit_from_the_sheet_span(tmp_path, settings):
    settings.FUPIN_LEDGER_MAX_ROWS = 50
    wb = xlsxwriter.Workbook(str(tmp_path / "tall.xlsx"))
    ws = wb.add_worksheet()
    for i, h in enumerate(HEADERS):
        ws.write_string(0, i, h)
    ws.write_string(5000, 0, "x")
    wb.close()
    with pytest.raises(LedgerRefused, match="第 5,001 行"):
        read_ledger(tmp_path / "tall.xlsx")


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "import"])
def test_nul_after_the_first_4k_rejects_the_row_with_its_reason(tmp_path, run_import,
                                                                village_cadre, dry_run):
    rows = []
    for n in range(20):
        # ordinary households: a village cadre's import may not load registered statuses
        rows += household(f"NUL{n:04d}", VILLAGE_A, n=3,
                          head_extra={"户类型": "一般农户", "脱贫年度": "", "主要致贫原因": ""})
    rows[-1]["姓名"] = "王\x00五"
    path = write_csv(tmp_path / "nul.csv", rows)
    assert path.read_bytes().index(b"\x00") > 4096
    batch = run_import(path, user=village_cadre, dry_run=dry_run)
    assert batch.read == 60 and batch.rejected == 3 and batch.accepted == 57  # the household
    reasons = list(batch.rows.filter(rejected=True).values_list("reasons", flat=True))
    assert any("“姓名”中含有空字符" in r for r in reasons), reasons
    assert batch.status == ("dry_run" if dry_run else "committed")
