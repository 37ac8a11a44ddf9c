"""Registry rows as DCI records: a household is an SRGroup, a member an SRMember.

The mapping (documented in docs/dci.md) keeps to the specification's fields; what the
standard has no field for stays out. Resident IDs, phones and health (disability) are
included only when the partner is granted them. Built set-based for a page of rows: one
query for the households, one for their members (size and poverty score are computed
from those rows, the same rules as the SQL of `query.poverty_score`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from fupin.registry.choices import NO_LABOUR_VALUES, MemberStatus, Relation
from fupin.registry.models import Household, Member

from .query import _years_ago

CONTEXT = {
    "spdci": "https://schema.spdci.org/extensions/social/v1/",
    "common": "https://schema.spdci.org/common/v1/",
    "schema": "http://schema.org/",
}
POVERTY_SCORE_TYPE = "fupin:deprivation-count:0-5"
SEX = {"M": "male", "F": "female"}
RELATION = {
    Relation.HEAD: "self", Relation.SPOUSE: "spouse", Relation.SON: "child",
    Relation.DAUGHTER: "child", Relation.DAUGHTER_IN_LAW: "child_in_law",
    Relation.SON_IN_LAW: "child_in_law", Relation.GRANDSON: "grandchild",
    Relation.GRANDDAUGHTER: "grandchild", Relation.DAUGHTERS_SON: "grandchild",
    Relation.DAUGHTERS_DAUGHTER: "grandchild", Relation.FATHER: "parent",
    Relation.MOTHER: "parent",
}
EDUCATION = {"preschool": "early_childhood", "illiterate": "none", "primary": "primary",
             "junior": "lower_secondary", "senior": "upper_secondary", "college": "tertiary"}
EMPLOYMENT = {"none": "not_employed", "in_county": "employed", "in_province": "employed",
              "out_province": "employed"}
MEMBER_FIELDS = ("id", "household_id", "name", "resident_id", "sex", "birth_date",
                 "relation_to_head", "education", "employment", "disabled", "phone", "joined_on",
                 "household__household_no")
HOUSEHOLD_FIELDS = ("id", "household_no", "area_id", "area__name", "group", "address", "phone",
                    "identified_on", "created_at", "updated_at")
# what the poverty score needs (computed from the rows already fetched, see `score`)
SCORE_HOUSEHOLD = ("housing_grade", "water_safe")
SCORE_MEMBER = ("medical_insurance", "schooling", "labour")


def score(h: dict[str, Any], members: list[dict[str, Any]], day: dt.date) -> int:
    """`query.poverty_score` (the SQL the predicate filters with) for fetched rows: a page
    of 1,000 households then needs no correlated sub-queries per row. Same rules, same
    active members; tests compare the two."""
    six, sixteen, sixty_five = _years_ago(day, 6), _years_ago(day, 16), _years_ago(day, 65)
    pts = int(h["housing_grade"] in ("C", "D")) + int(h["water_safe"] is False)
    pts += any(m["medical_insurance"] is False for m in members)
    pts += any(m["birth_date"] is not None and sixteen < m["birth_date"] <= six
               and m["schooling"] == "none" for m in members)
    pts += not any(m["birth_date"] is not None and sixty_five < m["birth_date"] <= sixteen
                   and m["labour"] not in NO_LABOUR_VALUES for m in members)
    return pts


def ts(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value:%Y-%m-%d}T00:00:00Z"


def group_identifier(household_no: str) -> list[dict[str, str]]:
    return [{"@type": "Identifier", "identifier_type": "HOUSEHOLD_ID",
             "identifier_value": household_no}]


def member_record(m: dict[str, Any], grants: Iterable[str], top: bool = True) -> dict[str, Any]:
    grants = set(grants)
    ids = [{"@type": "Identifier", "identifier_type": "MEMBER_ID",
            "identifier_value": f"{m['household__household_no']}-{m['id']}"}]
    if "resident_id" in grants:
        ids.insert(0, {"@type": "Identifier", "identifier_type": "UIN",
                       "identifier_value": m["resident_id"]})
    name = m["name"] or ""
    person: dict[str, Any] = {
        "@type": "SRPerson",
        "identifier": ids,
        "name": {"@type": "Name", "surname": name[:1], "given_name": name[1:]},
        "sex": SEX.get(m["sex"], "unknown"),
        "birth_date": ts(m["birth_date"]),
    }
    if "phone" in grants and m["phone"]:
        person["phone_number"] = m["phone"]
    rec: dict[str, Any] = {
        "@type": "Member",
        "@id": f"urn:fupin:member:{m['id']}",
        "member_identifier": ids,
        "demographic_info": person,
        "relationship_head": RELATION.get(m["relation_to_head"], "other"),
        "group_identifier": group_identifier(m["household__household_no"]),
        "registration_date": ts(m["joined_on"]),
    }
    if m["education"]:
        rec["education_level"] = EDUCATION.get(m["education"], m["education"])
    if m["employment"]:
        rec["employment_status"] = EMPLOYMENT.get(m["employment"], m["employment"])
    if "health" in grants:
        rec["is_disabled"] = bool(m["disabled"])
    return {"@context": CONTEXT, **rec} if top else rec


def _members_of(household_ids: list[int], numbers: dict[int, str]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in (Member.objects.filter(household_id__in=household_ids, status=MemberStatus.ACTIVE)
              .order_by().values(*MEMBER_FIELDS[:-1], *SCORE_MEMBER)):
        m["household__household_no"] = numbers[m["household_id"]]
        out[m["household_id"]].append(m)
    for rows in out.values():
        rows.sort(key=lambda m: m["id"])
    return out


def group_records(household_ids: list[int], grants: Iterable[str]) -> list[dict[str, Any]]:
    """SRGroup records for these households, in the order given."""
    if not household_ids:
        return []
    grants = list(grants)
    rows = {h["id"]: h for h in Household.objects.filter(pk__in=household_ids)
            .values(*HOUSEHOLD_FIELDS, *SCORE_HOUSEHOLD)}
    members = _members_of(household_ids, {h: r["household_no"] for h, r in rows.items()})
    day = timezone.localdate()
    out = []
    for hid in household_ids:
        h = rows.get(hid)
        if h is None:
            continue
        mlist = [member_record(m, grants, top=False) for m in members.get(hid, [])]
        head = next((r for r, m in zip(mlist, members.get(hid, []), strict=True)
                     if m["relation_to_head"] == Relation.HEAD), None)
        place: dict[str, Any] = {"@type": "Place", "containedInPlace": h["area_id"],
                                 "address": "".join(x for x in (h["area__name"], h["group"],
                                                                h["address"]) if x)}
        rec: dict[str, Any] = {
            "@context": CONTEXT,
            "@type": "spdci:Group",
            "@id": f"urn:fupin:group:{h['household_no']}",
            "group_identifier": group_identifier(h["household_no"]),
            "group_type": "household",
            "place": place,
            "poverty_score": score(h, members.get(hid, []), day),
            "poverty_score_type": POVERTY_SCORE_TYPE,
            "group_size": len(members.get(hid, [])),
            "member_list": mlist,
            "registration_date": ts(h["identified_on"] or h["created_at"]),
            "last_updated": ts(h["updated_at"]),
        }
        if head is not None:
            rec["group_head_info"] = head
        if "phone" in grants and h["phone"]:
            place["telephone"] = h["phone"]
        out.append(rec)
    return out


def member_records(member_ids: list[int], grants: Iterable[str]) -> list[dict[str, Any]]:
    grants = list(grants)
    rows = {m["id"]: m for m in Member.objects.filter(pk__in=member_ids).values(*MEMBER_FIELDS)}
    return [member_record(rows[i], grants) for i in member_ids if i in rows]


def deleted_group(household_no: str) -> dict[str, Any]:
    """What a DELETE notification carries: the group's identifier, nothing more."""
    return {"@context": CONTEXT, "@type": "spdci:Group", "@id": f"urn:fupin:group:{household_no}",
            "group_identifier": group_identifier(household_no), "group_type": "household",
            "member_list": [], "group_size": 0}


def in_scope(ids: list[int], area_code: str) -> Q:
    return Q(pk__in=ids, area_id__startswith=area_code)
