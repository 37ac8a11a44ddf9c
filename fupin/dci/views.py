"""The DCI endpoints (JSON only, partner-token authenticated) and the partner pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from fupin.accounts.actors import actor_of
from fupin.accounts.models import User
from fupin.accounts.scope import area_in_scope
from fupin.core.generic import apply_errors
from fupin.core.jobs import start_job

from . import protocol, services, signing
from .forms import PartnerForm
from .models import Partner, TxnKind
from .protocol import DciError, HttpError

log = logging.getLogger(__name__)

Handler = Callable[[Partner, dict[str, Any], dict[str, Any]], HttpResponse]


def endpoint(action: str, reply_action: str, sync: bool) -> Callable[[Handler], Callable[..., HttpResponse]]:
    """Wrap a handler with authentication, envelope checks, signature check and the
    specification's error responses (never an HTML page, never a bare 500)."""
    def wrap(handler: Handler) -> Callable[..., HttpResponse]:
        @csrf_exempt
        def view(request: HttpRequest) -> HttpResponse:
            partner: Partner | None = None
            try:
                if request.method != "POST":
                    raise HttpError(405, "err.request.bad", "只接受 POST")
                partner = protocol.authenticate(request)
                body = protocol.parse_body(request)
                protocol.verify_signature(partner, body)
                header = protocol.check_header(body, action, partner)
                return handler(partner, header, body["message"])
            except HttpError as exc:
                return protocol.http_error(exc.status, exc.code, exc.message)
            except DciError as exc:
                return (protocol.sync_error(exc, reply_action, partner) if sync
                        else protocol.ack_error(exc))
            except Exception:  # a bug must still answer in the specification's shape
                log.exception("DCI %s failed", action)
                return protocol.http_error(500, "err.service.unavailable", "服务内部错误，请稍后重试")
        view.__name__ = f"dci_{reply_action}_{'sync' if sync else 'async'}"
        return view
    return wrap


def _async(partner: Partner, header: dict[str, Any], message: dict[str, Any], kind: str,
           reply: str, items_key: str | None) -> HttpResponse:
    protocol.check_transaction_id(message)
    refs: list[Any] = []
    if items_key:
        items = protocol.check_batch(header, message.get(items_key), items_key)
        refs = [i.get("reference_id") for i in items if isinstance(i, dict)]
    uri = services.callback_uri(partner, header, reply)
    txn = services.open_transaction(partner, kind, header, message, sync=False, reference_ids=refs)
    if not txn.sender_uri:
        txn.sender_uri = uri
        txn.save(update_fields=["sender_uri"])
    start_job("dci_callback", f"DCI {kind}（{partner.name}）", area_code=partner.area_id,
              params={"txn_id": txn.pk})
    return protocol.ack(txn.correlation_id)


@endpoint("search", "on-search", sync=False)
def search(partner: Partner, header: dict[str, Any], message: dict[str, Any]) -> HttpResponse:
    return _async(partner, header, message, TxnKind.SEARCH, "on-search", "search_request")


@endpoint("search", "on-search", sync=True)
def sync_search(partner: Partner, header: dict[str, Any], message: dict[str, Any]) -> HttpResponse:
    protocol.check_transaction_id(message)
    items = protocol.check_batch(header, message.get("search_request"), "search_request")
    txn = services.new_transaction(partner, TxnKind.SEARCH, header, message, sync=True,
                                   reference_ids=[i.get("reference_id") for i in items
                                                  if isinstance(i, dict)])
    with transaction.atomic():
        response, _n = services.run_search(partner, txn, message, action="sync/search")
    reply = protocol.callback_header("on-search", partner,
                                     status=services.header_status(response["search_response"]),
                                     total=len(items), completed=len(items))
    return HttpResponse(protocol.signed_bytes(reply, response), content_type="application/json")


@endpoint("subscribe", "on-subscribe", sync=False)
def subscribe(partner: Partner, header: dict[str, Any], message: dict[str, Any]) -> HttpResponse:
    services.notify_uri_for(partner, header)  # refuse now when there is nowhere to notify
    return _async(partner, header, message, TxnKind.SUBSCRIBE, "on-subscribe", "subscribe_request")


