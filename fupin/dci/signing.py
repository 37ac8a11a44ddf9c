"""Message signatures: the DCI `signature` field, Ed25519 over a digest of header+message.

The signature string follows the specification's MsgSignature example::

    Signature: namespace="spdci", kidId="{sender_id}|{key_id}|ed25519", algorithm="ed25519",
      created="1606970629", expires="1607030629", headers="(created) (expires) digest",
      signature="<base64 Ed25519 signature of the signing content>"

The signing content is three lines (no trailing newline)::

    (created): 1606970629
    (expires): 1607030629
    digest: BLAKE-512=<base64 BLAKE2b-512 of the canonical JSON>

where the canonical JSON is ``{"header": …, "message": …}`` (message left out when absent)
serialised with sorted keys, separators ``,`` and ``:`` and UTF-8 characters as they are
(Python: ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``).

Fupin signs its callbacks and sync responses with its own key: the PEM in setting
``DCI_SIGNING_KEY`` or, failing that, ``var/dci_signing_key.pem`` generated on first use.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

SIGNATURE_TTL = 3600  # seconds a signature Fupin makes stays valid
CLOCK_SKEW = 300  # seconds a partner's clock may run ahead
_PARAM = re.compile(r'(\w+)="([^"]*)"')


class SignatureError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code  # err.signature.missing / err.signature.invalid
        self.message = message


def canonical(header: Any, message: Any = None) -> bytes:
    body: dict[str, Any] = {"header": header}
    if message is not None:
        body["message"] = message
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signing_content(created: int, expires: int, header: Any, message: Any = None,
                    body: bytes | None = None) -> bytes:
    raw = body if body is not None else canonical(header, message)
    digest = base64.b64encode(hashlib.blake2b(raw, digest_size=64).digest())
    return (f"(created): {created}\n(expires): {expires}\n"
            f"digest: BLAKE-512={digest.decode()}").encode()


def sign(key: Ed25519PrivateKey, kid: str, header: Any, message: Any = None,
         now: int | None = None, ttl: int = SIGNATURE_TTL) -> str:
    return sign_canonical(key, kid, canonical(header, message), now, ttl)


def sign_canonical(key: Ed25519PrivateKey, kid: str, body: bytes, now: int | None = None,
                   ttl: int = SIGNATURE_TTL) -> str:
    """Sign an already canonical {"header", "message"} serialisation."""
    created = int(now if now is not None else time.time())
    expires = created + ttl
    sig = base64.b64encode(key.sign(signing_content(created, expires, None, body=body))).decode()
    return (f'Signature: namespace="spdci", kidId="{kid}", algorithm="ed25519", '
            f'created="{created}", expires="{expires}", headers="(created) (expires) digest", '
            f'signature="{sig}"')


def load_public_key(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM or from the base64 of its 32 raw bytes."""
    text = (text or "").strip()
    if not text:
        raise ValueError("公钥为空")
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except Exception as exc:  # any parse failure is the partner's mistake, said plainly
        raise ValueError(f"无法解析公钥：{exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("公钥须为 Ed25519 公钥")
    return key


def verify(public_key_text: str, signature: Any, header: Any, message: Any = None,
           now: int | None = None) -> None:
    """Raise SignatureError unless `signature` is a valid, current signature of the body."""
    if not signature:
        raise SignatureError("err.signature.missing", "该对接方已登记公钥，请求须带 signature")
    if not isinstance(signature, str):
        raise SignatureError("err.signature.invalid", "signature 应为字符串")
    params = dict(_PARAM.findall(signature))
    if params.get("algorithm", "ed25519").lower() != "ed25519":
        raise SignatureError("err.signature.invalid", "只支持 ed25519 签名算法")
    try:
        created, expires = int(params["created"]), int(params["expires"])
        raw = base64.b64decode(params["signature"], validate=True)
    except (KeyError, ValueError):
        raise SignatureError("err.signature.invalid",
                             "signature 须含 created、expires 与 base64 签名值") from None
    t = int(now if now is not None else time.time())
    if created > t + CLOCK_SKEW or expires < t or expires <= created:
        raise SignatureError("err.signature.invalid", "签名已过期或时间无效")
    try:
        key = load_public_key(public_key_text)
        key.verify(raw, signing_content(created, expires, header, message))
    except (InvalidSignature, ValueError):
        raise SignatureError("err.signature.invalid", "签名校验失败：报文被改动或密钥不符") from None


# -- Fupin's own key -----------------------------------------------------------------------


def _key_file() -> Path:
    return Path(settings.VAR_DIR) / "dci_signing_key.pem"


@cache
def server_key() -> Ed25519PrivateKey:
    pem = getattr(settings, "DCI_SIGNING_KEY", "") or ""
    if not pem:
        path = _key_file()
        if not path.exists():
            key = Ed25519PrivateKey.generate()
            path.parent.mkdir(parents=True, exist_ok=True)
            data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
            try:
                with open(path, "xb") as f:  # two processes racing: the first one wins
                    f.write(data)
                path.chmod(0o600)
            except FileExistsError:
                pass
        pem = path.read_text()
    loaded = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError("DCI_SIGNING_KEY 须为 Ed25519 私钥")
    return loaded


def server_public_pem() -> str:
    return server_key().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def server_key_id() -> str:
    raw = server_key().public_key().public_bytes(serialization.Encoding.Raw,
                                                 serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def receiver_id() -> str:
    """Fupin's own id in DCI headers (setting DCI_SENDER_ID, default "fupin")."""
    return str(getattr(settings, "DCI_SENDER_ID", "") or "fupin")


def server_kid() -> str:
    return f"{receiver_id()}|{server_key_id()}|ed25519"


def sign_as_server(header: Any, message: Any = None) -> str:
    return sign(server_key(), server_kid(), header, message)
