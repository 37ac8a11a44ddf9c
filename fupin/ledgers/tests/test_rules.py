"""Every rule of LEDGER.md: a file with one failing household and one good household;
the bad one is rejected whole with the reason, the good one accepted. And the passing
variants of the normalisation rules."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.ledgers.services.validate import WITH_HOUSEHOLD
from fupin.registry import resident_id as rid
from fupin.registry.models import Household, Member

from .builders import household, member, new_id, write_csv
from .conftest import reasons

pytestmark = pytest.mark.django_db

TOWNSHIP_VILLAGE = "500236001"  # a township, not a village
FUTURE = (dt.date.today() + dt.timedelta(days=400)).strftime("%Y%m%d")


def _id_with(first17: str) -> str:
    return first17 + rid.check_char(first17)


def _bad_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


# (name, change to the head row (or a function of the rows), expected text in the reason)
HEAD_CASES = [
    ("blank name", {"姓名": ""}, "姓名不能为空"),
    ("blank id", {"身份证号": ""}, "身份证号不能为空"),
    ("id length", {"身份证号": "50023619800101123"}, "应为 18 位"),
    ("id format", {"身份证号": "5002361980010A1234"}, "格式不对"),
    ("id province", {"身份证号": _id_with("99023619800101123")}, "省份代码 99 不存在"),
    ("id birth date", {"身份证号": _id_with("50023619801301123")}, "不是有效日期"),
    ("id future birth", {"身份证号": _id_with(f"500236{FUTURE}123")}, "晚于今天"),
    ("id too early", {"身份证号": _id_with("50023618700101123")}, "过早"),
    ("id check digit", {"身份证号": _bad_check(rid.make("500236", dt.date(1980, 1, 1), 123))}, "校验位错误"),
    ("id scientific", {"身份证号": "5.00236E+17"}, "科学计数法"),
    ("id trailing .0", {"身份证号": "500236198001011234.0"}, "末尾带 .0"),
    ("id lost digits", {"身份证号": "500236198001011000"}, "丢失了后几位"),
    ("relation", {"与户主关系": "老大"}, "与户主关系“老大”不在可选值中"),
    ("relation blank", {"与户主关系": ""}, "与户主关系不能为空"),
    ("education", {"文化程度": "博士"}, "文化程度“博士”不在可选值中"),
    ("schooling", {"在校生状况": "十年级"}, "在校生状况“十年级”不在可选值中"),
    ("health value", {"健康状况": "感冒"}, "健康状况“感冒”不在可选值中"),
    ("health alone", {"健康状况": "健康、长期慢性病"}, "“健康”不能与疾病或残疾同时填写"),
    ("disabled without grade", {"健康状况": "残疾"}, "须填写残疾等级"),
    ("grade without disability", {"残疾等级": "二级"}, "健康状况中没有“残疾”"),
    ("grade value", {"健康状况": "残疾", "残疾等级": "五级"}, "残疾等级“五级”不在可选值中"),
    ("labour", {"劳动技能": "强劳力"}, "劳动技能“强劳力”不在可选值中"),
    ("employment", {"务工状况": "国外务工"}, "务工状况“国外务工”不在可选值中"),
    ("months", {"务工时间(月)": "13"}, "务工时间(月)“13”应为 0–12"),
    ("months text", {"务工时间(月)": "半年"}, "务工时间(月)“半年”应为 0–12"),
    ("medical insurance", {"参加基本医疗保险": "有"}, "参加基本医疗保险“有”不在可选值中"),
    ("ethnicity length", {"民族": "汉" * 21}, "过长"),
    ("name length", {"姓名": "名" * 51}, "过长"),
    ("village format", {"村(社区)代码": "50023600100"}, "应为 12 位数字"),
    ("village missing", {"村(社区)代码": ""}, "没有填写村(社区)代码"),
    ("village unknown", {"村(社区)代码": "500236999999"}, "系统中没有这个村或社区"),
    ("village not a village", {"村(社区)代码": "500236001000"}, "不存在"),
    ("household type", {"户类型": "贫困户"}, "户类型“贫困户”不在可选值中"),
    ("exit year missing", {"脱贫年度": ""}, "脱贫户须填写脱贫年度"),
    ("exit year range", {"脱贫年度": "2021"}, "脱贫年度 2021 应在 2014–2020 之间"),
    ("exit year format", {"脱贫年度": "去年"}, "脱贫年度“去年”应为四位年份"),
    ("exit year not lifted", {"户类型": "一般农户", "主要致贫原因": ""}, "只有脱贫户才填写脱贫年度"),
    ("welfare", {"户属性": "五保户"}, "户属性“五保户”不在可选值中"),
    ("monitoring type", {"监测对象类型": "重点户"}, "监测对象类型“重点户”不在可选值中"),
    ("main cause missing", {"主要致贫原因": ""}, "脱贫户须填写主要致贫原因"),
    ("main cause value", {"主要致贫原因": "因懒"}, "主要致贫原因“因懒”不在可选值中"),
    ("housing grade", {"住房安全等级": "E"}, "住房安全等级“E”不在可选值中"),
    ("water", {"饮水安全": "安全"}, "饮水安全“安全”不在可选值中"),
    ("phone", {"联系电话": "023-1234567"}, "联系电话“023-1234567”应为 11 位手机号"),
    ("income year missing", {"收入年度": ""}, "填写了收入，须同时填写收入年度"),
    ("income year range", {"收入年度": "1999"}, "收入年度“1999”应为 2000–"),
    ("income negative", {"工资性收入": "-5"}, "工资性收入“-5”不能为负数"),
    ("income decimals", {"财产性收入": "1.234"}, "财产性收入“1.234”不是金额"),
    ("income text", {"转移性收入": "很多"}, "转移性收入“很多”不是金额"),
    ("income too big", {"生产经营性支出": "99999999999"}, "超出范围"),
]


@pytest.mark.parametrize("change,expected", [(c, e) for _, c, e in HEAD_CASES],
                         ids=[n for n, _, _ in HEAD_CASES])
def test_rule_rejects_household_whole(tmp_path, run_import, change, expected):
    bad = household("BAD0001", n=3)
    bad[0].update(change)
    good = household("GOOD001", n=2)
    batch = run_import(write_csv(tmp_path / "f.csv", bad + good))
    assert batch.read == 5
    assert batch.rejected == 3 and batch.households_rejected == 1
    assert batch.accepted == 2 and batch.created == 1
    got = reasons(batch)
    assert expected in got[2], got[2]
    assert got[3] == WITH_HOUSEHOLD and got[4] == WITH_HOUSEHOLD
    assert Household.objects.filter(household_no="GOOD001").exists()
    assert not Household.objects.filter(household_no="BAD0001").exists()


def _one(tmp_path, run_import, rows):
    return run_import(write_csv(tmp_path / "f.csv", rows))


def test_household_without_head_and_with_two_heads(tmp_path, run_import):
    none = household("NOHEAD1", n=2)
    none[0]["与户主关系"] = "配偶"
    two = household("TWOHEAD", n=2)
    two[1]["与户主关系"] = "户主"
    batch = _one(tmp_path, run_import, none + two + household("OK00001"))
    got = reasons(batch)
    assert "本户没有户主" in got[2]
    assert "本户有 2 位户主" in got[4]
    assert batch.households_accepted == 1 and batch.rejected == 4


def test_household_fields_must_agree_across_rows(tmp_path, run_import):
    rows = household("DIFF001", n=3)
    rows[2]["村(社区)代码"] = "500236001002"
    rows[1]["村(社区)代码"] = "500236001001"  # repeating the same value is fine
    batch = _one(tmp_path, run_import, rows)
    got = reasons(batch)
    assert "同户各行的村(社区)代码不一致（500236001001 / 500236001002）" in got[4]
    assert batch.rejected == 3
    ok = household("SAME001", n=3)
    ok[1]["村(社区)代码"] = "500236001001"
    assert _one(tmp_path, run_import, ok).accepted == 3


def test_duplicate_id_in_file(tmp_path, run_import):
    a = household("DUPA001", n=2)
    b = household("DUPB001", n=2)
    b[1]["身份证号"] = a[1]["身份证号"]
    batch = _one(tmp_path, run_import, a + b)
    got = reasons(batch)
    assert "在本文件中出现 2 次（第 3、5 行）" in got[3] and "第 3、5 行" in got[5]
    assert batch.households_rejected == 2


def test_id_active_in_a_household_not_in_the_file(tmp_path, run_import):
    first = household("OLD0001", n=2)
    _one(tmp_path, run_import, first)
    again = household("NEW0001", n=2)
    again[1]["身份证号"] = first[1]["身份证号"]
    batch = _one(tmp_path, run_import, again)
    assert "已登记在户 OLD0001（本文件中没有该户）" in reasons(batch)[3]
    assert batch.households_rejected == 1


def test_village_outside_scope_rejected_with_reason(tmp_path, run_import, village_cadre):
    ordinary = {"户类型": "一般农户", "脱贫年度": ""}
    rows = household("MINE001", head_extra=ordinary) + household("THEIRS1", village="500236002001", head_extra=ordinary)
    batch = run_import(write_csv(tmp_path / "f.csv", rows), user=village_cadre)
    got = reasons(batch)
    assert "不在您的管辖范围内（您的范围：500236001001）" in got[5]
    assert batch.created == 1 and batch.households_rejected == 1


def test_household_registered_outside_scope_cannot_be_moved_in(tmp_path, run_import, village_cadre):
    _one(tmp_path, run_import, household("ELSEWH1", village="500236002001"))
    batch = run_import(write_csv(tmp_path / "g.csv", household("ELSEWH1")), user=village_cadre)
    # Registered elsewhere, but not where (issue 12: no village, no household of another area).
    assert "已在您的管辖范围外登记" in reasons(batch)[2]
    assert "500236002001" not in reasons(batch)[2]
    assert Household.objects.get(household_no="ELSEWH1").area_id == "500236002001"


def test_normalisation_passing_variants(tmp_path, run_import):
    head_id = rid.make("500236", dt.date(1980, 1, 1), 1)
    while not head_id.endswith("X"):
        head_id = rid.make("500236", dt.date(1980, 1, 1), int(head_id[14:17]) + 1)
    full_width = new_id().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    rows = household("NORM001", n=3)
    rows[0].update({"身份证号": head_id.lower(), "村(社区)代码": " 500236001001.0 ", "脱贫年度": "2018年",
                    "工资性收入": "1,234.50", "住房安全等级": "C（局部危房）", "姓名": "王\n小明 ",
                    "户属性": "", "收入年度": "2024-12-31", "联系电话": "13800138000.0"})
    rows[1].update({"身份证号": full_width, "务工时间(月)": "3.0", "健康状况": "长期慢性病，残疾", "残疾等级": "二级"})
    batch = _one(tmp_path, run_import, rows)
    assert batch.accepted == 3, reasons(batch)
    hh = Household.objects.get(household_no="NORM001")
    assert (hh.area_id, hh.exit_year, hh.housing_grade, hh.welfare_status, hh.phone) == (
        "500236001001", 2018, "C", "general", "13800138000")
    assert hh.head_name == "王小明" and hh.head_initials == "wxm"
    assert hh.incomes.get().wage_income == pytest.approx(1234.5)
    assert hh.incomes.get().year == 2024
    m = Member.objects.get(resident_id=full_width.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    assert m.months_worked == 3 and m.chronic_illness and m.disabled and m.disability_grade == "2"
    assert Member.objects.filter(resident_id=head_id).exists()


def test_other_member_rows_may_repeat_household_values(tmp_path, run_import):
    rows = household("REP0001", n=2)
    rows[1].update({k: rows[0][k] for k in ("村(社区)代码", "户类型", "脱贫年度", "收入年度", "工资性收入")})
    assert _one(tmp_path, run_import, rows).accepted == 2


def test_member_row_only_household_values_are_not_needed(tmp_path, run_import):
    rows = [member("MIN0001", "张一", **{"村(社区)代码": "500236001001"})]
    batch = _one(tmp_path, run_import, rows)
    assert batch.accepted == 1, reasons(batch)
    hh = Household.objects.get(household_no="MIN0001")
    assert hh.household_type == "ordinary" and hh.welfare_status == "general"


def test_row_without_household_no_is_rejected_on_its_own(tmp_path, run_import):
    rows = household("HNO0001", n=3)
    rows[2]["户编号"] = ""
    batch = _one(tmp_path, run_import, rows)
    assert reasons(batch) == {4: "户编号不能为空"}
    assert batch.accepted == 2 and batch.households_rejected == 1
