"""DCI business actions: partners, search, subscribe / unsubscribe, transaction status.

Views, jobs and the command call these. Every disclosure is written to the access log
(fupin.core.privacy.log_access) naming the partner; every query runs inside the partner's
area scope (`Model.objects.visible_to(Principal)`), so a record outside it is never matched
and an out-of-scope search answers exactly like a search for something that does not exist.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fupin.accounts import policy
from fupin.accounts.actors import Actor, history_user
from fupin.areas.models import Area
from fupin.core.privacy import log_access

from . import protocol, records, signing, spec
from .models import (
    EVENT_TYPES,
    GRANTS,
    Delivery,
    Partner,
    Subscription,
    Transaction,
    TxnKind,
    TxnStatus,
)
from .protocol import DciError, new_id, now_ts, parse_ts
from .query import Compiler, Principal, QueryError, annotate, base_queryset, order

MAX_PAGE_SIZE = 1000

# -- partners ------------------------------------------------------------------------------


def can_manage(actor: Actor, area_code: str | None = None) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    return policy.can(actor, "dci.manage", area_code=area_code)


def _clean_partner(*, actor: Actor, name: str, area_code: str, grants: list[str],
                   public_key: str, callback_uri: str, sender_id: str,
                   partner: Partner | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = ["名称不能为空，最多 100 个字符"]
    other = Partner.objects.exclude(pk=partner.pk) if partner is not None else Partner.objects.all()
    if not errors and other.filter(name=name).exists():
        errors["name"] = [f"对接方“{name}”已存在"]
    sender_id = (sender_id or name).strip()
    if sender_id and other.filter(sender_id=sender_id).exists():
        errors["sender_id"] = [f"发送方标识“{sender_id}”已被使用"]
    area = Area.objects.filter(code=(area_code or "").strip()).first()
    if area is None:
        errors["area"] = [f"区划代码“{area_code}”不存在"]
    elif not can_manage(actor, area.code):
        errors["area"] = [f"区划 {area.name}（{area.code}）不在您的管辖范围内，或您不是县级以上管理员"]
    unknown = [g for g in grants if g not in GRANTS]
    if unknown:
        errors["grants"] = [f"未知的授权字段：{'、'.join(unknown)}；可选 {'、'.join(GRANTS)}"]
    if public_key.strip():
        try:
            signing.load_public_key(public_key)
        except ValueError as exc:
            errors["public_key"] = [str(exc)]
    if callback_uri and not callback_uri.startswith(("http://", "https://")):
        errors["callback_uri"] = ["回调地址应以 http:// 或 https:// 开头"]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "sender_id": sender_id, "area": area,
            "grants": sorted(set(grants)), "public_key": public_key.strip(),
            "callback_uri": callback_uri.strip()}


@transaction.atomic
def add_partner(*, actor: Actor, name: str, area_code: str, grants: list[str] | None = None,
                public_key: str = "", callback_uri: str = "", sender_id: str = "",
                token: str | None = None) -> tuple[Partner, str]:
    """Register a partner; returns it with its bearer token (shown once, stored hashed)."""
    if not can_manage(actor):
        raise PermissionDenied("只有县级（及以上）管理员可以登记 DCI 对接方")
    values = _clean_partner(actor=actor, name=name, area_code=area_code, grants=list(grants or []),
                            public_key=public_key, callback_uri=callback_uri, sender_id=sender_id)
    token = token or secrets.token_urlsafe(32)
    partner = Partner(**values, token_hash=protocol.hash_token(token), token_hint=token[:6],
                      created_by=history_user(actor))
    partner._history_user = history_user(actor)  # type: ignore[attr-defined]
    partner.save()
    return partner, token


@transaction.atomic
def update_partner(*, actor: Actor, partner: Partner, area_code: str, grants: list[str],
                   public_key: str, callback_uri: str, active: bool) -> Partner:
    if not can_manage(actor, partner.area_id):
        raise PermissionDenied("该对接方不在您的管辖范围内")
    values = _clean_partner(actor=actor, name=partner.name, area_code=area_code, grants=grants,
                            public_key=public_key, callback_uri=callback_uri,
                            sender_id=partner.sender_id, partner=partner)
    for k in ("area", "grants", "public_key", "callback_uri"):
        setattr(partner, k, values[k])
    partner.active = active
    partner._history_user = history_user(actor)  # type: ignore[attr-defined]
    partner.save()
    return partner


@transaction.atomic
def rotate_token(*, actor: Actor, partner: Partner) -> str:
    if not can_manage(actor, partner.area_id):
        raise PermissionDenied("该对接方不在您的管辖范围内")
    token = secrets.token_urlsafe(32)
    partner.token_hash, partner.token_hint = protocol.hash_token(token), token[:6]
    partner._history_user = history_user(actor)  # type: ignore[attr-defined]
    partner.save(update_fields=["token_hash", "token_hint", "updated_at"])
    return token


def principal(partner: Partner) -> Principal:
    return Principal(area_code=partner.area_id)


def disclose(partner: Partner, *, action: str, entity: str, count: int, first: str,
             txn: str, area_code: str = "") -> None:
    """One access-log row per disclosing message, naming the partner."""
    if count <= 0:
        return
    log_access(None, "dci_disclose", f"dci_{entity.lower()}", f"{first} 等 {count} 条"[:50],
               area_code=area_code or partner.area_id,
               detail=f"DCI 对接方 {partner.name}（{partner.sender_id}）经 {action} "
                      f"取得 {count} 条 {entity} 记录，事务 {txn}")


# -- transactions --------------------------------------------------------------------------


def new_transaction(partner: Partner, kind: str, header: dict[str, Any], message: dict[str, Any],
                    *, sync: bool, reference_ids: list[Any]) -> Transaction:
    """The received message as an (unsaved) transaction."""
    return Transaction(
        partner=partner, kind=kind, sync=sync, message_id=str(header["message_id"]),
        transaction_id=str(message.get("transaction_id") or ""),
        correlation_id=new_id(), sender_uri=str(header.get("sender_uri") or ""),
        reference_ids=[str(r) for r in reference_ids if isinstance(r, (str, int))][:1000],
        request={"header": header, "message": message}, status=TxnStatus.RCVD)


def save_new(txn: Transaction) -> Transaction:
    """Insert a new transaction; a repeated message_id is refused. Inside the caller's
    atomic block, the refusal rolls back everything the message did."""
    try:
        if transaction.get_connection().in_atomic_block:
            txn.save(force_insert=True)
        else:
            with transaction.atomic():
                txn.save(force_insert=True)
    except IntegrityError:
        raise DciError("err.request.bad",
                       f"header.message_id“{txn.message_id}”已用过，请换新的报文编号",
                       "rjct.message_id.duplicate") from None
    return txn


def open_transaction(partner: Partner, kind: str, header: dict[str, Any], message: dict[str, Any],
                     *, sync: bool, reference_ids: list[Any]) -> Transaction:
    """Record the received message now; a repeated message_id is refused."""
    return save_new(new_transaction(partner, kind, header, message, sync=sync,
                                    reference_ids=reference_ids))


def callback_uri(partner: Partner, header: dict[str, Any], action: str) -> str:
    uri = str(header.get("sender_uri") or "")
    if uri:
        return uri
    if partner.callback_uri:
        return partner.callback_uri.rstrip("/") + "/registry/" + action.replace("txn-on-status", "txn/on-status")
    raise DciError("err.sender_uri.invalid",
                   "异步请求须在 header.sender_uri 给出回调地址（或由管理员为对接方登记回调地址）")


# -- search ----------------------------------------------------------------------------------

_ITEM_REASON = {"reference_id": "rjct.reference_id.invalid", "timestamp": "rjct.timestamp.invalid",
                "sort": "rjct.sort.invalid", "pagination": "rjct.pagination.invalid",
                "locale": "rjct.search_criteria.invalid"}


def _item_error(errors: list[Any]) -> tuple[str, str]:
    err = errors[0]
    path = [str(p) for p in err.absolute_path]
    if not path and err.validator == "required":
        path = [err.message.split("'")[1]]
    key = path[1] if path and path[0] == "search_criteria" and len(path) > 1 else (path[0] if path else "")
    reason = _ITEM_REASON.get(key, "rjct.search_criteria.invalid")
    return reason, f"{'.'.join(path) or '请求'}: {err.message}"[:999]


def _entity(criteria: dict[str, Any], default: str | None = None) -> str:
    ent = criteria.get("response_entity")
    if ent:
        return str(ent)
    rtype = str(criteria.get("reg_record_type") or "")
    if rtype:
        return "Member" if ("Member" in rtype or "Person" in rtype) else "Group"
    return default or "Group"


def _rejected(ref: Any, reason: str, message: str) -> dict[str, Any]:
    return {"reference_id": ref if isinstance(ref, str) and ref else "-", "timestamp": now_ts(),
            "status": "rjct", "status_reason_code": reason, "status_reason_message": message[:999]}


def search_item(partner: Partner, item: Any, *, seen: set[str], txn: Transaction,
                action: str) -> dict[str, Any]:
    """Answer one search_request item (a SearchResponse item)."""
    ref = item.get("reference_id") if isinstance(item, dict) else None
    if not isinstance(item, dict):
        return _rejected(ref, "rjct.search_criteria.invalid", "search_request 的每一项应为对象")
    errs = spec.errors(spec.validator("#/components/schemas/SearchRequest/properties/search_request/items"), item)
    if errs:
        return _rejected(ref, *_item_error(errs))
    if not ref:
        return _rejected(ref, "rjct.reference_id.invalid", "reference_id 不能为空")
    if ref in seen:
        return _rejected(ref, "rjct.reference_id.duplicate", f"reference_id“{ref}”在本报文中重复")
    seen.add(ref)
    if parse_ts(item["timestamp"]) is None:
        return _rejected(ref, "rjct.timestamp.invalid",
                         f"timestamp 应为带时区的 ISO 8601 时间，收到“{item['timestamp']}”")
    criteria = item["search_criteria"]
    pag = criteria.get("pagination") or {"page_size": MAX_PAGE_SIZE}
    size, page = pag.get("page_size"), pag.get("page_number", 1)
    if (not isinstance(size, (int, float)) or isinstance(size, bool) or size != int(size)
            or not 1 <= size <= MAX_PAGE_SIZE or not isinstance(page, (int, float))
            or isinstance(page, bool) or page != int(page) or page < 1):
        return _rejected(ref, "rjct.pagination.invalid",
                         f"page_size 应为 1–{MAX_PAGE_SIZE} 的整数，page_number 应为不小于 1 的整数")
    size, page = int(size), int(page)
    reg_type = criteria.get("reg_type")
    if reg_type and "social" not in str(reg_type).lower():
        return _rejected(ref, "rjct.search_criteria.invalid",
                         f"本系统为社会登记（{protocol.REG_TYPE}），不能查询 {reg_type}")
    try:
        qtype = criteria["query_type"]
        entity = _entity(criteria)
        comp = Compiler(entity, uin_allowed=partner.granted("resident_id"))
        if qtype == "idtype-value":
            q = comp.idtype_value(criteria["query"])
        elif qtype == "expression":
            q, collection = comp.expression(criteria["query"])
            if collection and not criteria.get("response_entity"):
                entity = collection
                comp = Compiler(entity, uin_allowed=partner.granted("resident_id"))
                q, _c = comp.expression(criteria["query"])
        else:
            q = comp.predicate(criteria["query"])
        if entity not in ("Group", "Member"):
            raise QueryError("rjct.search_criteria.invalid", "response_entity 应为 Group 或 Member")
        qs = base_queryset(entity, principal(partner))
        qs = order(qs, entity, criteria.get("sort"), comp)
        qs = annotate(qs, entity, comp.needs).filter(q)
        ids = list(qs.values_list("pk", flat=True)[(page - 1) * size: page * size])
        # A short first page is the whole answer: no second query to count it.
        total = len(ids) if page == 1 and len(ids) < size else qs.count()
    except QueryError as exc:
        return _rejected(ref, exc.reason, exc.message)
    if entity == "Member":
        recs = records.member_records(ids, partner.grants)
        first = recs[0]["group_identifier"][0]["identifier_value"] if recs else ""
    else:
        recs = records.group_records(ids, partner.grants)
        first = recs[0]["group_identifier"][0]["identifier_value"] if recs else ""
    disclose(partner, action=action, entity=entity, count=len(recs), first=first,
             txn=txn.transaction_id)
    return {
        "_ids": ids,  # kept with the transaction instead of the records (see `compact`)
        "reference_id": ref, "timestamp": now_ts(), "status": "succ",
        "data": {"version": protocol.VERSION, "reg_type": protocol.REG_TYPE,
                 "reg_record_type": entity, "reg_records": recs},
        "pagination": {"page_size": size, "page_number": page, "total_count": total},
        "locale": "zho",
    }


def run_search(partner: Partner, txn: Transaction, message: dict[str, Any],
               action: str = "search") -> tuple[dict[str, Any], int]:
    """The SearchResponse message for a search message, and the records disclosed."""
    conn = transaction.get_connection()
    broad = any(isinstance(i, dict) and isinstance(i.get("search_criteria"), dict)
                and i["search_criteria"].get("query_type") != "idtype-value"
                for i in message["search_request"])
    if broad and conn.vendor == "postgresql" and conn.in_atomic_block:
        # Short, index-driven queries: JIT compilation costs more than it saves (≈0.3 s).
        with conn.cursor() as cur:
            cur.execute("SET LOCAL jit = off")
    seen: set[str] = set()
    items = [search_item(partner, item, seen=seen, txn=txn, action=action)
             for item in message["search_request"]]
    disclosed = sum(len(i.get("data", {}).get("reg_records", [])) for i in items)
    stored = compact(txn, items)
    response = {"transaction_id": txn.transaction_id, "correlation_id": txn.correlation_id,
                "search_response": [{k: v for k, v in i.items() if k != "_ids"} for i in items]}
    ok = any(i["status"] == "succ" for i in items)
    txn.status, txn.response, txn.records = (TxnStatus.SUCC if ok else TxnStatus.RJCT), stored, disclosed
    if txn.pk is None:  # sync: one insert, after the answer (duplicates roll the answer back)
        save_new(txn)
    else:
        Transaction.objects.filter(pk=txn.pk).update(status=txn.status, response=stored,
                                                     records=disclosed, updated_at=timezone.now())
    return response, disclosed


def compact(txn: Transaction, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The SearchResponse as kept with the transaction: each item's records replaced by the
    ids of what was sent (`_ids`), so the log stays small and a later txn-status rebuilds
    the records as they are then (and only those still in the partner's scope)."""
    out = []
    for i in items:
        c = {k: v for k, v in i.items() if k != "data"}
        if "data" in i:
            c["data"] = {**i["data"], "reg_records": []}
        out.append(c)
    return {"transaction_id": txn.transaction_id, "correlation_id": txn.correlation_id,
            "search_response": out}


