"""Choices of the projects app (Chinese labels are the canonical values shown)."""

from __future__ import annotations

from django.db import models


class Category(models.TextChoices):
    INDUSTRY = "industry", "产业"
    EMPLOYMENT = "employment", "就业"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    PUBLIC_SERVICE = "public_service", "公共服务"
    HOUSING = "housing", "住房"
    WATER = "water", "饮水"
    EDUCATION = "education", "教育"
    HEALTH = "health", "健康"
    OTHER = "other", "其他"


class State(models.TextChoices):
    """MECHANISM.md §5.6, in order."""

    VILLAGE_PROPOSED = "village_proposed", "村级申报（四议两公开）"
    VILLAGE_NOTICE = "village_notice", "村级公示"
    TOWNSHIP_REVIEWED = "township_reviewed", "乡镇审核"
    TOWNSHIP_NOTICE = "township_notice", "乡镇公示"
    COUNTY_SECTOR_APPRAISED = "county_sector_appraised", "行业部门论证"
    COUNTY_APPROVED = "county_approved", "县级审定"
    COUNTY_NOTICE = "county_notice", "县级公告"
    IN_LIBRARY = "in_library", "已入库"
    PLANNED = "planned", "列入年度计划"
    FUNDED = "funded", "资金已下达"
    IMPLEMENTING = "implementing", "实施中"
    COMPLETED = "completed", "已完工"
    ACCEPTED = "accepted", "已验收"
    SITE_NOTICE = "site_notice", "竣工公示"
    ASSET_HANDED_OVER = "asset_handed_over", "资产已移交"
    REMOVED = "removed", "已出库"


STATE_ORDER = {s.value: i for i, s in enumerate(State)}
PRE_LIBRARY = [State.VILLAGE_PROPOSED, State.VILLAGE_NOTICE, State.TOWNSHIP_REVIEWED,
               State.TOWNSHIP_NOTICE, State.COUNTY_SECTOR_APPRAISED, State.COUNTY_APPROVED,
               State.COUNTY_NOTICE]


class NoticeLevel(models.TextChoices):
    VILLAGE = "village", "村级公示"
    TOWNSHIP = "township", "乡镇公示"
    COUNTY = "county", "县级公告"
    SITE = "site", "项目竣工公示"


class FundKind(models.TextChoices):
    CENTRAL = "central", "中央财政"
    CITY = "city", "市级财政"
    COUNTY = "county", "区县财政"
    INTEGRATED = "integrated", "统筹整合涉农资金"
    EAST_WEST = "east_west", "东西部协作"
    PAIRED = "paired", "定点帮扶"
    DONATION = "donation", "社会捐赠"
    OTHER = "other", "其他"


class PartnerKind(models.TextChoices):
    PROJECT = "project", "扶贫项目"
    ENTERPRISE = "enterprise", "企业"
    COOPERATIVE = "cooperative", "合作社"
    COLLECTIVE = "collective", "村集体"


class LinkMode(models.TextChoices):
    ASSET_DIVIDEND = "asset_dividend", "资产收益分红"
    LAND_RENT = "land_rent", "土地流转租金"
    EQUITY_DIVIDEND = "equity_dividend", "资金入股分红"
    WAGE = "wage", "务工工资"
    CONSIGNMENT = "consignment", "产品代销"
    CUSTODY = "custody", "生产托管"
    COLLECTIVE_DIVIDEND = "collective_dividend", "村集体二次分红"


# The household income component a payout of each mode adds to (registry.income_flows).
MODE_COMPONENT = {m.value: ("wage_income" if m == LinkMode.WAGE else "property_income")
                  for m in LinkMode}


class AssetKind(models.TextChoices):
    OPERATING = "operating", "经营性"
    PUBLIC = "public", "公益性"
    HOUSEHOLD = "household", "到户类"


class SaleChannel(models.TextChoices):
    UNIT_PURCHASE = "unit_purchase", "帮扶单位采购"
    ECOMMERCE = "ecommerce", "电商"
    SUPERMARKET = "supermarket", "商超"
    LIVESTREAM = "livestream", "直播"
    COUNTER = "counter", "消费扶贫专柜"


class SellerKind(models.TextChoices):
    HOUSEHOLD = "household", "农户"
    COOPERATIVE = "cooperative", "合作社"


class BeneficiaryKind(models.TextChoices):
    REGISTERED = "registered", "建档立卡户"
    MONITORED = "monitored", "监测户"
    ORDINARY = "ordinary", "一般农户"
