"""The two write paths of the registry agree (issue 10.2): households, good and bad, are
written once through the single services (`services.create_household`) and once through
the bulk service (`bulk.validate` + `bulk.commit_households`, what a ledger import calls);
both accept and refuse the same ones with the same messages, and leave the same rows,
status periods and history."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.accounts.actors import SystemActor
from fupin.core.testing import VILLAGE_A, next_resident_id
from fupin.registry import bulk, services
from fupin.registry import resident_id as rid
from fupin.registry.models import Household, HouseholdStatus, Member

REASON = "对照测试"
ACTOR = SystemActor("test")
NAMES = ["张三", "李四", "王芳", "赵敏", "", "曾小明", "  "]

member_st = st.fixed_dictionaries({
    "name": st.sampled_from(NAMES),
    "relation_to_head": st.sampled_from(["head", "head", "spouse", "son", "daughter"]),
    "disabled": st.booleans(),
    "disability_grade": st.sampled_from(["", "", "2", "4"]),
    "months_worked": st.sampled_from([0, 6, 12, 13]),
    "chronic_illness": st.booleans(),
})
household_st = st.fixed_dictionaries({
    "household_type": st.sampled_from(["ordinary", "lifted", "poor"]),
    "exit_year": st.sampled_from([None, 2013, 2016, 2020, 2021]),
    "main_cause": st.sampled_from(["", "01", "10"]),
    "phone": st.sampled_from(["", "13800138000", "023-1234567"]),
    "welfare_status": st.sampled_from(["general", "dibao"]),
    "monitoring_type": st.sampled_from(["", "edge"]),
    "members": st.lists(member_st, min_size=0, max_size=4),
})

MEMBER_COLS = ["name", "name_pinyin", "name_initials", "resident_id", "sex", "birth_date",
               "relation_to_head", "ethnicity", "education", "schooling", "chronic_illness",
               "serious_illness", "disabled", "disability_grade", "labour", "employment",
               "months_worked", "medical_insurance", "status", "joined_on", "left_on"]
HOUSEHOLD_COLS = ["household_no", "area_id", "group", "head_name", "head_initials", "phone",
                  "household_type", "exit_year", "welfare_status", "monitoring_type",
                  "main_cause", "housing_grade", "water_safe", "address", "identified_on"]
STATUS_COLS = ["household_type", "exit_year", "welfare_status", "monitoring_type", "valid_from",
               "valid_to", "reason"]


def _members(h: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for m in h["members"]:
        out.append({**m, "resident_id": next_resident_id(), "ethnicity": "汉族",
                    "education": "", "schooling": "", "serious_illness": False,
                    "labour": "", "employment": "", "medical_insurance": True})
    return out


def single(no: str, h: dict[str, Any], members: list[dict[str, Any]]) -> list[str]:
    data = {k: h[k] for k in ("household_type", "exit_year", "main_cause", "phone",
                              "welfare_status", "monitoring_type")}
    data.update(household_no=no, area=VILLAGE_A, group="一组", housing_grade="", water_safe=None)
    try:
        services.create_household(actor=ACTOR, data=data, members=members,
                                  effective=timezone.localdate(), reason=REASON)
    except ValidationError as exc:
        return sorted(m for msgs in exc.message_dict.values() for m in msgs)
    return []


def bulk_path(no: str, h: dict[str, Any], members: list[dict[str, Any]]) -> list[str]:
    hh = pl.DataFrame([{
        "household_no": no, "area_id": VILLAGE_A, "group": "一组",
        "household_type": h["household_type"], "exit_year": h["exit_year"],
        "welfare_status": h["welfare_status"], "monitoring_type": h["monitoring_type"],
        "main_cause": h["main_cause"], "housing_grade": "", "water_safe": None,
        "phone": h["phone"],
        "head_name": next((m["name"].strip() for m in members if m["relation_to_head"] == "head"), ""),
        "members_counted": len(members), "income_year": None,
        **dict.fromkeys(bulk.commit.MONEY_FIELDS, 0), "has_income": False,
    }], schema_overrides={"exit_year": pl.Int64, "water_safe": pl.Boolean, "income_year": pl.Int64})
    rows = []
    for m in members:
        parsed = rid.parse(m["resident_id"])
        rows.append({"household_no": no, "name": m["name"].strip(), "resident_id": parsed.number,
                     "sex": parsed.sex, "birth_date": parsed.birth_date,
                     **{k: m[k] for k in ("relation_to_head", "ethnicity", "education", "schooling",
                                          "chronic_illness", "serious_illness", "disabled",
                                          "disability_grade", "labour", "employment",
                                          "months_worked", "medical_insurance")}})
    mm = pl.DataFrame(rows, schema={
        "household_no": pl.Utf8, "name": pl.Utf8, "resident_id": pl.Utf8, "sex": pl.Utf8,
        "birth_date": pl.Date, "relation_to_head": pl.Utf8, "ethnicity": pl.Utf8,
        "education": pl.Utf8, "schooling": pl.Utf8, "chronic_illness": pl.Boolean,
        "serious_illness": pl.Boolean, "disabled": pl.Boolean, "disability_grade": pl.Utf8,
        "labour": pl.Utf8, "employment": pl.Utf8, "months_worked": pl.Int64,
        "medical_insurance": pl.Boolean}, orient="row")
    errors = bulk.validate(hh, mm)
    if errors.height:
        return sorted(errors.get_column("message").to_list())
    mm = pl.concat([mm, bulk.pinyin_frame(mm.get_column("name"))], how="horizontal")
    bulk.commit_households(actor=ACTOR, households=hh, members=mm, reason=REASON)
    return []


def _history(model: Any, ids: list[int], cols: list[str]) -> list[tuple[Any, ...]]:
    hist = model.history.filter(id__in=ids).order_by("history_id")
    return [tuple(r) for r in hist.values_list(
        "history_type", "history_change_reason", "history_user_id", *cols)]


def state(no: str) -> dict[str, Any]:
    hh = list(Household.objects.filter(household_no=no).values_list("id", flat=True))
    members = list(Member.objects.filter(household_id__in=hh).order_by("resident_id")
                   .values_list("id", flat=True))
    statuses = list(HouseholdStatus.objects.filter(household_id__in=hh).values_list("id", flat=True))
    member_hist_cols = [c for c in MEMBER_COLS if c not in ("name_pinyin", "name_initials")]
    return {
        "households": list(Household.objects.filter(id__in=hh).values_list(*HOUSEHOLD_COLS)),
        "members": list(Member.objects.filter(id__in=members).order_by("resident_id")
                        .values_list(*MEMBER_COLS)),
        "statuses": list(HouseholdStatus.objects.filter(id__in=statuses).values_list(*STATUS_COLS)),
        "household_history": _history(Household, hh, [c for c in HOUSEHOLD_COLS if c != "head_initials"]),
        "member_history": sorted(_history(Member, members, member_hist_cols), key=str),
        "status_history": _history(HouseholdStatus, statuses, STATUS_COLS),
    }


def run_in_rollback(fn: Any, *args: Any) -> tuple[list[str], dict[str, Any]]:
    with transaction.atomic():
        messages = fn(*args)
        seen = state(args[0])
        transaction.set_rollback(True)
    return messages, seen


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(h=household_st)
def test_single_and_bulk_paths_agree(h: dict[str, Any]) -> None:
    members = _members(h)
    messages_single, state_single = run_in_rollback(single, "P0000001", h, members)
    messages_bulk, state_bulk = run_in_rollback(bulk_path, "P0000001", h, members)
    assert messages_single == messages_bulk
    assert state_single == state_bulk
    if not messages_single:
        assert len(state_single["households"]) == 1 and len(state_single["statuses"]) == 1
        assert [r[0] for r in state_single["household_history"]] == ["+"]
        assert state_single["status_history"][0][:2] == ("+", REASON)
    else:
        assert state_single["households"] == []


def test_both_paths_share_one_rule_set() -> None:
    """A sample of known refusals: the same message whatever the path."""
    data = {"household_type": "lifted", "exit_year": 2021, "main_cause": "", "phone": "12"}
    found = services.validate_household_rules(data)
    assert found == {"exit_year": ["脱贫年度 2021 应在 2014–2020 之间"],
                     "main_cause": ["脱贫户须填写主要致贫原因"],
                     "phone": ["联系电话“12”应为 11 位手机号"]}
