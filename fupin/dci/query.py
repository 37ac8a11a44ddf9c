"""The three DCI query types compiled to database filters, inside a partner's scope.

* ``idtype-value``: ``{"type": "UIN" | "HOUSEHOLD_ID" | "MOBILE", "value": "…"}``.
* ``expression``: ``{"type": "expression", "value": {"expression": {"collection": "Group",
  "query": {"$and": [{"poverty_score": {"$gte": 3}}, {"location": {"$eq": "500236001"}}]}}}}``
  with ``$and`` / ``$or`` / ``$not`` and operators ``$eq $ne $lt $lte $gt $gte $in``.
* ``predicate``: the specification's list of ``{seq_num, expression1, condition,
  expression2}``; each item is ``expression1`` alone, ``e1 and e2``, ``e1 or e2`` or
  ``e1 and not e2``; items are all required (and), in ``seq_num`` order.

Attributes: ``age`` (years today), ``gender`` (male/female), ``location`` (area code: a
prefix; alias ``area_code``), ``group_size`` (members on the register), ``poverty_score``
(see `poverty_score`), ``UIN`` (resident ID; needs the resident_id grant), ``MOBILE``,
``HOUSEHOLD_ID``. On Group searches a member attribute means "has a member who …".
Everything is filtered in the database; nothing outside the partner's area is ever matched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from fupin.registry.choices import NO_LABOUR_VALUES, MemberStatus
from fupin.registry.models import Household, Member

ID_TYPES = ("UIN", "HOUSEHOLD_ID", "MOBILE")
OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in")
EXPR_OPS = {"$eq": "eq", "$ne": "ne", "$lt": "lt", "$lte": "le", "$gt": "gt", "$gte": "ge",
            "$in": "in"}
MAX_IN = 1000
ATTR_ALIASES = {"area_code": "location", "area-code": "location", "sex": "gender",
                "household_id": "HOUSEHOLD_ID", "uin": "UIN", "mobile": "MOBILE",
                "phone": "MOBILE", "group-size": "group_size", "poverty-score": "poverty_score"}
ATTRIBUTES = ("age", "gender", "location", "group_size", "poverty_score", "UIN", "MOBILE",
              "HOUSEHOLD_ID")
SORTABLE = {"HOUSEHOLD_ID": "household_no", "household_id": "household_no",
            "location": "area_id", "area_code": "area_id", "group_size": "dci_size",
            "poverty_score": "dci_score", "registration_date": "identified_on"}


class QueryError(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # a SearchStatusReasonCode
        self.message = message


@dataclass
class Principal:
    """A partner seen by the scope machinery: area scope, no role, never unrestricted."""

    area_code: str
    pk: None = None
    is_authenticated: bool = True
    is_active: bool = True
    is_superuser: bool = False
    role: str = "dci_partner"
    sees_personal_data: bool = False

    @property
    def scope_codes(self) -> tuple[str, ...]:
        return (self.area_code,)


# -- poverty score ---------------------------------------------------------------------


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def poverty_score(ref: str = "pk", prefix: str = "", today: dt.date | None = None) -> Any:
    """Fupin's deprivation count, 0–5 (higher is poorer), one point each for: unsafe
    housing (grade C or D), unsafe drinking water, a member on the register without basic
    medical insurance, a child aged 6–15 out of school, and no member aged 16–64 able to
    work. `ref` names the household id column of the outer query, `prefix` the path to the
    household's own fields ("" on households, "household__" on members)."""
    day = today or timezone.localdate()
    members = Member.objects.filter(household_id=OuterRef(ref), status=MemberStatus.ACTIVE)
    school_age = members.filter(birth_date__gt=_years_ago(day, 16), birth_date__lte=_years_ago(day, 6),
                                schooling="none")
    workers = members.filter(birth_date__gt=_years_ago(day, 65), birth_date__lte=_years_ago(day, 16)
                             ).exclude(labour__in=NO_LABOUR_VALUES)

    def point(cond: Any) -> Any:
        return Case(When(cond, then=Value(1)), default=Value(0), output_field=IntegerField())

    return (point(Q(**{f"{prefix}housing_grade__in": ["C", "D"]}))
            + point(Q(**{f"{prefix}water_safe": False}))
            + point(Exists(members.filter(medical_insurance=False)))
            + point(Exists(school_age))
            + point(~Exists(workers)))


def group_size(ref: str = "pk") -> Any:
    sub = (Member.objects.filter(household_id=OuterRef(ref), status=MemberStatus.ACTIVE)
           .order_by().values("household_id").annotate(n=Count("id")).values("n"))
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