@endpoint("unsubscribe", "on-unsubscribe", sync=False)
def unsubscribe(partner: Partner, header: dict[str, Any], message: dict[str, Any]) -> HttpResponse:
    return _async(partner, header, message, TxnKind.UNSUBSCRIBE, "on-unsubscribe", None)


@endpoint("txn-status", "txn-on-status", sync=False)
def txn_status(partner: Partner, header: dict[str, Any], message: dict[str, Any]) -> HttpResponse:
    return _async(partner, header, message, TxnKind.TXN_STATUS, "txn-on-status", None)


@endpoint("txn-status", "txn-on-status", sync=True)
def sync_txn_status(partner: Partner, header: dict[str, Any], message: dict[str, Any]) -> HttpResponse:
    protocol.check_transaction_id(message)
    txn = services.open_transaction(partner, TxnKind.TXN_STATUS, header, message, sync=True,
                                    reference_ids=[])
    response, status = services.run_txn_status(partner, txn, message)
    reply = protocol.callback_header("txn-on-status", partner, status=status, total=1, completed=1)
    return HttpResponse(protocol.signed_bytes(reply, response), content_type="application/json")


@csrf_exempt
def not_served(request: HttpRequest, rest: str = "") -> HttpResponse:
    """The on-* callbacks and notify are served by the partner (SP-MIS), not by the social
    registry; anything else under /api/dci/ is unknown. JSON either way, never HTML."""
    return protocol.http_error(404, "err.request.not_found",
                               f"本系统（社会登记）不提供 /{rest}；on-* 回调与 notify 由对接方实现")


def public_key(request: HttpRequest) -> HttpResponse:
    """Fupin's signing public key (PEM), for partners to verify callbacks."""
    return HttpResponse(signing.server_public_pem(), content_type="application/x-pem-file")


# -- partner management pages ----------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # the views are login_required


def _require_admin(request: HttpRequest) -> None:
    if not services.can_manage(actor_of(request)):
        raise PermissionDenied("只有县级（及以上）管理员可以管理 DCI 对接方")


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = Partner.objects.visible_to(request.user).select_related("area")
    return render(request, "dci/partner_list.html", {
        "partners": partners, "form": PartnerForm(), "public_key": signing.server_public_pem(),
        "receiver_id": signing.receiver_id(), "can_manage": services.can_manage(actor_of(request)),
        "new_token": request.session.pop("dci_new_token", None),
    })


@login_required
def partner_add(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner, token = services.add_partner(actor=_user(request), **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session["dci_new_token"] = {"name": partner.name, "token": token}
            messages.success(request, f"已登记对接方“{partner.name}”，请立即复制令牌：只显示这一次")
            return redirect("dci:partner_list")
    return render(request, "dci/partner_form.html", {"form": form, "title": "登记 DCI 对接方",
                                                     "can_manage": True})


def _partner(request: HttpRequest, pk: int) -> Partner:
    partner = Partner.objects.visible_to(request.user).filter(pk=pk).select_related("area").first()
    if partner is None or not area_in_scope(request.user, partner.area_id):
        raise Http404("对接方不存在")
    return partner


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner(request, pk)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST":
        _require_admin(request)
        if "rotate" in request.POST:
            token = services.rotate_token(actor=_user(request), partner=partner)
            request.session["dci_new_token"] = {"name": partner.name, "token": token}
            messages.success(request, "已更换令牌，旧令牌立即失效")
            return redirect("dci:partner_list")
        if form.is_valid():
            try:
                kw = form.service_kwargs()
                services.update_partner(actor=_user(request), partner=partner, area_code=kw["area_code"],
                                        grants=kw["grants"], public_key=kw["public_key"],
                                        callback_uri=kw["callback_uri"],
                                        active=form.cleaned_data["active"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已保存")
                return redirect("dci:partner_detail", pk=partner.pk)
    return render(request, "dci/partner_form.html", {
        "form": form, "partner": partner, "can_manage": services.can_manage(actor_of(request), partner.area_id),
        "title": f"DCI 对接方：{partner.name}",
        "subscriptions": partner.subscriptions.filter(active=True)[:50],
        "deliveries": partner.deliveries.all()[:30],
        "transactions": partner.transactions.all()[:30],
    })
