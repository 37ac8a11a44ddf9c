"""Load the five seed counties' NBS division codes, so a fresh database has them."""

import csv
from pathlib import Path

from django.db import migrations

PARENTS = [("50", "重庆市", "province", None), ("5001", "市辖区", "city", "50"), ("5002", "县", "city", "50")]


def load(apps, schema_editor):
    Area = apps.get_model("areas", "Area")
    path = Path(__file__).resolve().parent.parent / "data" / "divisions.csv"
    with path.open(encoding="utf-8-sig") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: (len(r["code"]), r["code"]))
    existing = set(Area.objects.values_list("code", flat=True))
    objs = [Area(code=c, name=n, level=lv, parent_id=p) for c, n, lv, p in PARENTS if c not in existing]
    objs += [Area(code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent_code"] or None,
                  urban_rural_code=r.get("urban_rural_code") or "")
             for r in rows if r["code"] not in existing]
    Area.objects.bulk_create(objs, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
