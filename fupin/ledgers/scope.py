"""The ledgers pages in the scope test matrix: import batches are seen by the importing
user and by users whose scope covers the file's area; others get 404."""

from __future__ import annotations

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder


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
