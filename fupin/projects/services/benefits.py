"""Beneficiaries, benefit links (利益联结) and their payouts, assets' income, consumption aid.

Payouts are money that lands in a household's income: they go into the registry only
through `fupin.registry.income_flows.record_flows` (source "projects.payout", ref
"payout:<id>"), in the same transaction, so monitoring re-checks the households at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from fupin.accounts.actors import Actor, history_user
from fupin.registry.income_flows import Flow, record_flows
from fupin.registry.models import Household, MemberStatus

from ..choices import (
    MODE_COMPONENT,
    BeneficiaryKind,
    Category,
    LinkMode,
    PartnerKind,
    SaleChannel,
    SellerKind,
    State,
)
from ..models import (
    Asset,
    AssetIncome,
    Beneficiary,
    BenefitLink,
    ConsumptionSale,
    Payout,
    Project,
)
from .common import a_date, money, not_future, require_write, set_history, today

PAYOUT_SOURCE = "projects.payout"
CHUNK = 5000
COPY_THRESHOLD = 2000  # PostgreSQL writes larger batches of payouts by COPY + INSERT … SELECT


def beneficiary_kind(household: Household) -> str:
    if household.monitoring_type:
        return BeneficiaryKind.MONITORED
    if household.household_type in ("lifted", "poor"):
        return BeneficiaryKind.REGISTERED
    return BeneficiaryKind.ORDINARY


@transaction.atomic
def add_beneficiaries(*, actor: Actor, project: Project, household_nos: Sequence[str],
                      people: dict[str, int] | None = None,
                      on: dt.date | None = None) -> list[Beneficiary]:
    """Register households (by household number) as beneficiaries of a project. They must
    exist and live in the project's area; all or nothing."""
    require_write(actor, project.area_id)
    if project.state == State.REMOVED:
        raise ValidationError({"project": ["项目已出库，不能登记受益户"]})
    nos = [str(n).strip() for n in household_nos if str(n).strip()]
    if not nos:
        raise ValidationError({"households": ["请填写受益户的户编号"]})
    found = {h.household_no: h for h in Household.objects.filter(household_no__in=nos)}
    errors = []
    for no in nos:
        h = found.get(no)
        if h is None:
            errors.append(f"户编号 {no} 不存在")
        elif not str(h.area_id).startswith(project.area_id):
            errors.append(f"户编号 {no} 在 {h.area_id}，不在项目区划 {project.area_id} 内")
    if errors:
        raise ValidationError({"households": errors[:50]})
    have = set(project.beneficiaries.filter(household__household_no__in=nos)
               .values_list("household__household_no", flat=True))
    dupes = sorted(set(nos) & have)
    if dupes:
        raise ValidationError({"households": [f"户编号 {', '.join(dupes[:10])} 已是本项目受益户"]})
    people = people or {}
    from django.db.models import Count, Q

    counts = dict(Household.objects.filter(household_no__in=nos).annotate(
        n=Count("members", filter=Q(members__status=MemberStatus.ACTIVE)))
        .values_list("household_no", "n"))
    made = []
    for no in dict.fromkeys(nos):
        h = found[no]
        b = Beneficiary(project=project, household=h, kind=beneficiary_kind(h),
                        people=int(people.get(no, counts.get(no, 0))), added_on=on or today())
        set_history(b, actor)
        made.append(b)
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(made, Beneficiary, default_user=history_user(actor))
    return made


def _find_household(no: str) -> Household:
    h = Household.objects.filter(household_no=str(no).strip()).first()
    if h is None:
        raise ValidationError({"household": [f"户编号 {no} 不存在"]})
    return h


