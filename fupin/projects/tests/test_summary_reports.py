"""The summary (CLI, API) and the indicator family in reports (indicators, dashboard, bulletin),
on the demo counties' projects: rates are ratios of the records."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.demo.build import build
from fupin.demo.projects import build_projects
from fupin.projects.models import Project

WANZHOU, XIUSHAN = "500101", "500241"


@pytest.fixture
def demo(db):
    build([WANZHOU, XIUSHAN], seed=3, scale=1500, today=dt.date(2026, 6, 30))
    counts = build_projects([WANZHOU, XIUSHAN], payouts=True)
    return counts


def _summary(*args):
    out = io.StringIO()
    call_command("projects", "summary", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_demo_reproduces_the_seed_counts(demo):
    w = _summary("--area", WANZHOU, "--year", "2020")
    assert (w["projects"], w["started"], w["completed"]) == (500, 500, 167)
    assert w["completion_rate"] == 0.334  # 167 ÷ 500, not the article's 34.08 %
    assert (w["continuing"], w["continuing_completed"]) == (68, 60)
    assert w["continuing_rate"] == round(60 / 68, 4)
    assert w["consumption_sales_yuan"] == 28_090_000
    x = _summary("--area", XIUSHAN, "--year", "2020", "--as-of", "2020-12-31")
    assert x["projects"] == 1119 and x["funds_yuan"] == 568_850_000
    assert x["funds_allocated_yuan"] == 568_850_000 and 0 < x["paid_share"] <= 1
    assert x["funds_by_source"]["central"] == 300_000_000
    assert x["poor_village_coverage"] == 1.0
    assert 0.9 < x["industry_coverage"] <= 1.0
    assert x["beneficiary_households"] > 0 and x["households_linked"] > 0
    assert x["consumption_sales_yuan"] == 1_350_000
    assert _summary("--area", XIUSHAN, "--year", "2019")["library_entered"] == 1141
    assert _summary("--area", XIUSHAN, "--year", "2019")["consumption_sales_yuan"] == 1_300_000_000
    for key in ("library_entered", "projects", "started", "completed", "completion_rate",
                "continuing", "continuing_completed", "funds_yuan", "beneficiary_households",
                "industry_coverage", "consumption_sales_yuan"):
        assert key in x
    # as of mid-2020 fewer were started; rebuilding replaces rather than adds
    mid = _summary("--area", WANZHOU, "--year", "2020", "--as-of", "2020-05-01")
    assert mid["projects"] == 500 and mid["started"] < 500 and mid["completed"] == 0
    build_projects([WANZHOU], payouts=False)
    assert Project.objects.filter(county_code=WANZHOU).count() == 568


def test_payouts_reached_incomes(demo):
    from fupin.registry.models import IncomeFlow
    n = IncomeFlow.objects.filter(source="projects.payout").count()
    assert n == demo["payouts"] > 0


def test_text_output_and_bad_input(demo):
    out = io.StringIO()
    call_command("projects", "summary", "--area", WANZHOU, "--year", "2020", stdout=out)
    text = out.getvalue()
    assert "完工率 33.4 %（167 ÷ 500）" in text and "续建 68 个，完工 60 个，完工率 88.24 %" in text
    with pytest.raises(CommandError, match="不存在"):
        call_command("projects", "summary", "--area", "999999", "--year", "2020")
    with pytest.raises(CommandError, match="不在 2020 年内"):
        call_command("projects", "summary", "--area", WANZHOU, "--year", "2020", "--as-of", "2019-05-01")
    with pytest.raises(CommandError, match="不是有效日期"):
        call_command("projects", "summary", "--area", WANZHOU, "--as-of", "2020-13-01")


def test_family_in_indicators_dashboard_and_bulletin(demo, client):
    from fupin.core.testing import make_user
    from fupin.reports import indicators

    indicators.load_families()
    day = dt.date(2020, 12, 31)
    result = indicators.area_indicators(WANZHOU, day)
    assert result["figures"]["prj_plan"] == 500 and result["figures"]["prj_completed"] == 167
    assert result["rates"]["prj_completion_rate"] == 33.4
    assert result["rates"]["prj_cont_rate"] == round(60 * 100 / 68, 4)
    x = indicators.area_indicators(XIUSHAN, day)
    assert x["figures"]["funds_yuan"] == 568_850_000  # county-level rows count at the county
    # townships sum their villages' projects; county money stays with the county
    assert sum(c["figures"]["prj_plan"] for c in x["children"]) == 1119
    from fupin.reports import aggregates
    stored = indicators.area_indicators(XIUSHAN, day, aggregates.stored(XIUSHAN, day))
    assert stored["figures"]["funds_yuan"] == 568_850_000
    assert stored["figures"]["prj_plan"] == 1119
    admin = make_user("county_admin", WANZHOU)
    client.force_login(admin)
    page = client.get(f"/reports/?area={WANZHOU}&as_of=2020-12-31")
    if page.status_code == 404:
        page = client.get(f"/reports/area/{WANZHOU}/?as_of=2020-12-31")
    assert page.status_code == 200
    body = page.content.decode()
    assert "本年项目完工率" in body and "33.4" in body


def test_family_in_the_bulletin(demo):
    from fupin.reports import bulletin, indicators

    indicators.load_families()
    data = bulletin.build(WANZHOU, "2020-12")
    keys = {r["key"]: r for r in data["key_rows"]}
    assert keys["prj_plan"]["now"] == 500 and keys["prj_completed"]["now"] == 167
    rates = {r["key"]: r for r in data["rate_rows"]}
    assert rates["prj_completion_rate"]["now"] == 33.4
    assert b"%PDF" in bulletin.render_pdf(data)[:10]