def expand(partner: Partner, stored: dict[str, Any]) -> tuple[dict[str, Any], int, str]:
    """A stored SearchResponse with its records rebuilt, inside the partner's scope now."""
    items, count, first = [], 0, ""
    for i in stored.get("search_response", []):
        i = dict(i)
        ids = i.pop("_ids", None) or []
        if "data" in i:
            entity = i["data"].get("reg_record_type", "Group")
            visible = set(base_queryset(entity, principal(partner)).filter(pk__in=ids)
                          .values_list("pk", flat=True))
            keep = [x for x in ids if x in visible]
            recs = (records.member_records(keep, partner.grants) if entity == "Member"
                    else records.group_records(keep, partner.grants))
            i["data"] = {**i["data"], "reg_records": recs}
            count += len(recs)
            if recs and not first:
                first = recs[0]["group_identifier"][0]["identifier_value"]
        items.append(i)
    return {**stored, "search_response": items}, count, first


def header_status(items: list[dict[str, Any]]) -> str:
    return "succ" if any(i.get("status") == "succ" for i in items) else "rjct"


# -- subscribe / unsubscribe ----------------------------------------------------------------


def event_type(value: Any) -> str | None:
    text = str(value or "").rsplit(":", 1)[-1]
    if text.upper() in EVENT_TYPES:
        return text.upper()
    if text.lower() == "newhouseholdmember":
        return "LINK"
    return None


