"""The ledgers pages in the scope test matrix: import batches are seen by the importing
user and by users whose scope covers the file's area; others get 404."""

from __future__ import annotations

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder, register_write


def _batch(world: World) -> World:
    from .models import BatchStatus, ImportBatch
    household = world["household"]
    batch = ImportBatch.objects.create(
        file_name=f"台账_{household.household_no}.xlsx", file_format="xlsx",
        area_code=household.area_id, status=BatchStatus.COMMITTED, read=1, accepted=1,
        households_accepted=1, unchanged=1)
    import xlsxwriter

    from .services.report import report_path
    path = report_path(batch)
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("拒收行").write_row(0, 0, ["原文件行号", "户编号", "拒收原因"])
    wb.close()
    batch.report_file, batch.rejected = str(path), 1
    batch.save()
    return {"ledger_batch": batch}


register_builder("ledgers", _batch)
register("ledger import list", "list", lambda w: reverse("ledgers:batch_list"),
         lambda w: w["ledger_batch"].file_name)
register("ledger import page (recent imports)", "list", lambda w: reverse("ledgers:import"),
         lambda w: w["ledger_batch"].file_name)
register("ledger import result", "detail", lambda w: reverse("ledgers:batch", args=[w["ledger_batch"].pk]))
register("ledger rejected-rows report", "detail",
         lambda w: reverse("ledgers:batch_report", args=[w["ledger_batch"].pk]))



def _ledger_file(w: World) -> dict[str, object]:
    """A ledger naming a new household in the target village (the import runs at once in
    tests; an outsider's batch must reject the row)."""
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from fupin.core.testing import next_resident_id

    from .services.columns import COLUMNS
    headers = [c.header for c in COLUMNS]
    row = {"户编号": "LEDGERX0001", "姓名": "越权户主", "身份证号": next_resident_id(),
           "与户主关系": "户主", "村(社区)代码": w["household"].area_id, "户类型": "一般户",
           "户属性": "一般户"}
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(headers)
    out.writerow([row.get(h, "") for h in headers])
    return {"file": SimpleUploadedFile("越权台账.csv", buf.getvalue().encode("utf-8"))}


# The import and export run as jobs in the sender's name: the job (and the import batch with
# its rejected rows) are the sender's own records; no registry row may change.
register_write("ledger import", "ledgers:import", lambda w: reverse("ledgers:import"), creates=True,
               payload=_ledger_file, own_rows=("core.Job", "ledgers.ImportBatch"),
               tables=("registry.Household",))
register_write("ledger export", "ledgers:export", lambda w: reverse("ledgers:export"), creates=True,
               payload=lambda w: {"area": w["household"].area_id}, own_rows=("core.Job",))
