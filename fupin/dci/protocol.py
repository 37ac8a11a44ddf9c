"""The DCI message envelope: authentication, header checks, signatures, acks and errors.

Refusals, as the specification gives them:

* no or wrong bearer token → HTTP 401 ``{"errors": [{"code": "err.request.unauthorized"}]}``;
  a missing or bad signature from a partner with a key → HTTP 401 ``err.signature.missing`` /
  ``err.signature.invalid``;
* a malformed envelope → HTTP 400; async endpoints answer the ack ``{"message": {"ack_status":
  "ERR", "error": {"code": "err.…"}}}``; sync endpoints answer the callback envelope with
  ``header.status = "rjct"`` and a ``rjct.*`` header reason code (MsgHeaderStatusReasonCode);
* a malformed request item → that item's ``status = "rjct"`` with its ``rjct.*`` reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from . import signing, spec
from .models import Partner

VERSION = "1.0.0"
MAX_BATCH = 100  # requests in one message
MAX_BODY = 2 * 1024 * 1024
REG_TYPE = "ns:org:RegistryType:Social"
_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")

# header reason (MsgHeaderStatusReasonCode) -> Error code for async acks
REASON_TO_ERROR = {"rjct.version.invalid": "err.version.not_supported"}


class HttpError(Exception):
    """Transport-level refusal (HttpErrorResponse)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class DciError(Exception):
    """Envelope-level refusal: an Error code (err.*) and, when one fits, a header reason."""

    def __init__(self, code: str, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.reason = code, message, reason


def now_ts() -> str:
    return timezone.now().astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_ts(value: Any) -> dt.datetime | None:
    """An ISO 8601 timestamp with its time zone, or None when it is not one."""
    if not isinstance(value, str) or not _TS.match(value):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def new_id() -> str:
    return uuid.uuid4().hex


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(request: HttpRequest) -> Partner:
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HttpError(401, "err.request.unauthorized", "缺少 Authorization: Bearer 令牌")
    partner = (Partner.objects.select_related("area")
               .filter(token_hash=hash_token(token.strip())).first())
    if partner is None:
        raise HttpError(401, "err.request.unauthorized", "令牌无效")
    if not partner.active:
        raise HttpError(403, "err.request.forbidden", "该对接方已停用")
    return partner


def parse_body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise DciError("err.request.bad", f"请求体超过 {MAX_BODY // 1024 // 1024} MB")
    ctype = request.content_type or ""
    if ctype != "application/json":
        raise DciError("err.request.bad", f"Content-Type 应为 application/json，收到“{ctype}”")
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DciError("err.request.bad", f"请求体不是合法的 JSON：{exc}") from None
    if not isinstance(body, dict):
        raise DciError("err.request.bad", "请求体应为含 signature、header、message 的对象")
    if not isinstance(body.get("header"), dict):
        raise DciError("err.request.bad", "缺少 header 对象")
    return body


def verify_signature(partner: Partner, body: dict[str, Any]) -> None:
    if not partner.public_key:
        return
    try:
        signing.verify(partner.public_key, body.get("signature"), body["header"], body.get("message"))
    except signing.SignatureError as exc:
        raise HttpError(401, exc.code, exc.message) from None


_FIELD_REASON = {"message_ts": "rjct.message_ts.invalid", "action": "rjct.action.invalid",
                 "total_count": "rjct.total_count.invalid", "version": "rjct.version.invalid"}
KNOWN_ACTIONS = {"search", "on-search", "subscribe", "on-subscribe", "unsubscribe",
                 "on-unsubscribe", "notify", "txn-status", "txn-on-status"}


def check_header(body: dict[str, Any], action: str, partner: Partner) -> dict[str, Any]:
    """Validate the request header (MsgHeader_V1.0.0) for `action`; return it."""
    header = body["header"]
    for err in spec.errors(spec.validator("#/components/schemas/MsgHeader_V1.0.0"), header):
        field = (str(err.absolute_path[0]) if err.absolute_path
                 else (err.message.split("'")[1] if err.validator == "required" else ""))
        code = {"sender_id": "err.sender_id.invalid", "sender_uri": "err.sender_uri.invalid"}.get(
            field, "err.request.bad")
        raise DciError(code, f"header.{field}: {err.message}", _FIELD_REASON.get(field))
    if header.get("version", VERSION) != VERSION:
        raise DciError("err.version.not_supported",
                       f"不支持的版本“{header.get('version')}”，仅支持 {VERSION}",
                       "rjct.version.invalid")
    if parse_ts(header["message_ts"]) is None:
        raise DciError("err.request.bad", "header.message_ts 应为带时区的 ISO 8601 时间，"
                       f"如 2024-05-02T10:20:07+08:00，收到“{header['message_ts']}”",
                       "rjct.message_ts.invalid")
    if header["action"] != action:
        reason = "rjct.action.not_supported" if header["action"] in KNOWN_ACTIONS else "rjct.action.invalid"
        raise DciError("err.request.bad", f"本端点的 action 应为“{action}”，收到“{header['action']}”",
                       reason)
    if not header["message_id"] or len(str(header["message_id"])) > 99:
        raise DciError("err.request.bad", "header.message_id 应为 1–99 个字符")
    if header["sender_id"] != partner.sender_id:
        raise DciError("err.sender_id.invalid",
                       f"header.sender_id“{header['sender_id']}”与令牌所属对接方不符")
    if header.get("receiver_id") not in (None, "", signing.receiver_id()):
        raise DciError("err.receiver_id.invalid",
                       f"header.receiver_id 应为“{signing.receiver_id()}”")
    if header.get("is_msg_encrypted"):
        raise DciError("err.encryption.invalid", "本系统不接受加密报文（is_msg_encrypted 应为 false）")
    uri = header.get("sender_uri")
    if uri is not None and not (isinstance(uri, str) and re.match(r"^https?://[^\s/]+", uri)):
        raise DciError("err.sender_uri.invalid", "header.sender_uri 应为 http(s) 地址")
    if not isinstance(body.get("message"), dict):
        raise DciError("err.request.bad", "缺少 message 对象")
    return header


def check_batch(header: dict[str, Any], items: Any, name: str) -> list[Any]:
    if not isinstance(items, list) or not items:
        raise DciError("err.request.bad", f"message.{name} 应为非空数组")
    if len(items) > MAX_BATCH:
        raise DciError("err.request.bad", f"一条报文最多 {MAX_BATCH} 个请求，收到 {len(items)} 个",
                       "rjct.total_count.limit_exceeded")
    if header["total_count"] != len(items):
        raise DciError("err.request.bad",
                       f"header.total_count 为 {header['total_count']}，但 {name} 有 {len(items)} 项",
                       "rjct.total_count.invalid")
    return items


def check_transaction_id(message: dict[str, Any]) -> str:
    tid = message.get("transaction_id")
    if not isinstance(tid, str) or not tid or len(tid) > 99:
        raise DciError("err.request.bad", "message.transaction_id 应为 1–99 个字符的字符串")
    return tid


# -- what Fupin sends ------------------------------------------------------------------------


def callback_header(action: str, partner: Partner | None, *, status: str, reason: str | None = None,
                    reason_message: str = "", total: int = 0, completed: int = 0,
                    message_id: str | None = None) -> dict[str, Any]:
    header: dict[str, Any] = {
        "version": VERSION, "message_id": message_id or new_id(), "message_ts": now_ts(),
        "action": action, "status": status, "total_count": total, "completed_count": completed,
        "sender_id": signing.receiver_id(), "is_msg_encrypted": False,
    }
    if partner is not None:
        header["receiver_id"] = partner.sender_id
    if reason:
        header["status_reason_code"] = reason
    if reason_message:
        header["status_reason_message"] = reason_message[:999]
    return header


def signed(header: dict[str, Any], message: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"signature": signing.sign_as_server(header, message), "header": header}
    if message is not None:
        body["message"] = message
    return body


def signed_bytes(header: dict[str, Any], message: Any) -> bytes:
    """The signed envelope serialised once: the canonical JSON the signature covers is
    reused as the body (so large notify messages are encoded a single time)."""
    body = signing.canonical(header, message)
    sig = signing.sign_canonical(signing.server_key(), signing.server_kid(), body)
    return b'{"signature":' + json.dumps(sig).encode() + b"," + body[1:]


def ack(correlation_id: str) -> JsonResponse:
    return JsonResponse({"message": {"ack_status": "ACK", "timestamp": now_ts(),
                                     "correlation_id": correlation_id}})


def ack_error(exc: DciError) -> JsonResponse:
    code = REASON_TO_ERROR.get(exc.reason or "", exc.code)
    text = f"{exc.reason}: {exc.message}" if exc.reason else exc.message
    return JsonResponse({"message": {"ack_status": "ERR", "timestamp": now_ts(),
                                     "correlation_id": new_id(),
                                     "error": {"code": code, "message": text[:999]}}}, status=400)


def sync_error(exc: DciError, action: str, partner: Partner | None) -> JsonResponse:
    text = exc.message if exc.reason else f"{exc.code}: {exc.message}"
    header = callback_header(action, partner, status="rjct", reason=exc.reason, reason_message=text)
    return JsonResponse(signed(header), status=400, json_dumps_params={"ensure_ascii": False})


def http_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"errors": [{"code": code, "message": message}]}, status=status,
                        json_dumps_params={"ensure_ascii": False})