def check_filter(partner: Partner, filter_type: Any, flt: Any, entity: str) -> None:
    comp = Compiler(entity, uin_allowed=partner.granted("resident_id"))
    if filter_type == "idtype-value":
        comp.idtype_value(flt)
    elif filter_type == "expression":
        comp.expression(flt)
    elif filter_type == "predicate":
        comp.predicate(flt)
    else:
        raise QueryError("rjct.notify_details.invalid",
                         f"不支持的 filter_type“{filter_type}”，可用 idtype-value、expression、predicate")


def notify_uri_for(partner: Partner, header: dict[str, Any]) -> str:
    """Where notifications go: the subscribe sender_uri with its last segment `notify`
    (…/registry/on-subscribe → …/registry/notify), else the partner's callback base."""
    uri = str(header.get("sender_uri") or "")
    if uri:
        head, _, last = uri.rstrip("/").rpartition("/")
        return f"{head}/notify" if last.startswith("on-") else uri
    if partner.callback_uri:
        return partner.callback_uri.rstrip("/") + "/registry/notify"
    raise DciError("err.sender_uri.invalid", "订阅须在 header.sender_uri 给出回调地址")


def subscription_info(s: Subscription) -> dict[str, Any]:
    info: dict[str, Any] = {
        "version": protocol.VERSION, "code": s.code,
        "status": "subscribe" if s.active else "unsubscribe",
        "timestamp": now_ts(), "reg_type": protocol.REG_TYPE,
        "reg_event_type": s.requested_event_type, "filter_type": s.filter_type,
        "filter": s.filter, "notify_record_type": s.notify_record_type,
    }
    if s.frequency:
        info["frequency"] = s.frequency
    return info