# -- conditions --------------------------------------------------------------------------


def _attr(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise QueryError("rjct.search_criteria.invalid", "attribute_name 应为非空字符串")
    canon = ATTR_ALIASES.get(name, ATTR_ALIASES.get(name.lower(), name))
    if canon not in ATTRIBUTES:
        raise QueryError("rjct.search_criteria.invalid",
                         f"不支持的查询属性“{name}”，可用：{', '.join(ATTRIBUTES)}")
    return canon


def _int(value: Any, attr: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise QueryError("rjct.search_criteria.invalid", f"{attr} 的值应为整数")
    try:
        n = int(str(value).strip())
    except ValueError:
        raise QueryError("rjct.search_criteria.invalid", f"{attr} 的值“{value}”应为整数") from None
    if not lo <= n <= hi:
        raise QueryError("rjct.search_criteria.invalid", f"{attr} 的值 {n} 应在 {lo}–{hi} 之间")
    return n


def _text(value: Any, attr: str, max_len: int = 40) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise QueryError("rjct.search_criteria.invalid", f"{attr} 的值应为字符串")
    text = str(value).strip()
    if not text or len(text) > max_len:
        raise QueryError("rjct.search_criteria.invalid", f"{attr} 的值长度应为 1–{max_len}")
    return text


def _gender(value: Any) -> str:
    text = _text(value, "gender").lower().rsplit(":", 1)[-1]
    if text in ("male", "m", "男"):
        return "M"
    if text in ("female", "f", "女"):
        return "F"
    raise QueryError("rjct.search_criteria.invalid", f"gender 的值“{value}”应为 male 或 female")


_NUM_LOOKUP = {"eq": "exact", "lt": "lt", "le": "lte", "gt": "gt", "ge": "gte"}


class Compiler:
    """Builds a Q for a collection ("Group" → households, "Member" → members)."""

    def __init__(self, collection: str, *, uin_allowed: bool, today: dt.date | None = None) -> None:
        self.collection = collection
        self.uin_allowed = uin_allowed
        self.today = today or timezone.localdate()
        self.needs: set[str] = set()  # annotations the filter uses: dci_size, dci_score

    # member-level condition as a Q on Member fields (no prefix)
    def _member_q(self, attr: str, op: str, value: Any) -> Q:
        if attr == "age":
            if op == "in":
                q = Q(pk__in=[])
                for v in self._list(value, attr):
                    q |= self._member_q("age", "eq", v)
                return q
            n = _int(value, "age", 0, 150)
            lo, hi = {"eq": (n, n), "ge": (n, None), "gt": (n + 1, None), "le": (None, n),
                      "lt": (None, n - 1)}[op if op != "ne" else "eq"]
            q = Q()
            if lo is not None:
                q &= Q(birth_date__lte=_years_ago(self.today, lo))
            if hi is not None:
                q &= Q(birth_date__gt=_years_ago(self.today, hi + 1))
            return ~q if op == "ne" else q
        if attr == "gender":
            self._only(op, attr, ("eq", "ne", "in"))
            if op == "in":
                return Q(sex__in=[_gender(v) for v in self._list(value, attr)])
            q = Q(sex=_gender(value))
            return ~q if op == "ne" else q
        if attr == "UIN":
            if not self.uin_allowed:
                raise QueryError("rjct.search_criteria.invalid", "该对接方未获授权按身份证号（UIN）查询")
            self._only(op, attr, ("eq", "in"))
            vals = ([_text(v, attr, 18).upper() for v in self._list(value, attr)] if op == "in"
                    else [_text(value, attr, 18).upper()])
            return Q(resident_id__in=vals) if op == "in" else Q(resident_id=vals[0])
        if attr == "MOBILE":
            self._only(op, attr, ("eq", "in"))
            vals = ([_text(v, attr, 20) for v in self._list(value, attr)] if op == "in"
                    else [_text(value, attr, 20)])
            # `phone <> ''` lets the planner use the partial phone index (dci 0003).
            return (Q(phone__in=vals) if op == "in" else Q(phone=vals[0])) & ~Q(phone="")
        raise AssertionError(attr)

    def _household_q(self, attr: str, op: str, value: Any, prefix: str) -> Q:
        if attr == "location":
            self._only(op, attr, ("eq", "in"))
            codes = self._list(value, attr) if op == "in" else [value]
            q = Q(pk__in=[])
            for c in codes:
                code = _text(c, "location", 12)
                if not code.isdigit():
                    raise QueryError("rjct.search_criteria.invalid", f"区划代码“{code}”应为数字")
                q |= Q(**{f"{prefix}area__code__startswith": code})
            return q
        if attr == "HOUSEHOLD_ID":
            self._only(op, attr, ("eq", "in"))
            if op == "in":
                return Q(**{f"{prefix}household_no__in": [_text(v, attr, 30)
                                                         for v in self._list(value, attr)]})
            return Q(**{f"{prefix}household_no": _text(value, attr, 30)})
        field = {"group_size": "dci_size", "poverty_score": "dci_score"}[attr]
        self.needs.add(field)
        lim = (0, 100) if attr == "group_size" else (0, 5)
        if op == "in":
            return Q(**{f"{field}__in": [_int(v, attr, *lim) for v in self._list(value, attr)]})
        n = _int(value, attr, *lim)
        if op == "ne":
            return ~Q(**{field: n})
        return Q(**{f"{field}__{_NUM_LOOKUP[op]}": n})

    def condition(self, attr_name: Any, op: Any, value: Any) -> Q:
        attr = _attr(attr_name)
        if op not in OPS:
            raise QueryError("rjct.search_criteria.invalid", f"不支持的运算符“{op}”")
        member_attr = attr in ("age", "gender", "UIN", "MOBILE")
        if self.collection == "Member":
            if member_attr:
                return self._member_q(attr, op, value)
            return self._household_q(attr, op, value, "household__")
        if member_attr:
            inner = self._member_q(attr, op, value)
            q = Q(Exists(Member.objects.filter(inner, household_id=OuterRef("pk"),
                                               status=MemberStatus.ACTIVE)))
            if attr == "MOBILE":
                q |= Q(phone__in=self._list(value, attr) if op == "in" else [value]) & ~Q(phone="")
            return q
        return self._household_q(attr, op, value, "")

    @staticmethod
    def _only(op: str, attr: str, allowed: tuple[str, ...]) -> None:
        if op not in allowed:
            raise QueryError("rjct.search_criteria.invalid",
                             f"属性 {attr} 只支持运算符 {', '.join(allowed)}")

    @staticmethod
    def _list(value: Any, attr: str) -> list[Any]:
        # The specification's attribute_value cannot be an array (its oneOf has no array
        # type): "in" takes a comma-separated string, or an array from lenient clients.
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not value or len(value) > MAX_IN:
            raise QueryError("rjct.search_criteria.invalid",
                             f"{attr} 的 in 运算须给出 1–{MAX_IN} 个值的数组")
        return value

    # -- the three query types -----------------------------------------------------------

    def idtype_value(self, query: Any) -> Q:
        if not isinstance(query, dict) or "type" not in query or "value" not in query:
            raise QueryError("rjct.search_criteria.invalid", "idtype-value 查询须为 {type, value}")
        kind = str(query["type"]).rsplit(":", 1)[-1].upper()
        if kind not in ID_TYPES:
            raise QueryError("rjct.search_criteria.invalid",
                             f"不支持的证件类型“{query['type']}”，可用：{', '.join(ID_TYPES)}")
        return self.condition(kind, "eq", query["value"])

    def expression(self, query: Any) -> tuple[Q, str | None]:
        expr = query
        if isinstance(expr, dict) and "value" in expr and isinstance(expr["value"], dict):
            expr = expr["value"]
        if isinstance(expr, dict) and "expression" in expr:
            expr = expr["expression"]
        if not isinstance(expr, dict) or "query" not in expr:
            raise QueryError("rjct.search_criteria.invalid",
                             "expression 查询须为 {type, value: {expression: {collection, query}}}")
        collection = expr.get("collection")
        if collection is not None and collection not in ("Group", "Member"):
            raise QueryError("rjct.search_criteria.invalid", "collection 应为 Group 或 Member")
        return self._node(expr["query"], 0), collection

    def _node(self, node: Any, depth: int) -> Q:
        if depth > 10:
            raise QueryError("rjct.search_criteria.invalid", "表达式嵌套过深（最多 10 层）")
        if not isinstance(node, dict) or not node:
            raise QueryError("rjct.search_criteria.invalid", "表达式的每一项应为非空对象")
        q = Q()
        for key, val in node.items():
            if key in ("$and", "$or"):
                if not isinstance(val, list) or not val:
                    raise QueryError("rjct.search_criteria.invalid", f"{key} 须为非空数组")
                parts = [self._node(v, depth + 1) for v in val]
                combined = parts[0]
                for p in parts[1:]:
                    combined = (combined & p) if key == "$and" else (combined | p)
                q &= combined
            elif key == "$not":
                q &= ~self._node(val, depth + 1)
            elif isinstance(val, dict):
                if not val:
                    raise QueryError("rjct.search_criteria.invalid", f"{key} 的条件为空")
                for op, v in val.items():
                    if op not in EXPR_OPS:
                        raise QueryError("rjct.search_criteria.invalid", f"不支持的运算符“{op}”")
                    q &= self.condition(key, EXPR_OPS[op], v)
            else:
                q &= self.condition(key, "eq", val)
        return q

    def predicate(self, query: Any) -> Q:
        if not isinstance(query, list) or not query or len(query) > 50:
            raise QueryError("rjct.search_criteria.invalid", "predicate 查询须为 1–50 项的数组")
        items = []
        for item in query:
            if not isinstance(item, dict) or not isinstance(item.get("expression1"), dict):
                raise QueryError("rjct.search_criteria.invalid", "predicate 的每一项须有 expression1")
            seq = item.get("seq_num", 0)
            if isinstance(seq, bool) or not isinstance(seq, (int, float)):
                raise QueryError("rjct.search_criteria.invalid", "seq_num 应为数字")
            items.append((seq, item))
        q = Q()
        for _seq, item in sorted(items, key=lambda p: p[0]):
            e1 = self._expr(item["expression1"])
            cond = item.get("condition")
            e2 = self._expr(item["expression2"]) if item.get("expression2") is not None else None
            if cond is None and e2 is None:
                part = e1
            elif cond == "not" and e2 is None:
                part = ~e1
            elif cond in ("and", "or", "not") and e2 is not None:
                part = e1 & e2 if cond == "and" else e1 | e2 if cond == "or" else e1 & ~e2
            else:
                raise QueryError("rjct.search_criteria.invalid",
                                 "condition 应为 and / or / not，且 and、or 须有 expression2")
            q &= part
        return q

    def _expr(self, e: Any) -> Q:
        if not isinstance(e, dict) or not {"attribute_name", "operator", "attribute_value"} <= set(e):
            raise QueryError("rjct.search_criteria.invalid",
                             "表达式须含 attribute_name、operator、attribute_value")
        return self.condition(e["attribute_name"], e["operator"], e["attribute_value"])


def base_queryset(collection: str, principal: Principal) -> QuerySet[Any]:
    if collection == "Member":
        return Member.objects.visible_to(principal).filter(status=MemberStatus.ACTIVE)
    return Household.objects.visible_to(principal)


def annotate(qs: QuerySet[Any], collection: str, needs: set[str]) -> QuerySet[Any]:
    ref, prefix = ("household_id", "household__") if collection == "Member" else ("pk", "")
    if "dci_size" in needs:
        qs = qs.annotate(dci_size=group_size(ref))
    if "dci_score" in needs:
        qs = qs.annotate(dci_score=poverty_score(ref, prefix))
    return qs


def order(qs: QuerySet[Any], collection: str, sort: Any, compiler: Compiler) -> QuerySet[Any]:
    """Apply the request's `sort` list; rejects unknown attributes."""
    keys: list[Any] = []
    if sort is not None:
        if not isinstance(sort, list) or len(sort) > 5:
            raise QueryError("rjct.sort.invalid", "sort 应为至多 5 项的数组")
        for s in sort:
            if not isinstance(s, dict):
                raise QueryError("rjct.sort.invalid", "sort 的每一项应为 {attribute_name, sort_order}")
            name = s.get("attribute_name")
            direction = s.get("sort_order", "asc")
            field = SORTABLE.get(name) if isinstance(name, str) else None
            if name == "age" and collection == "Member":
                field = "-birth_date"
            if field is None or direction not in ("asc", "desc"):
                raise QueryError("rjct.sort.invalid",
                                 f"不能按“{name}”排序；可用：{', '.join(sorted(SORTABLE))}"
                                 + ("、age" if collection == "Member" else ""))
            if field in ("dci_size", "dci_score"):
                compiler.needs.add(field)
            if collection == "Member" and not field.startswith("-") and field not in (
                    "dci_size", "dci_score"):
                field = "household__" + field
            desc = direction == "desc"
            if field.startswith("-"):
                field, desc = field[1:], not desc
            keys.append(F(field).desc() if desc else F(field).asc())
    tie = ["household__household_no", "pk"] if collection == "Member" else ["household_no"]
    return qs.order_by(*keys, *tie)


