"""Loading division files and answering questions about the area tree."""

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import LEVEL_BY_LENGTH, Area

BUNDLED_DIVISIONS = Path(__file__).resolve().parent / "data" / "divisions.csv"
PARENT_NAMES = {"50": "重庆市", "5001": "市辖区", "5002": "县"}
REQUIRED_COLUMNS = {"code", "name", "level", "parent_code"}


def level_for_code(code: str) -> str:
    try:
        return LEVEL_BY_LENGTH[len(code)]
    except KeyError:
        raise ValidationError(f"区划代码“{code}”长度应为 2、4、6、9 或 12 位") from None


def parse_divisions(text: str) -> list[dict[str, str]]:
    """Rows of a division file; refuses the whole file with the line of the first problem."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
    if missing:
        raise ValidationError(f"区划文件缺少列：{'、'.join(sorted(missing))}")
    rows = []
    for lineno, row in enumerate(reader, start=2):
        code = (row.get("code") or "").strip()
        if not code.isdigit():
            raise ValidationError(f"第 {lineno} 行：区划代码“{code}”不是数字")
        level = level_for_code(code)
        if (row.get("level") or level) != level:
            raise ValidationError(f"第 {lineno} 行：代码 {code} 的层级应为 {level}")
        rows.append({
            "code": code,
            "name": (row.get("name") or "").strip(),
            "level": level,
            "parent_code": (row.get("parent_code") or "").strip(),
            "urban_rural_code": (row.get("urban_rural_code") or "").strip(),
        })
    return rows


@transaction.atomic
def load_divisions(rows: Iterable[dict[str, str]]) -> dict[str, int]:
    """Upsert areas in bulk, parents first; creates missing province/city parents by code."""
    rows = sorted(rows, key=lambda r: (len(r["code"]), r["code"]))
    wanted = {r["code"] for r in rows}
    extra = []
    for r in rows:
        p = r["parent_code"]
        while p and p not in wanted:
            wanted.add(p)
            extra.append({"code": p, "name": PARENT_NAMES.get(p, p), "level": level_for_code(p),
                          "parent_code": p[:4] if len(p) > 4 else (p[:2] if len(p) > 2 else ""),
                          "urban_rural_code": ""})
            p = extra[-1]["parent_code"]
    rows = sorted(extra + rows, key=lambda r: (len(r["code"]), r["code"]))
    existing = set(Area.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    objs = [
        Area(code=r["code"], name=r["name"], level=r["level"],
             parent_id=r["parent_code"] or None, urban_rural_code=r["urban_rural_code"])
        for r in rows
    ]
    new = [o for o in objs if o.code not in existing]
    old = [o for o in objs if o.code in existing]
    # Existing parents are not re-created; names of extras never overwrite real names.
    extra_codes = {e["code"] for e in extra}
    old = [o for o in old if o.code not in extra_codes]
    Area.objects.bulk_create(new, batch_size=2000)
    Area.objects.bulk_update(old, ["name", "level", "parent", "urban_rural_code"], batch_size=2000)
    return {"created": len(new), "updated": len(old)}


def load_bundled_divisions() -> dict[str, int]:
    return load_divisions(parse_divisions(BUNDLED_DIVISIONS.read_text(encoding="utf-8")))


def counties() -> list[Area]:
    return list(Area.objects.filter(level="county").order_by("code"))