_SUB_REASON = {"reference_id": "rjct.reference_id.invalid", "timestamp": "rjct.timestamp.invalid",
               "reg_event_type": "rjct.notify_types.invalid"}


def run_subscribe(partner: Partner, txn: Transaction, header: dict[str, Any],
                  message: dict[str, Any]) -> dict[str, Any]:
    seen: set[str] = set()
    items = []
    uri = notify_uri_for(partner, header)
    item_v = spec.validator("#/components/schemas/SubscribeRequest/properties/subscribe_request/items")
    for item in message["subscribe_request"]:
        ref = item.get("reference_id") if isinstance(item, dict) else None
        errs = spec.errors(item_v, item)
        if errs:
            err = errs[0]
            path = [str(p) for p in err.absolute_path] or (
                [err.message.split("'")[1]] if err.validator == "required" else [])
            key = path[-1] if path else ""
            reason = _SUB_REASON.get(key, "rjct.notify_details.invalid")
            items.append(_rejected(ref, reason, f"{'.'.join(path)}: {err.message}"))
            continue
        if not ref or ref in seen:
            items.append(_rejected(ref, "rjct.reference_id.duplicate" if ref else
                                   "rjct.reference_id.invalid", "reference_id 为空或在本报文中重复"))
            continue
        seen.add(ref)
        if parse_ts(item["timestamp"]) is None:
            items.append(_rejected(ref, "rjct.timestamp.invalid", "timestamp 应为带时区的 ISO 8601 时间"))
            continue
        crit = item["subscribe_criteria"]
        etype = event_type(crit["reg_event_type"])
        if etype is None:
            items.append(_rejected(ref, "rjct.notify_types.invalid",
                                   f"不支持的事件类型“{crit['reg_event_type']}”，可用 {', '.join(EVENT_TYPES)}"))
            continue
        entity = "Member" if ("Member" in str(crit["notify_record_type"])
                              or "Person" in str(crit["notify_record_type"])) else "Group"
        ftype = crit.get("filter_type", "expression")
        try:
            check_filter(partner, ftype, crit["filter"], entity)
        except QueryError as exc:
            items.append(_rejected(ref, "rjct.notify_details.invalid", exc.message))
            continue
        freq = crit.get("frequency")
        if Subscription.objects.filter(partner=partner, active=True, reg_event_type=etype,
                                       filter_type=ftype, filter=crit["filter"],
                                       notify_record_type=entity).exists():
            items.append(_rejected(ref, "rjct.event.already_subscribed",
                                   "已有相同事件与条件的有效订阅"))
            continue
        sub = Subscription.objects.create(
            partner=partner, code=f"SUB-{new_id()}", transaction=txn, reference_id=ref,
            reg_event_type=etype, requested_event_type=str(crit["reg_event_type"]),
            filter_type=ftype, filter=crit["filter"], notify_record_type=entity,
            notify_uri=uri, frequency=freq)
        items.append({"reference_id": ref, "timestamp": now_ts(), "status": "succ",
                      "subscriptions": [subscription_info(sub)], "locale": "zho"})
    response = {"transaction_id": txn.transaction_id, "correlation_id": txn.correlation_id,
                "subscribe_response": items}
    status = TxnStatus.SUCC if header_status(items) == "succ" else TxnStatus.RJCT
    Transaction.objects.filter(pk=txn.pk).update(status=status, response=response,
                                                 updated_at=timezone.now())
    return response


