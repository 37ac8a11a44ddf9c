"""Coded lists of the registry (LEDGER.md, MECHANISM.md §3). Stored values are stable codes;
the Chinese label is what pages and exports show."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class HouseholdType(models.TextChoices):
    ORDINARY = "ordinary", _("一般农户")
    LIFTED = "lifted", _("脱贫户")
    POOR = "poor", _("未脱贫户")


REGISTERED_TYPES = (HouseholdType.LIFTED, HouseholdType.POOR)


class WelfareStatus(models.TextChoices):
    GENERAL = "general", _("一般户")
    DIBAO = "dibao", _("低保户")
    TEKUN = "tekun", _("特困供养户")


class MonitoringType(models.TextChoices):
    NONE = "", _("非监测对象")
    UNSTABLE = "unstable", _("脱贫不稳定户")
    EDGE = "edge", _("边缘易致贫户")
    SUDDEN = "sudden", _("突发严重困难户")


class PovertyCause(models.TextChoices):
    ILLNESS = "01", _("因病")
    DISABILITY = "02", _("因残")
    SCHOOLING = "03", _("因学")
    DISASTER = "04", _("因灾")
    MARRIAGE = "05", _("因婚")
    NO_LAND = "06", _("缺土地")
    NO_WATER = "07", _("缺水")
    NO_SKILLS = "08", _("缺技术")
    NO_CAPITAL = "09", _("缺资金")
    NO_LABOUR = "10", _("缺劳力")
    POOR_TRANSPORT = "11", _("交通条件落后")
    NO_DRIVE = "12", _("自身发展动力不足")
    FUNERAL = "13", _("因丧")
    OTHER = "99", _("其他")


class RiskType(models.TextChoices):
    ILLNESS = "illness", _("因病")
    SCHOOLING = "schooling", _("因学")
    DISABILITY = "disability", _("因残")
    DISASTER = "disaster", _("因自然灾害")
    ACCIDENT = "accident", _("因意外事故")
    BUSINESS_FAILURE = "business", _("因产业项目失败")
    UNSTABLE_JOB = "job", _("因务工就业不稳")
    NO_LABOUR = "no_labour", _("缺劳动力")
    HOUSING = "housing", _("住房出现安全问题")
    WATER = "water", _("饮水安全问题")
    EPIDEMIC = "epidemic", _("因疫情")
    OTHER = "other", _("其他")


class HousingGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", _("C（局部危房）")
    D = "D", _("D（整幢危房）")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    DAUGHTER_IN_LAW = "daughter_in_law", _("之儿媳")
    SON_IN_LAW = "son_in_law", _("之女婿")
    GRANDSON = "grandson", _("之孙子")
    GRANDDAUGHTER = "granddaughter", _("之孙女")
    DAUGHTERS_SON = "daughters_son", _("之外孙子")
    DAUGHTERS_DAUGHTER = "daughters_daughter", _("之外孙女")
    FATHER = "father", _("之父")
    MOTHER = "mother", _("之母")
    WIFES_FATHER = "wifes_father", _("之岳父")
    WIFES_MOTHER = "wifes_mother", _("之岳母")
    HUSBANDS_FATHER = "husbands_father", _("之公公")
    HUSBANDS_MOTHER = "husbands_mother", _("之婆婆")
    SIBLING = "sibling", _("之兄弟姐妹")
    OTHER = "other", _("其他")


class Education(models.TextChoices):
    PRESCHOOL = "preschool", _("学龄前")
    ILLITERATE = "illiterate", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    COLLEGE = "college", _("大专及以上")


class Schooling(models.TextChoices):
    NOT_IN_SCHOOL = "none", _("非在校生")
    PRESCHOOL = "preschool", _("学前教育")
    PRIMARY = "primary", _("小学")
    GRADE7 = "grade7", _("七年级")
    GRADE8 = "grade8", _("八年级")
    GRADE9 = "grade9", _("九年级")
    HOME_TAUGHT = "home_taught", _("送教上门")
    SENIOR = "senior", _("高中")
    SECONDARY_VOC = "secondary_voc", _("中职")
    HIGHER_VOC = "higher_voc", _("高职")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科及以上")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("患有大病")
    DISABLED = "disabled", _("残疾")


class DisabilityGrade(models.TextChoices):
    NONE = "", _("无")
    G1 = "1", _("一级")
    G2 = "2", _("二级")
    G3 = "3", _("三级")
    G4 = "4", _("四级")


class Labour(models.TextChoices):
    ORDINARY = "ordinary", _("普通劳动力")
    SKILLED = "skilled", _("技能劳动力")
    WEAK = "weak", _("弱劳动力或半劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")


NO_LABOUR_VALUES = (Labour.LOST, Labour.NONE)


class Employment(models.TextChoices):
    NONE = "none", _("未务工")
    IN_COUNTY = "in_county", _("县内务工")
    IN_PROVINCE = "in_province", _("县外省内务工")
    OUT_PROVINCE = "out_province", _("省外务工")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    DECEASED = "deceased", _("死亡")
    MOVED_OUT = "moved_out", _("迁出")
    MARRIED_OUT = "married_out", _("婚出")


class MemberEventKind(models.TextChoices):
    DEATH = "death", _("死亡")
    MOVED_OUT = "moved_out", _("迁出")
    MARRIED_OUT = "married_out", _("婚出")
    BIRTH = "birth", _("出生")
    MOVED_IN = "moved_in", _("迁入")
    MARRIED_IN = "married_in", _("婚入")


LEAVING_EVENTS = {
    MemberEventKind.DEATH: MemberStatus.DECEASED,
    MemberEventKind.MOVED_OUT: MemberStatus.MOVED_OUT,
    MemberEventKind.MARRIED_OUT: MemberStatus.MARRIED_OUT,
}
JOINING_EVENTS = (MemberEventKind.BIRTH, MemberEventKind.MOVED_IN, MemberEventKind.MARRIED_IN)


class AssessmentKind(models.TextChoices):
    HOUSING = "housing", _("住房安全鉴定")
    WATER = "water", _("饮水安全评估")


def label_to_value(choices: type[models.TextChoices]) -> dict[str, str]:
    """Chinese label -> stored value, for imports and exports. Always the Chinese labels:
    ledgers are a contract in Chinese, whatever language the user's pages are in."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices.choices}
