"""Background work of the DCI API: async search / subscribe / unsubscribe / txn-status
answers posted to the partner, and subscription notifications after registry changes."""

from __future__ import annotations

from typing import Any

from fupin.core.jobs import Progress, job_function
from fupin.core.models import Job

from . import delivery, protocol, services
from .models import ChangeEvent, Transaction, TxnKind, TxnStatus

CALLBACK_ACTION = {TxnKind.SEARCH: "on-search", TxnKind.SUBSCRIBE: "on-subscribe",
                   TxnKind.UNSUBSCRIBE: "on-unsubscribe", TxnKind.TXN_STATUS: "txn-on-status"}


def answer(txn: Transaction) -> tuple[dict[str, Any], str]:
    """The callback message for an async transaction and its header status."""
    partner, req = txn.partner, txn.request
    header, message = req["header"], req["message"]
    if txn.kind == TxnKind.SEARCH:
        response, _n = services.run_search(partner, txn, message, action="search")
        return response, services.header_status(response["search_response"])
    if txn.kind == TxnKind.SUBSCRIBE:
        response = services.run_subscribe(partner, txn, header, message)
        return response, services.header_status(response["subscribe_response"])
    if txn.kind == TxnKind.UNSUBSCRIBE:
        response = services.run_unsubscribe(partner, txn, message)
        return response, response["status"]
    return services.run_txn_status(partner, txn, message)


@job_function("dci_callback")
def run_callback(job: Job, progress: Progress, txn_id: int) -> dict[str, Any]:
    txn = Transaction.objects.select_related("partner").get(pk=txn_id)
    progress.start(2, "处理请求")
    Transaction.objects.filter(pk=txn.pk).update(status=TxnStatus.PDNG)
    message, status = answer(txn)
    progress.advance(1, "回调对接方")
    action = CALLBACK_ACTION[TxnKind(txn.kind)]
    items = len(txn.request["message"].get("search_request") or
                txn.request["message"].get("subscribe_request") or [1])
    header = protocol.callback_header(action, txn.partner, status=status, total=items,
                                      completed=items)
    d = delivery.callback(txn.partner, txn, action, txn.sender_uri, protocol.signed(header, message))
    progress.advance(1)
    return {"delivered": d.status == "delivered", "attempts": d.attempts}


@job_function("dci_notify")
def run_notify(job: Job, progress: Progress, event_id: int) -> dict[str, Any]:
    event = ChangeEvent.objects.get(pk=event_id)
    return delivery.process_event(event, progress)
