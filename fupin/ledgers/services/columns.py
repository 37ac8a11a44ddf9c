"""The ledger format (LEDGER.md): headers, the field each maps to, and its code list."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from dataclasses import field as dc_field

from fupin.registry.choices import (
    DisabilityGrade,
    Education,
    Employment,
    HouseholdType,
    HousingGrade,
    Labour,
    MonitoringType,
    PovertyCause,
    Relation,
    Schooling,
    WelfareStatus,
    label_to_value,
)

YES_NO = {"是": True, "否": False}


def codes(choices: type, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    return {label: value for label, value in label_to_value(choices).items() if value not in skip}


def _housing() -> dict[str, str]:
    # Grades are written as the bare letter; the long labels ("C（局部危房）") are accepted too.
    out = {g: g for g in ("A", "B", "C", "D")}
    out.update({unicodedata.normalize("NFKC", k): v for k, v in label_to_value(HousingGrade).items()})
    return out


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    level: str  # "member" or "household"
    kind: str  # text, id, code, village, int, year, money, bool, health, phone
    choices: dict[str, str] = dc_field(default_factory=dict)
    required: bool = False
    max_len: int = 0
    text_format: bool = False  # template/export write the column as text (IDs, codes)

    @property
    def labels(self) -> list[str]:
        return list(self.choices)


MEMBER_COLUMNS = [
    Column("户编号", "household_no", "member", "text", required=True, max_len=30, text_format=True),
    Column("姓名", "name", "member", "text", required=True, max_len=50),
    Column("身份证号", "resident_id", "member", "id", required=True, text_format=True),
    Column("与户主关系", "relation_to_head", "member", "code", codes(Relation), required=True),
    Column("民族", "ethnicity", "member", "text", max_len=20),
    Column("文化程度", "education", "member", "code", codes(Education)),
    Column("在校生状况", "schooling", "member", "code", codes(Schooling)),
    Column("健康状况", "health", "member", "health"),
    Column("残疾等级", "disability_grade", "member", "code", codes(DisabilityGrade, skip=("",))),
    Column("劳动技能", "labour", "member", "code", codes(Labour)),
    Column("务工状况", "employment", "member", "code", codes(Employment)),
    Column("务工时间(月)", "months_worked", "member", "int"),
    Column("参加基本医疗保险", "medical_insurance", "member", "bool", {"是": "是", "否": "否"}),
]
HOUSEHOLD_COLUMNS = [
    Column("村(社区)代码", "village_code", "household", "village", required=True, text_format=True),
    Column("组", "group", "household", "text", max_len=50, text_format=True),
    Column("户类型", "household_type", "household", "code", codes(HouseholdType)),
    Column("脱贫年度", "exit_year", "household", "year"),
    Column("户属性", "welfare_status", "household", "code", codes(WelfareStatus)),
    Column("监测对象类型", "monitoring_type", "household", "code", codes(MonitoringType, skip=("",))),
    Column("主要致贫原因", "main_cause", "household", "code", codes(PovertyCause)),
    Column("住房安全等级", "housing_grade", "household", "code", _housing()),
    Column("饮水安全", "water_safe", "household", "bool", {"是": "是", "否": "否"}),
    Column("联系电话", "phone", "household", "phone", text_format=True),
    Column("收入年度", "income_year", "household", "year"),
    Column("工资性收入", "wage_income", "household", "money"),
    Column("生产经营性收入", "business_income", "household", "money"),
    Column("财产性收入", "property_income", "household", "money"),
    Column("转移性收入", "transfer_income", "household", "money"),
    Column("生产经营性支出", "business_cost", "household", "money"),
]
COLUMNS = MEMBER_COLUMNS + HOUSEHOLD_COLUMNS
BY_FIELD = {c.field: c for c in COLUMNS}
MONEY_FIELDS = [c.field for c in COLUMNS if c.kind == "money"]
HOUSEHOLD_FIELDS = [c.field for c in HOUSEHOLD_COLUMNS]
HEALTH_LABELS = {"健康": "healthy", "长期慢性病": "chronic", "患有大病": "serious", "残疾": "disabled"}
# Without these a file is not a ledger we can import.
REQUIRED_HEADERS = [c.header for c in COLUMNS if c.required]


def header_key(text: object) -> str:
    """Headers match ignoring spaces, line breaks and full-/half-width differences."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


HEADER_INDEX = {header_key(c.header): c for c in COLUMNS}
# A few spellings seen in county ledgers.
HEADER_INDEX.update({
    header_key("证件号码"): BY_FIELD["resident_id"],
    header_key("身份证号码"): BY_FIELD["resident_id"],
    header_key("村代码"): BY_FIELD["village_code"],
    header_key("村(社区)区划代码"): BY_FIELD["village_code"],
    header_key("务工时间"): BY_FIELD["months_worked"],
    header_key("务工时间（月）"): BY_FIELD["months_worked"],
})


def match_header(text: object) -> Column | None:
    return HEADER_INDEX.get(header_key(text))
