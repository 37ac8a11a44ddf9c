"""Excel in and out: every row accepted or rejected with reasons; templates; export; the
page import runs as a job and shows the result."""

import datetime as dt
import io
import json

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.core.testing import VILLAGE_A, make_household, make_user
from fupin.projects.choices import State
from fupin.projects.models import Payout, Project
from fupin.projects.services import benefits
from fupin.projects.services.excel import (
    ImportRefused,
    import_library,
    import_payouts,
    read_table,
    template_bytes,
)
from fupin.projects.testing import make_project
from fupin.registry.models import Income


def xlsx(headers, rows, title_rows=0):
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    for i in range(title_rows):
        ws.write(i, 0, "某某县扶贫项目库")
    ws.write_row(title_rows, 0, headers)
    for r, row in enumerate(rows, start=title_rows + 1):
        ws.write_row(r, 0, row)
    wb.close()
    return buf.getvalue()


LIB = ["项目编号", "项目名称", "区划代码", "项目类别", "计划资金(元)", "预计受益户数", "预计受益人数",
       "入库日期", "计划年度", "建设内容"]


@pytest.fixture
def admin(db):
    return make_user("county_admin", "500236")


def test_library_import_rows_accepted_or_rejected(admin):
    data = xlsx(LIB, [
        ["K-1", "茶园提升", VILLAGE_A, "产业", "120000", "30", "90", "2019-11-30", "2020", "新建茶园"],
        ["K-2", "产业路", "500236001", "基础设施", "1,500,000.50", "", "", "2019-10-01", "", ""],
        ["K-3", "", "999999999999", "飞机", "-5", "x", "3", "2019-13-01", "1990", ""],
        ["K-1", "重复", VILLAGE_A, "产业", "1", "1", "1", "2019-11-30", "", ""],
        ["K-4", "外县项目", "500101001001", "产业", "1", "1", "1", "2019-11-30", "", ""],
    ], title_rows=1)
    res = import_library(data, "库.xlsx", actor=admin)
    assert (res.read, res.accepted, res.rejected, res.created) == (5, 2, 3, 2)
    reasons = {row: r for row, r, _v in res.rejected_rows}
    bad = "；".join(reasons[5])
    for text in ("项目名称为空", "区划代码“999999999999”不存在", "项目类别“飞机”无效",
                 "不能为负数", "预计受益户数“x”", "入库日期“2019-13-01”"):
        assert text in bad
    assert "在文件中重复" in reasons[6][0]
    assert "不在您的管辖范围内" in reasons[7][0]
    k1 = Project.objects.get(code="K-1")
    assert k1.state == State.PLANNED and k1.plan_year == 2020 and k1.library_year == 2019
    assert Project.objects.get(code="K-2").planned_funds == 1500000.50
    assert k1.events.get().action == "import"
    # importing again updates, never duplicates
    again = import_library(xlsx(LIB, [["K-1", "茶园提升二期", VILLAGE_A, "产业", "130000", "30",
                                        "90", "2019-11-30", "2020", ""]]), "a.xlsx", actor=admin)
    assert (again.created, again.updated) == (0, 1)
    assert Project.objects.get(code="K-1").name == "茶园提升二期"


def test_dry_run_writes_nothing_and_bad_files_are_refused(admin):
    data = xlsx(LIB, [["K-9", "x", VILLAGE_A, "产业", "1", "1", "1", "2019-11-30", "", ""]])
    assert import_library(data, "a.xlsx", actor=admin, dry_run=True).accepted == 1
    assert not Project.objects.exists()
    with pytest.raises(ImportRefused, match="表头"):
        read_table(xlsx(["甲", "乙"], [["1", "2"]]), "a.xlsx", [("code", "项目编号", "必填")])
    with pytest.raises(ImportRefused, match="损坏"):
        import_library(b"not an excel file", "a.xlsx", actor=admin)
    with pytest.raises(ImportRefused, match="不支持"):
        import_library(b"x", "a.pdf", actor=admin)


PAY = ["户编号", "联结方式", "联结主体", "发放日期", "金额(元)", "备注"]


