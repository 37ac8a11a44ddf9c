"""The loan rules by period (MECHANISM §5.5), as rows: 2014–2019, 2020 (COVID extension),
2021–2023 (脱贫人口小额信贷, LPR caps, top-ups, full subsidy) and 2024 on (70 % subsidy).
LPR caps are the published rates of 2021 (1-year 3.85 %, 5-year+ 4.65 %); the 2024+ row has
no end date until a new notice (chosen: MECHANISM gives 70 % for 2024–2025 only)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

D = Decimal
ROWS = [
    dict(name="2014–2019 扶贫小额信贷", valid_from=dt.date(2014, 1, 1),
         valid_to=dt.date(2019, 12, 31), max_amount=D(50000), topup_max=D(0),
         subsidised_cap=D(50000), subsidy_share=D("1.00"), max_term_months=36,
         rate_cap_short=D("4.35"), rate_cap_long=D("4.75"), extension_months=0,
         extension_until=None, eligible=["poor", "lifted"], terms_fixed=True,
         source="5万元以下、3年以内、免担保免抵押、基准利率放贷、财政贴息、县建风险补偿金"),
    dict(name="2020 年（疫情延期政策）", valid_from=dt.date(2020, 1, 1),
         valid_to=dt.date(2020, 12, 31), max_amount=D(50000), topup_max=D(0),
         subsidised_cap=D(50000), subsidy_share=D("1.00"), max_term_months=36,
         rate_cap_short=D("4.35"), rate_cap_long=D("4.75"), extension_months=6,
         extension_until=dt.date(2021, 3, 31), eligible=["poor", "lifted", "edge"],
         terms_fixed=True,
         source="新华社 2020-02-12：到期还款困难可展期不超过6个月；2020-07-03 通知：延至2021年3月31日；"
                "边缘易致贫户纳入"),
    dict(name="2021–2023 脱贫人口小额信贷", valid_from=dt.date(2021, 1, 1),
         valid_to=dt.date(2023, 12, 31), max_amount=D(50000), topup_max=D(100000),
         subsidised_cap=D(50000), subsidy_share=D("1.00"), max_term_months=36,
         rate_cap_short=D("3.85"), rate_cap_long=D("4.65"), extension_months=0,
         extension_until=None, eligible=["lifted", "poor", "monitored"], terms_fixed=False,
         source="一年期（含）以下不超过1年期LPR，1–3年期不超过5年期以上LPR；续贷追加至10万元，超出5万元部分不贴息不补偿"),
    dict(name="2024 年起 脱贫人口小额信贷", valid_from=dt.date(2024, 1, 1), valid_to=None,
         max_amount=D(50000), topup_max=D(100000), subsidised_cap=D(50000),
         subsidy_share=D("0.70"), max_term_months=36, rate_cap_short=D("3.85"),
         rate_cap_long=D("4.65"), extension_months=0, extension_until=None,
         eligible=["lifted", "poor", "monitored"], terms_fixed=False,
         source="2024–2025 年贴息比例 70%（2026 年后沿用，待新文件）"),
]


def seed(apps, schema_editor):
    Policy = apps.get_model("credit", "Policy")
    for row in ROWS:
        Policy.objects.update_or_create(valid_from=row["valid_from"], defaults=row)


def unseed(apps, schema_editor):
    apps.get_model("credit", "Policy").objects.filter(
        valid_from__in=[r["valid_from"] for r in ROWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_loans_policy_fund_subsidy_bankfile")]
    operations = [migrations.RunPython(seed, unseed)]