@transaction.atomic
def create_link(*, actor: Actor, household_no: str, mode: str, started_on: Any,
                project: Project | None = None, partner_kind: str = "",
                partner_name: str = "", amount_per_year: Any = 0,
                industry: bool | None = None) -> BenefitLink:
    h = _find_household(household_no)
    require_write(actor, h.area_id)
    errors: dict[str, list[str]] = {}
    if mode not in LinkMode.values:
        errors["mode"] = [f"联结方式“{mode}”无效，应为：{'、'.join(LinkMode.labels)}"]
    try:
        start = a_date(started_on, "started_on", "联结开始日期")
        not_future(start, "started_on", "联结开始日期")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        yearly = money(amount_per_year or 0, "amount_per_year", label="预计年收益", allow_zero=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if project is not None:
        if not str(h.area_id).startswith(project.area_id):
            errors["household"] = [f"户编号 {h.household_no} 在 {h.area_id}，不在项目区划 {project.area_id} 内"]
        if project.state == State.REMOVED:
            errors["project"] = ["项目已出库，不能建立利益联结"]
        partner_kind = PartnerKind.PROJECT
        partner_name = partner_name or project.name
    elif partner_kind not in PartnerKind.values or partner_kind == PartnerKind.PROJECT:
        errors["partner_kind"] = ["请选择联结主体类型（企业、合作社或村集体），或选择项目"]
    if not str(partner_name).strip():
        errors["partner_name"] = ["请填写联结主体名称"]
    if errors:
        raise ValidationError(errors)
    if industry is None:
        industry = project.category == Category.INDUSTRY if project is not None else True
    link = BenefitLink(household=h, area_id=h.area_id, project=project, partner_kind=partner_kind,
                       partner_name=str(partner_name).strip()[:200], mode=mode, started_on=start,
                       amount_per_year=yearly, industry=industry)
    set_history(link, actor)
    link.save()
    return link


@dataclass
class PayoutRow:
    link_id: int
    household_id: int
    paid_on: dt.date
    amount: Decimal
    mode: str
    note: str = ""


@dataclass
class PayoutResult:
    created: int
    households: int
    flows: int
    payout_ids: list[int] = field(default_factory=list)


@transaction.atomic
def record_payouts(*, actor: Actor, rows: Sequence[PayoutRow]) -> PayoutResult:
    """Record payouts (validated rows) and add them to the households' incomes through the
    registry, set-based: a fixed number of queries per chunk. All or nothing."""
    if not rows:
        return PayoutResult(0, 0, 0)
    user = history_user(actor)
    now = timezone.now()
    if connection.vendor == "postgresql" and len(rows) >= COPY_THRESHOLD:
        ids = _copy_payouts(rows, getattr(user, "pk", None), now)
    else:
        objs = [Payout(link_id=r.link_id, paid_on=r.paid_on, amount=r.amount, note=r.note[:200],
                       created_by=user, created_at=now) for r in rows]
        Payout.objects.bulk_create(objs, batch_size=CHUNK)
        if objs and objs[0].pk is None:  # backends that do not return ids (not SQLite/PG)
            raise RuntimeError("bulk_create did not return primary keys")
        ids = [o.pk for o in objs]
    labels = dict(LinkMode.choices)
    flows = [Flow(household_id=r.household_id, year=r.paid_on.year,
                  component=MODE_COMPONENT[r.mode], amount=r.amount, occurred_on=r.paid_on,
                  source=PAYOUT_SOURCE, ref=f"payout:{pk}",
                  note=f"利益联结·{labels[r.mode]}") for r, pk in zip(rows, ids, strict=True)]
    result = record_flows(actor=actor, flows=flows, reason="利益联结收益")
    return PayoutResult(created=len(ids), households=len(result.households),
                        flows=result.recorded, payout_ids=ids)


def _copy_payouts(rows: Sequence[PayoutRow], user_id: int | None, now: Any) -> list[int]:
    """Large batches on PostgreSQL: COPY into a staging table, one INSERT … SELECT; the ids
    come back in the rows' order (one payout per link and day, so the pair finds its id)."""
    table = connection.ops.quote_name(Payout._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS fupin_payout_stage")
        cursor.execute("CREATE TEMP TABLE fupin_payout_stage (idx integer, link_id bigint, "
                       "paid_on date, amount numeric(14, 2), note varchar(200)) ON COMMIT DROP")
        with cursor.cursor.copy("COPY fupin_payout_stage (idx, link_id, paid_on, amount, note) "
                                "FROM STDIN") as copy:
            for i, r in enumerate(rows):
                copy.write_row((i, r.link_id, r.paid_on, r.amount, r.note[:200]))
        cursor.execute(
            f"WITH ins AS (INSERT INTO {table} (link_id, paid_on, amount, note, created_by_id, "
            "created_at) SELECT link_id, paid_on, amount, note, %s, %s FROM fupin_payout_stage "
            "ORDER BY idx RETURNING id, link_id, paid_on) "
            "SELECT ins.id FROM ins JOIN fupin_payout_stage s "
            "ON s.link_id = ins.link_id AND s.paid_on = ins.paid_on ORDER BY s.idx",
            [user_id, now])
        ids = [r[0] for r in cursor.fetchall()]
        cursor.execute("DROP TABLE fupin_payout_stage")
    if len(ids) != len(rows):  # a (link, day) twice in the batch: the constraint refuses it
        raise RuntimeError("payout staging returned a different number of ids")
    return ids


def add_payout(*, actor: Actor, link: BenefitLink, paid_on: Any, amount: Any,
               note: str = "") -> Payout:
    """One payout of one link (the page and API); the import uses `record_payouts`."""
    value = money(amount, "amount", label="发放金额")
    day = a_date(paid_on, "paid_on", "发放日期")
    not_future(day, "paid_on", "发放日期")
    require_write(actor, link.area_id)
    if day < link.started_on:
        raise ValidationError({"paid_on": [f"发放日期 {day} 早于联结开始日期 {link.started_on}"]})
    if link.ended_on and day > link.ended_on:
        raise ValidationError({"paid_on": [f"联结已于 {link.ended_on} 结束"]})
    if Payout.objects.filter(link=link, paid_on=day).exists():
        raise ValidationError({"paid_on": [f"该联结 {day} 的收益已登记"]})
    with transaction.atomic():
        res = record_payouts(actor=actor, rows=[PayoutRow(link.pk, link.household_id, day, value,
                                                          link.mode, note)])
    return Payout.objects.get(pk=res.payout_ids[0])


@transaction.atomic
def record_asset_income(*, actor: Actor, asset: Asset, year: Any, amount: Any) -> AssetIncome:
    require_write(actor, asset.area_id)
    value = money(amount, "amount", label="年收益", allow_zero=True)
    try:
        y = int(str(year))
    except ValueError:
        raise ValidationError({"year": [f"年度“{year}”应为年份"]}) from None
    if not asset.handed_over_on.year <= y <= today().year:
        raise ValidationError({"year": [f"年度 {y} 应在移交年度 {asset.handed_over_on.year} 至今年之间"]})
    row, _ = AssetIncome.objects.get_or_create(asset=asset, year=y, defaults={"amount": value})
    if row.amount != value:
        row.amount = value
        set_history(row, actor)
        row.save()
    return row


@transaction.atomic
def record_sale(*, actor: Actor, area_code: str = "", seller_kind: str, channel: str,
                product: str, amount: Any, sold_on: Any, household_no: str = "",
                seller_name: str = "") -> ConsumptionSale:
    errors: dict[str, list[str]] = {}
    household = None
    if seller_kind == SellerKind.HOUSEHOLD:
        household = _find_household(household_no)
        area_code = household.area_id
        seller_name = seller_name or household.head_name
    elif seller_kind != SellerKind.COOPERATIVE:
        errors["seller_kind"] = ["销售主体类型应为农户或合作社"]
    from fupin.areas.models import Area

    if not Area.objects.filter(code=str(area_code)).exists():
        errors["area"] = [f"区划代码“{area_code}”不存在"]
    if channel not in SaleChannel.values:
        errors["channel"] = [f"销售渠道“{channel}”无效，应为：{'、'.join(SaleChannel.labels)}"]
    if not str(product).strip():
        errors["product"] = ["请填写产品"]
    if not str(seller_name).strip():
        errors["seller_name"] = ["请填写销售主体（合作社名称）"]
    try:
        value = money(amount, "amount", label="销售额")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        day = a_date(sold_on, "sold_on", "销售日期")
        not_future(day, "sold_on", "销售日期")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    require_write(actor, str(area_code))
    sale = ConsumptionSale(area_id=str(area_code), seller_kind=seller_kind, household=household,
                           seller_name=str(seller_name).strip()[:200], channel=channel,
                           product=str(product).strip()[:200], amount=value, sold_on=day)
    set_history(sale, actor)
    sale.save()
    return sale
