"""Export, round trip, masking and logging; the template; the command line."""

from __future__ import annotations

import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from fupin.core.models import AccessLog
from fupin.ledgers.services.export import export_ledger
from fupin.ledgers.services.template import write_template
from fupin.registry.models import Household, Member

from .builders import HEADERS, household, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(tmp_path, run_import):
    rows = household("EXP0001", n=3) + household("EXP0002", n=2, head_extra={
        "户类型": "一般农户", "脱贫年度": "", "主要致贫原因": "", "监测对象类型": "边缘易致贫户"})
    rows += household("EXP0003", village="500236001002", n=4)
    rows[1].update({"健康状况": "患有大病、残疾", "残疾等级": "三级", "参加基本医疗保险": "否"})
    rows[3]["户属性"] = "低保户"
    run_import(write_csv(tmp_path / "seed.csv", rows))
    return rows


def test_export_imported_back_changes_nothing(tmp_path, run_import, registry, county_admin):
    out = tmp_path / "export.xlsx"
    result = export_ledger("500236", out, user=county_admin)
    assert (result["rows"], result["households"], result["masked"]) == (9, 3, False)
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert sheet[0] == HEADERS
    assert str(sheet[2][7]) == "患有大病、残疾" and sheet[2][8] == "三级"
    before = Household.history.count(), Member.history.count()
    batch = run_import(out, user=county_admin)
    assert (batch.read, batch.unchanged, batch.updated, batch.created) == (9, 3, 0, 0)
    assert before == (Household.history.count(), Member.history.count())
    log = AccessLog.objects.get(action="export")
    assert log.user == county_admin and log.area_code == "500236" and "完整" in log.detail


def test_export_of_a_village_only_has_that_village(tmp_path, registry, county_admin):
    result = export_ledger("500236001002", tmp_path / "v.xlsx", user=county_admin)
    assert (result["households"], result["rows"]) == (1, 4)


def test_export_masks_ids_for_roles_without_personal_data(tmp_path, registry, inspector, run_import):
    out = tmp_path / "masked.xlsx"
    assert export_ledger("500236", out, user=inspector)["masked"]
    ids = [r[2] for r in CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()[1:]]
    assert all("********" in str(i) for i in ids)
    assert "已脱敏" in AccessLog.objects.get().detail
    batch = run_import(out)  # not re-importable: every row says why
    assert batch.accepted == 0 and batch.rejected == 9


def test_export_outside_scope_refused(tmp_path, registry, village_cadre):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        export_ledger("500236002", tmp_path / "x.xlsx", user=village_cadre)
    with pytest.raises(PermissionDenied):
        export_ledger("500236001", tmp_path / "y.xlsx", user=village_cadre)  # the whole township
    result = export_ledger("500236001001", tmp_path / "y.xlsx", user=village_cadre)
    assert result["households"] == 2  # the cadre's own village


def test_template_headers_validation_and_text_format(tmp_path, run_import):
    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    assert [c.value for c in ws[1]] == HEADERS
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    relation_col = openpyxl.utils.get_column_letter(HEADERS.index("与户主关系") + 1)
    assert validations[f"{relation_col}2"].type == "list"
    assert "代码表" in validations[f"{relation_col}2"].formula1
    lists = wb["代码表"]
    assert lists.sheet_state == "hidden"
    col = HEADERS.index("与户主关系") + 1
    assert [lists.cell(r, col).value for r in range(2, 5)] == ["户主", "配偶", "之子"]
    id_col = openpyxl.utils.get_column_letter(HEADERS.index("身份证号") + 1)
    assert ws.column_dimensions[id_col].number_format == "@"
    # The empty template is refused politely, as a file without rows.
    from fupin.ledgers.services.errors import LedgerRefused
    with pytest.raises(LedgerRefused, match="没有数据行"):
        run_import(path)


def test_cli_import_json_report_and_export(tmp_path, capsys):
    rows = household("CLI0001") + household("CLI0002")
    rows[3]["身份证号"] = "123"
    path = write_csv(tmp_path / "a.csv", rows)
    report = tmp_path / "rejected.xlsx"
    call_command("ledger", "import", str(path), "--json", "--baseline", "--report", str(report))
    out = json.loads(capsys.readouterr().out)
    assert out["baseline"] is True
    assert {k: out[k] for k in ("read", "accepted", "rejected", "households_accepted", "households_rejected",
                                "created", "updated", "unchanged")} == {
        "read": 6, "accepted": 3, "rejected": 3, "households_accepted": 1, "households_rejected": 1,
        "created": 1, "updated": 0, "unchanged": 0}
    assert report.exists()
    call_command("ledger", "import", str(path), "--json", "--dry-run")
    assert json.loads(capsys.readouterr().out)["unchanged"] == 1
    call_command("ledger", "export", "--area", "500236", str(tmp_path / "e.xlsx"))
    assert "已导出 1 户 3 人" in capsys.readouterr().out
    call_command("ledger", "template", str(tmp_path / "t.xlsx"))
    assert (tmp_path / "t.xlsx").exists()


def test_cli_refusal_and_user_scope(tmp_path, village_cadre, capsys):
    bad = tmp_path / "x.txt"
    bad.write_text("hello")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        call_command("ledger", "import", str(bad))
    ordinary = {"户类型": "一般农户", "脱贫年度": ""}  # a village's regular import: no status
    path = write_csv(tmp_path / "a.csv", household("U000001", head_extra=ordinary)
                     + household("U000002", village="500236002001", head_extra=ordinary))
    call_command("ledger", "import", str(path), "--json", "--user", village_cadre.username)
    out = json.loads(capsys.readouterr().out)
    assert (out["households_accepted"], out["households_rejected"]) == (1, 1)
    with pytest.raises(CommandError, match="不存在"):
        call_command("ledger", "import", str(path), "--user", "nobody")
