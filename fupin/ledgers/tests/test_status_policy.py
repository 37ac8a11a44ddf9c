"""Issue 11 / MECHANISM §5: a ledger import does not change a household's type or monitoring
status. The county's first import by its county admin loads them as history (--baseline);
later imports refuse a differing row with the reason and raise a lead for the village."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from fupin.cases.models import Lead
from fupin.ledgers.services.errors import LedgerRefused
from fupin.registry.models import Household

from .builders import household, write_csv
from .conftest import reasons

pytestmark = pytest.mark.django_db


def test_baseline_then_a_differing_row_is_refused_with_a_lead(tmp_path, run_import, county_admin,
                                                            village_cadre):
    first = run_import(write_csv(tmp_path / "a.csv", household("ST00001") + household(
        "ST00002", head_extra={"监测对象类型": "边缘易致贫户", "户类型": "一般农户", "脱贫年度": ""})),
        user=county_admin, baseline=True)
    assert first.baseline and first.created == 2
    h1 = Household.objects.get(household_no="ST00001")
    h2 = Household.objects.get(household_no="ST00002")
    assert (h1.household_type, h2.monitoring_type) == ("lifted", "edge")
    assert h2.statuses.get().reason.startswith("历史数据导入")
    # a later import (the village's) says ST00001 is now monitored: refused, a lead raised
    later = run_import(write_csv(tmp_path / "b.csv", household(
        "ST00001", head_extra={"监测对象类型": "脱贫不稳定户", "住址": "新址"})), user=village_cadre,
        baseline=False)
    assert later.rejected == 3 and later.updated == 0
    text = reasons(later)[2]
    assert "监测对象类型“脱贫不稳定户”与系统（“脱贫户”“非监测对象”）不一致" in text
    assert "识别纳入" in text and "风险线索" in text
    h1.refresh_from_db()
    assert h1.monitoring_type == ""
    lead = Lead.objects.get(household=h1)
    assert lead.channel == "cadre" and lead.status == "new" and f"台账导入 #{later.pk}" in lead.source
    assert (lead.deadline - lead.found_on).days == 15
    # importing it again does not pile up leads
    run_import(write_csv(tmp_path / "c.csv", household(
        "ST00001", head_extra={"监测对象类型": "脱贫不稳定户"})), user=village_cadre, baseline=False)
    assert Lead.objects.filter(household=h1).count() == 1
    # a new household may not arrive monitored in a regular import
    new = run_import(write_csv(tmp_path / "d.csv", household(
        "ST00003", head_extra={"监测对象类型": "突发严重困难户"})), user=village_cadre, baseline=False)
    assert new.created == 0 and "新户不能通过台账直接登记" in reasons(new)[2]
    # the same status with other changes still goes through
    same = run_import(write_csv(tmp_path / "e.csv", household("ST00001", head_extra={"组": "3组"})),
                      user=village_cadre, baseline=False)
    assert same.updated == 1 and same.rejected == 0


def test_baseline_only_for_county_admin_and_only_before_a_regular_import(
        tmp_path, run_import, village_cadre, county_admin):
    path = write_csv(tmp_path / "a.csv", household("BL00001"))
    with pytest.raises(LedgerRefused, match="县级管理员"):
        run_import(path, user=village_cadre, baseline=True)
    ordinary = {"户类型": "一般农户", "脱贫年度": ""}
    run_import(write_csv(tmp_path / "b.csv", household("BL00002", head_extra=ordinary)), user=county_admin,
               baseline=False)
    with pytest.raises(LedgerRefused, match="已导入过台账"):
        run_import(path, user=county_admin, baseline=True)


def test_cli_baseline_flag(tmp_path, capsys):
    path = write_csv(tmp_path / "a.csv", household("CLB0001"))
    call_command("ledger", "import", str(path), "--json", "--baseline")
    out = json.loads(capsys.readouterr().out)
    assert (out["created"], out["baseline"]) == (1, True)
    call_command("ledger", "import", str(path), "--json")  # regular, same statuses: unchanged
    out = json.loads(capsys.readouterr().out)
    assert (out["unchanged"], out["rejected"], out["baseline"]) == (1, 0, False)
    other = write_csv(tmp_path / "b.csv", household("CLB0002"))
    call_command("ledger", "import", str(other), "--json")  # a new lifted household: refused
    assert json.loads(capsys.readouterr().out)["created"] == 0