def test_payout_import_flows_into_incomes(admin):
    p = make_project(VILLAGE_A, until=State.IMPLEMENTING, start=dt.date(2020, 1, 10), year=2020)
    a = make_household(VILLAGE_A, household_type="lifted")
    b = make_household(VILLAGE_A, household_type="poor")
    benefits.create_link(actor=admin, household_no=a.household_no, mode="land_rent",
                         started_on="2020-03-01", project=p)
    benefits.create_link(actor=admin, household_no=b.household_no, mode="wage",
                         started_on="2020-03-01", partner_kind="enterprise", partner_name="龙头企业")
    before = {h: (Income.objects.filter(household=h, year=2020).first()) for h in (a, b)}
    data = xlsx(PAY, [
        [a.household_no, "土地流转租金", "", "2020-12-01", "800", "租金"],
        [b.household_no, "务工工资", "龙头企业", "2020-12-01", "3000.5", ""],
        ["NO-SUCH", "务工工资", "", "2020-12-01", "10", ""],
        [a.household_no, "务工工资", "", "2020-12-01", "10", ""],
        [a.household_no, "土地流转租金", "", "2020-12-01", "5", "同一天第二笔"],
        [b.household_no, "务工工资", "", "2099-01-01", "abc", ""],
        [a.household_no, "土地流转租金", "", "2020-01-01", "5", "早于联结"],
    ])
    res = import_payouts(data, "发放.xlsx", actor=admin)
    assert (res.read, res.accepted, res.rejected, res.households) == (7, 2, 5, 2)
    reasons = {row: "；".join(r) for row, r, _v in res.rejected_rows}
    assert "户编号 NO-SUCH 不存在" in reasons[4]
    assert "没有“务工工资”" in reasons[5]
    assert "已登记" in reasons[6]
    assert "在今天之后" in reasons[7] and "不是数字" in reasons[7]
    assert "早于联结开始日期" in reasons[8]
    assert Payout.objects.count() == 2
    inc_a = Income.objects.get(household=a, year=2020)
    prior = before[a]
    base = prior.property_income if prior is not None else 0
    assert inc_a.property_income == base + 800
    # the same file again: every row is now a duplicate, nothing is counted twice
    res2 = import_payouts(data, "发放.xlsx", actor=admin)
    assert res2.accepted == 0 and Payout.objects.count() == 2


def test_templates_export_and_cli(admin, tmp_path):
    for kind in ("library", "payouts"):
        from fupin.projects.services.excel import KINDS
        assert read_table(template_bytes(kind), "t.xlsx", KINDS[kind][1]) == []  # headers only
        out = tmp_path / f"{kind}.xlsx"
        call_command("projects", "template", kind, str(out), stdout=io.StringIO())
        from python_calamine import CalamineWorkbook
        wb = CalamineWorkbook.from_path(str(out))
        header = wb.get_sheet_by_index(0).to_python()[0]
        assert header[0] == (LIB if kind == "library" else PAY)[0]
        assert "填写说明" in wb.sheet_names
    make_project(VILLAGE_A, until=State.IN_LIBRARY, code="E-1", start=dt.date(2020, 1, 10))
    out = tmp_path / "export.xlsx"
    call_command("projects", "export", "--area", "500236", str(out), stdout=io.StringIO())
    # the export re-imports as it is (same format)
    res = import_library(out.read_bytes(), "export.xlsx", actor=admin)
    assert (res.accepted, res.updated, res.rejected) == (1, 1, 0)
    src = tmp_path / "in.xlsx"
    src.write_bytes(xlsx(LIB, [["C-1", "x", VILLAGE_A, "产业", "1", "1", "1", "2019-11-30", "", ""],
                               ["C-2", "", VILLAGE_A, "产业", "1", "1", "1", "2019-11-30", "", ""]]))
    report = tmp_path / "rejected.xlsx"
    buf = io.StringIO()
    call_command("projects", "import", str(src), "--kind", "library", "--json", "--report",
                 str(report), stdout=buf)
    out_json = json.loads(buf.getvalue())
    assert out_json["accepted"] == 1 and out_json["rejected"] == 1 and report.exists()
    with pytest.raises(CommandError, match="不存在"):
        call_command("projects", "import", str(tmp_path / "none.xlsx"), "--kind", "library")


def test_page_import_runs_as_a_job(client, admin, settings, tmp_path):
    settings.VAR_DIR = str(tmp_path)
    client.force_login(admin)
    assert client.get("/projects/import/").status_code == 200
    data = xlsx(LIB, [["J-1", "x", VILLAGE_A, "产业", "1", "1", "1", "2019-11-30", "", ""],
                      ["J-2", "y", VILLAGE_A, "产业", "-1", "1", "1", "2019-11-30", "", ""]])
    resp = client.post("/projects/import/", {"kind": "library", "file": SimpleUploadedFile("a.xlsx", data)})
    assert resp.status_code == 302
    from fupin.core.jobs import run_job
    from fupin.core.models import Job
    job = Job.objects.get(kind="projects_import")
    run_job(job.pk)  # on_commit never fires inside the test transaction: run it here
    job.refresh_from_db()
    page = client.get(f"/projects/import/{job.pk}/")
    assert "通过 1 行，未通过 1 行" in page.content.decode()
    assert client.get(f"/projects/import/{job.pk}/report/").status_code == 200
    bad = client.post("/projects/import/", {"kind": "library", "file": SimpleUploadedFile("a.pdf", b"x")})
    assert bad.status_code == 400 and "请上传" in bad.content.decode()