def run_unsubscribe(partner: Partner, txn: Transaction, message: dict[str, Any]) -> dict[str, Any]:
    errs = spec.errors(spec.validator("#/components/schemas/UnSubscribeRequest"), message)
    base = {"transaction_id": txn.transaction_id, "correlation_id": txn.correlation_id,
            "timestamp": now_ts()}
    if errs or parse_ts(message.get("timestamp")) is None or not message.get("subscription_codes"):
        reason = ("rjct.timestamp.invalid" if parse_ts(message.get("timestamp")) is None
                  else "rjct.subscription_code.invalid")
        text = errs[0].message if errs else "须给出 timestamp 与至少一个 subscription_codes"
        response = {**base, "status": "rjct", "status_reason_code": reason,
                    "status_reason_message": text[:999]}
    else:
        codes = [str(c) for c in message["subscription_codes"]]
        subs = {s.code: s for s in Subscription.objects.filter(partner=partner, code__in=codes)}
        unknown = [c for c in codes if c not in subs]
        already = [c for c in codes if c in subs and not subs[c].active]
        now = timezone.now()
        Subscription.objects.filter(partner=partner, code__in=codes, active=True).update(
            active=False, ended_at=now)
        statuses = [{"code": c, "status": "unsubscribe"} for c in codes if c in subs]
        response = {**base, "status": "succ", "subscription_status": statuses}
        if unknown:
            response.update(status="rjct" if not statuses else "succ",
                            status_reason_code="rjct.subscription_code.invalid",
                            status_reason_message=f"无效的订阅编号：{'、'.join(unknown)}"[:999])
        elif already:
            response.update(status_reason_code="rjct.event.already_unsubscribed",
                            status_reason_message=f"已退订：{'、'.join(already)}"[:999])
    Transaction.objects.filter(pk=txn.pk).update(
        status=TxnStatus.SUCC if response["status"] == "succ" else TxnStatus.RJCT,
        response=response, updated_at=timezone.now())
    return response


