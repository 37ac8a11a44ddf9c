"""The bulletin's PDF holds the figures (read back with pypdf); the .xlsx too."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from fupin.areas.models import AreaPopulation
from fupin.reports import bulletin

from .conftest import lift_h1


@pytest.fixture
def bulletin_files(small_registry, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    AreaPopulation.objects.create(area_id="500236", year=2026, rural_population=400)
    lift_h1(small_registry)  # effective 2026-03-15: March vs February changes
    return bulletin.write("500236", "2026-03", tmp_path)


def pdf_text(path: str) -> str:
    reader = PdfReader(path)
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_pdf_holds_figures(bulletin_files):
    text = pdf_text(bulletin_files["pdf"])
    assert "奉节县巩固拓展脱贫攻坚成果月度通报" in text
    assert "2026年3月" in text
    # not lifted: 1 household / 5 people now, 2 / 8 in February; change -1 / -3
    assert "未脱贫户户数12-1" in text
    assert "未脱贫人口58-3" in text
    assert "脱贫户户数32+1" in text
    # incidence 5/400 = 1.25 %, before 8/400 = 2.00 %
    assert "贫困发生率1.25%2.00%-0.75个百分点" in text
    assert "排名" in text and "得分" in text


def test_xlsx_holds_figures(bulletin_files):
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(bulletin_files["xlsx"])
    rows = wb.get_sheet_by_name("主要指标").to_python()
    found = {r[0]: r[1:4] for r in rows[3:]}
    assert found["未脱贫人口"] == [5, 8, -3]
    assert wb.get_sheet_by_name("排名").to_python()[2][0] == "名次"


def test_month_validation():
    with pytest.raises(ValueError, match="YYYY-MM"):
        bulletin.parse_month("2026/03")
    assert bulletin.parse_month("2026-03") == (2026, 3)
    _ = io
