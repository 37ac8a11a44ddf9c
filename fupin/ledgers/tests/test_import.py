"""The import as a whole: counts, idempotency, update in place with history, moves, status
periods, incomes, the report, encodings and Excel quirks."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from fupin.ledgers.models import ImportBatch, StagedRow
from fupin.ledgers.services.staging import json_array
from fupin.ledgers.services.validate import WITH_HOUSEHOLD
from fupin.registry.models import Household, HouseholdStatus, Income, Member, MemberEvent
from fupin.registry.signals import household_changed

from .builders import HEADERS, household, write_csv, write_xlsx
from .conftest import reasons

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    return household("HH00001", n=3) + household("HH00002", n=2) + household("HH00003", n=4)


def test_first_import_creates_everything_with_history(tmp_path, run_import, rows, county_admin):
    batch = run_import(write_csv(tmp_path / "a.csv", rows), user=county_admin)
    assert batch.counts() == {"read": 9, "accepted": 9, "rejected": 0, "households_accepted": 3,
                              "households_rejected": 0, "created": 3, "updated": 0, "unchanged": 0}
    hh = Household.objects.get(household_no="HH00001")
    assert hh.members.count() == 3 and hh.head_name == rows[0]["姓名"]
    assert (hh.household_type, hh.exit_year, hh.main_cause, hh.water_safe) == ("lifted", 2018, "01", True)
    record = hh.history.get()
    assert record.history_type == "+" and record.history_user == county_admin
    assert record.history_change_reason == batch.change_reason
    assert Member.history.filter(history_change_reason=batch.change_reason).count() == 9
    status = hh.statuses.get()
    assert status.valid_to is None and status.household_type == "lifted"
    income = hh.incomes.get()
    assert (income.year, income.members_counted) == (2024, 3)
    assert str(income.net) == "16500.50" and str(income.per_capita) == "5500.17"
    assert income.history.get().history_user == county_admin


def test_same_file_twice_changes_nothing(tmp_path, run_import, rows):
    path = write_csv(tmp_path / "a.csv", rows)
    run_import(path)
    counts = (Household.history.count(), Member.history.count(), HouseholdStatus.objects.count(),
              Income.history.count())
    again = run_import(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert counts == (Household.history.count(), Member.history.count(),
                      HouseholdStatus.objects.count(), Income.history.count())


def test_corrected_file_updates_in_place_with_history(tmp_path, run_import, rows, county_admin):
    first = run_import(write_csv(tmp_path / "a.csv", rows), user=county_admin)
    hh = Household.objects.get(household_no="HH00001")
    member_ids = set(hh.members.values_list("id", flat=True))
    rows[0].update({"户类型": "未脱贫户", "脱贫年度": "", "监测对象类型": "", "住房安全等级": "C"})
    rows[1].update({"文化程度": "高中", "姓名": "改名字"})
    rows[0]["工资性收入"] = "15000"
    second = run_import(write_csv(tmp_path / "b.csv", rows), user=county_admin)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)
    hh.refresh_from_db()
    assert (hh.household_type, hh.exit_year, hh.housing_grade) == ("poor", None, "C")
    assert set(hh.members.values_list("id", flat=True)) == member_ids  # same rows, updated
    latest = hh.history.first()
    assert latest.history_type == "~" and latest.history_change_reason == second.change_reason
    assert latest.history_user == county_admin
    delta = latest.diff_against(latest.prev_record)
    assert {c.field for c in delta.changes} == {"household_type", "exit_year", "housing_grade"}
    changed = Member.objects.get(resident_id=rows[1]["身份证号"])
    assert changed.name == "改名字" and changed.education == "senior"
    assert changed.history.first().history_change_reason == second.change_reason
    # Reclassification opened a status period the way registry services do (same day:
    # the open period is rewritten in place).
    statuses = list(hh.statuses.all())
    assert len(statuses) == 1 and statuses[0].household_type == "poor"
    assert statuses[0].reason == second.change_reason
    assert hh.incomes.get(year=2024).wage_income == 15000
    assert first.pk != second.pk


def test_reclassification_on_a_later_day_closes_the_period(tmp_path, run_import, rows):
    run_import(write_csv(tmp_path / "a.csv", rows))
    HouseholdStatus.objects.update(valid_from=dt.date(2020, 1, 1))
    rows[0]["监测对象类型"] = "脱贫不稳定户"
    run_import(write_csv(tmp_path / "b.csv", rows))
    hh = Household.objects.get(household_no="HH00001")
    old, new = hh.statuses.order_by("valid_from")
    assert old.valid_to == new.valid_from and new.valid_to is None
    assert (old.monitoring_type, new.monitoring_type) == ("", "unstable")


def test_member_moving_to_another_household_of_the_file(tmp_path, run_import, rows):
    run_import(write_csv(tmp_path / "a.csv", rows))
    mover = rows[2]  # a member of HH00001
    moved = dict(mover, 户编号="HH00002", 与户主关系="其他")
    new_rows = [r for r in rows if r is not mover] + [moved]
    batch = run_import(write_csv(tmp_path / "b.csv", new_rows))
    assert (batch.updated, batch.unchanged) == (2, 1)
    old = Member.objects.get(resident_id=mover["身份证号"], status="moved_out")
    new = Member.objects.get(resident_id=mover["身份证号"], status="active")
    assert old.household.household_no == "HH00001" and new.household.household_no == "HH00002"
    assert old.left_on is not None and old.history.count() == 2
    out_event = MemberEvent.objects.get(member=old)
    assert out_event.kind == "moved_out" and out_event.related_household == new.household
    assert MemberEvent.objects.get(member=new).kind == "moved_in"
    assert Household.objects.get(household_no="HH00001").members.filter(status="active").count() == 2


def test_member_no_longer_listed_ends_as_moved_out(tmp_path, run_import, rows):
    run_import(write_csv(tmp_path / "a.csv", rows))
    gone = rows.pop(2)
    batch = run_import(write_csv(tmp_path / "b.csv", rows))
    assert batch.updated == 1
    m = Member.objects.get(resident_id=gone["身份证号"])
    assert m.status == "moved_out" and "本户台账中已无此人" in m.events.get().note


def test_move_from_a_rejected_household_rejects_the_target_too(tmp_path, run_import, rows):
    run_import(write_csv(tmp_path / "a.csv", rows))
    mover = rows[2]
    new_rows = [r for r in rows if r is not mover] + [dict(mover, 户编号="HH00002", 与户主关系="其他")]
    new_rows[0]["户类型"] = "坏值"  # HH00001 (the household the member leaves) is rejected
    batch = run_import(write_csv(tmp_path / "b.csv", new_rows))
    assert batch.households_rejected == 2
    assert any("有成员迁移" in r for r in reasons(batch).values())
    assert Member.objects.get(resident_id=mover["身份证号"]).household.household_no == "HH00001"


def test_signal_lists_the_touched_households(tmp_path, run_import, rows,
                                            django_capture_on_commit_callbacks):
    seen = []

    def listener(sender, household_ids, reason, **kw):
        # sent after the import's transaction: the batch is already marked committed
        seen.append((sorted(household_ids), reason, ImportBatch.objects.latest("pk").status))

    household_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            batch = run_import(write_csv(tmp_path / "a.csv", rows))
        with django_capture_on_commit_callbacks(execute=True):
            again = run_import(write_csv(tmp_path / "a.csv", rows))
    finally:
        household_changed.disconnect(listener)
    assert seen == [(sorted(Household.objects.values_list("id", flat=True)), batch.change_reason,
                     "committed")]
    assert again.unchanged == 3


def test_a_failing_recheck_never_fails_a_committed_import(tmp_path, run_import, rows, monkeypatch,
                                                          django_capture_on_commit_callbacks, caplog):
    """The re-check runs after commit; when it fails it is logged and retried in the
    background, and the import stays COMMITTED with its rows."""
    from fupin.ledgers.models import BatchStatus
    from fupin.monitoring import signals as monitoring_signals

    calls = []

    def broken(ids, **kw):
        calls.append(len(ids))
        raise RuntimeError("database went away")

    monkeypatch.setattr(monitoring_signals, "_recheck", broken)
    with django_capture_on_commit_callbacks(execute=True):
        batch = run_import(write_csv(tmp_path / "a.csv", rows))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and Household.objects.count() == 3
    assert calls == [3] * (1 + monitoring_signals.RECHECK_RETRIES)  # first try + the retries
    assert "re-check of 3 households failed" in caplog.text


def test_dry_run_writes_nothing_to_the_registry(tmp_path, run_import, rows):
    batch = run_import(write_csv(tmp_path / "a.csv", rows), dry_run=True)
    assert batch.created == 3 and batch.status == "dry_run"
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def test_report_has_original_columns_row_number_and_reasons(tmp_path, run_import, rows):
    rows[3]["身份证号"] = "5.00236E+17"
    rows[3]["备注"] = "手写备注"
    batch = run_import(write_csv(tmp_path / "a.csv", rows, headers=[*HEADERS, "备注"]))
    assert batch.rejected == 2 and batch.unknown_columns == ["备注"]
    sheet = CalamineWorkbook.from_path(batch.report_file).get_sheet_by_index(0).to_python()
    assert sheet[0] == ["原文件行号", *HEADERS, "备注", "拒收原因"]
    assert [int(str(r[0]).split(".")[0]) for r in sheet[1:]] == [5, 6]
    assert sheet[1][3] == "5.00236E+17" and sheet[1][-2] == "手写备注"
    assert "科学计数法" in str(sheet[1][-1]) and "文本" in str(sheet[1][-1])
    assert sheet[2][-1] == WITH_HOUSEHOLD
    staged = StagedRow.objects.get(batch=batch, row_no=5)
    assert json.loads(staged.values)[-1] == "手写备注"  # unknown columns kept in staging


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030", "utf-8"])
def test_csv_encodings(tmp_path, run_import, rows, encoding):
    batch = run_import(write_csv(tmp_path / "a.csv", rows, encoding=encoding))
    assert batch.accepted == 9, reasons(batch)
    assert Household.objects.get(household_no="HH00001").head_name == rows[0]["姓名"]


def test_xlsx_with_title_row_numbers_dates_and_mangled_ids(tmp_path, run_import, rows):
    rows[0]["村(社区)代码"] = 500236001001  # a number cell
    rows[0]["收入年度"] = dt.datetime(2024, 1, 1)  # a date cell
    rows[0]["务工时间(月)"] = 6
    rows[3]["身份证号"] = float(rows[3]["身份证号"][:17] + "0")  # Excel kept it as a number
    batch = run_import(write_xlsx(tmp_path / "a.xlsx", rows, title="奉节县建档立卡台账"))
    got = reasons(batch)
    assert batch.header_row == 2
    assert set(got) == {6, 7}  # HH00002's rows, counted from the sheet's first row
    assert "被 Excel 转成了科学计数法" in got[6]
    assert Household.objects.get(household_no="HH00001").incomes.get().year == 2024


def test_numeric_id_column_in_xlsx(tmp_path, run_import):
    rows = household("NUM0001", n=2)
    batch = run_import(write_xlsx(tmp_path / "a.xlsx", rows, numeric_ids=True))
    assert batch.rejected == 2
    assert all("Excel" in r for r in reasons(batch).values())


def test_headers_in_any_order_with_full_width_and_spaces(tmp_path, run_import, rows):
    headers = list(reversed(HEADERS))
    renamed = {"务工时间(月)": "务工时间（月）", "村(社区)代码": " 村（社区）代码\n"}
    for r in rows:
        for a, b in renamed.items():
            r[b] = r.pop(a, "")
    headers = [renamed.get(h, h) for h in headers]
    assert run_import(write_csv(tmp_path / "a.csv", rows, headers=headers)).accepted == 9


def test_xlsx_starting_below_and_right_keeps_excel_row_numbers(tmp_path, run_import):
    import xlsxwriter
    path = tmp_path / "offset.xlsx"
    rows = household("OFF0001", n=2)
    rows[1]["与户主关系"] = "老二"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(2, 1, HEADERS)  # header on row 3, from column B
    for i, r in enumerate(rows, start=3):
        ws.write_row(i, 1, [r.get(h, "") for h in HEADERS])
    wb.close()
    batch = run_import(path)
    assert batch.header_row == 3
    assert set(reasons(batch)) == {4, 5} and "老二" in reasons(batch)[5]


def test_csv_cells_right_of_the_header_are_kept_not_cut(tmp_path, run_import, rows):
    """A line longer than the header (a note typed two columns past the end) loses nothing:
    the extra cells become unnamed columns, reported and kept in staging."""
    path = write_csv(tmp_path / "a.csv", rows)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",,迁往县城"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = run_import(path)
    assert batch.read == len(rows) and batch.accepted == len(rows), reasons(batch)
    extra = f"（第{len(HEADERS) + 2}列）"
    assert extra in batch.unknown_columns
    staged = StagedRow.objects.get(batch=batch, row_no=3)
    assert "迁往县城" in json.loads(staged.values)


def test_code_lists_stay_chinese_when_the_user_reads_english():
    from django.utils import translation

    from fupin.registry.choices import HouseholdType, label_to_value

    with translation.override("en"):
        assert str(HouseholdType.LIFTED.label) == "Lifted household"
        assert label_to_value(HouseholdType)["脱贫户"] == HouseholdType.LIFTED


def test_staged_values_are_the_json_array_of_the_cells():
    """Staging builds the JSON text by concatenation: every character a JSON encoder
    escapes comes out as json.dumps writes it, and a missing cell as null."""
    cells = [chr(i) for i in range(0x80)] + ["中", 'a"b\\c\n', "\u2028", "", None]
    df = pl.DataFrame({"a": cells, "b": ["x"] * len(cells), "c": ["户主"] * len(cells)})
    got = df.select(json_array(df, ["a", "b", "c"])).to_series().to_list()
    assert got == [json.dumps([c, "x", "户主"], ensure_ascii=False, separators=(",", ":")) for c in cells]
    assert [json.loads(v)[0] for v in got] == cells