# -- transaction status ---------------------------------------------------------------------

TXN_TYPES = {"search": TxnKind.SEARCH, "subscribe": TxnKind.SUBSCRIBE}


def run_txn_status(partner: Partner, txn: Transaction, message: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """TxnStatusResponse for the asked transaction of this partner, and the header status."""
    req = message.get("txnstatus_request")
    errs = spec.errors(spec.validator("#/components/schemas/TxnStatusRequest"), message)
    base = {"transaction_id": txn.transaction_id, "correlation_id": txn.correlation_id}
    ref = req.get("reference_id") if isinstance(req, dict) else None

    def missing(reason: str, text: str, txn_type: str = "search") -> tuple[dict[str, Any], str]:
        item = _rejected(ref, reason, text)
        body = {**base, "txnstatus_response": {"txn_type": txn_type, "txn_status": {
            "transaction_id": txn.transaction_id, "correlation_id": txn.correlation_id,
            "search_response": [item]}}}
        Transaction.objects.filter(pk=txn.pk).update(status=TxnStatus.RJCT, response=body)
        return body, "rjct"

    if errs or not isinstance(req, dict):
        return missing("rjct.reference_id.invalid" if not ref else "rjct.search_criteria.invalid",
                       errs[0].message if errs else "缺少 txnstatus_request")
    txn_type, attr, value = req["txn_type"], req["attribute_type"], req["attribute_value"]
    mine = Transaction.objects.filter(partner=partner).exclude(pk=txn.pk)
    if txn_type == "receipt":
        found = Delivery.objects.filter(partner=partner)
        if attr == "correlation_id":
            found = found.filter(transaction__correlation_id=value) | found.filter(message_id=value)
        elif attr == "transaction_id":
            found = found.filter(transaction__transaction_id=value)
        else:
            found = found.filter(message_id__in=value if isinstance(value, list) else [value])
        deliveries = list(found.order_by("created_at")[:100])
        if not deliveries:
            return missing("rjct.reference_id.invalid", "未找到该对接方的此项投递", "receipt")
        beneficiaries = []
        for d in deliveries:
            beneficiaries.append({"@type": "Receipt", "message_id": d.message_id, "action": d.action,
                                  "event_type": d.event_type or None, "status": d.status,
                                  "attempts": d.attempts, "records": d.records,
                                  "delivered_at": records.ts(d.delivered_at)})
        body = {**base, "txnstatus_response": {"txn_type": "receipt", "txn_status": {
            "transaction_id": str(value if isinstance(value, str) else txn.transaction_id),
            "receipt_information": {"beneficiaries": beneficiaries}}}}
        Transaction.objects.filter(pk=txn.pk).update(status=TxnStatus.SUCC, response=body)
        return body, "succ"
    mine = mine.filter(kind=TXN_TYPES[txn_type])
    if attr == "transaction_id":
        target = mine.filter(transaction_id=str(value)).order_by("-created_at").first()
    elif attr == "correlation_id":
        target = mine.filter(correlation_id=str(value)).first()
    else:
        values = value if isinstance(value, list) else [value]
        target = next((t for t in mine.order_by("-created_at")[:500]
                       if set(map(str, values)) & set(t.reference_ids)), None)
    if target is None:
        return missing("rjct.reference_id.invalid", "未找到该事务（或不属于本对接方）", txn_type)
    if target.response is None:  # still being processed
        items = [{"reference_id": str(r), "timestamp": now_ts(), "status": target.status}
                 for r in target.reference_ids] or [{"reference_id": "-", "timestamp": now_ts(),
                                                    "status": target.status}]
        status_body: dict[str, Any] = {"transaction_id": target.transaction_id,
                                       "correlation_id": target.correlation_id,
                                       "search_response": items}
    elif txn_type == "subscribe":
        sub = target.response
        status_body = {**sub, "search_response": [
            {k: v for k, v in i.items() if k in ("reference_id", "timestamp", "status",
                                                 "status_reason_message")}
            | ({"status_reason_code": i["status_reason_code"]}
               if i.get("status_reason_code", "").startswith(("rjct.reference_id", "rjct.timestamp"))
               else {})
            for i in sub["subscribe_response"]]}
    else:
        status_body, shown, first = expand(partner, target.response)
        if shown:
            disclose(partner, action="txn-status", entity=str(
                status_body["search_response"][0].get("data", {}).get("reg_record_type", "Group")),
                count=shown, first=first, txn=target.transaction_id)
    body = {**base, "txnstatus_response": {"txn_type": txn_type, "txn_status": status_body}}
    Transaction.objects.filter(pk=txn.pk).update(
        status=TxnStatus.SUCC, response={**base, "txnstatus_response": {"txn_type": txn_type}})
    return body, "succ"
