"""Test helpers: a signed/unsigned DCI request builder, spec validation, a callback server."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from django.test import Client

from fupin.dci import protocol, signing, spec

PATHS = {
    "search": "/registry/search", "sync_search": "/registry/sync/search",
    "subscribe": "/registry/subscribe", "unsubscribe": "/registry/unsubscribe",
    "txn_status": "/registry/txn/status", "sync_txn_status": "/registry/sync/txn/status",
}


def header(action: str, sender_id: str, total: int = 1, **extra: Any) -> dict[str, Any]:
    h = {"version": "1.0.0", "message_id": uuid.uuid4().hex, "message_ts": protocol.now_ts(),
         "action": action, "sender_id": sender_id, "receiver_id": "fupin", "total_count": total,
         "is_msg_encrypted": False}
    h.update(extra)
    return h


def search_item(query_type: str, query: Any, ref: str = "ref-1", **criteria: Any) -> dict[str, Any]:
    return {"reference_id": ref, "timestamp": protocol.now_ts(),
            "search_criteria": {"version": "1.0.0", "reg_type": protocol.REG_TYPE,
                                "query_type": query_type, "query": query, **criteria}}


def search_message(*items: dict[str, Any]) -> dict[str, Any]:
    return {"transaction_id": uuid.uuid4().hex[:20], "search_request": list(items)}


def post(client: Client, path: str, body: Any, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post("/api/dci" + path, data=data, content_type="application/json", headers=headers)


def check_request(path: str, body: dict[str, Any]) -> None:
    errs = spec.errors(spec.request_validator(path), body)
    assert not errs, [e.message for e in errs][:5]


def check_response(path: str, resp: Any) -> dict[str, Any]:
    """The response must be JSON valid against the spec for its status code."""
    assert resp["Content-Type"].startswith("application/json"), resp.content[:200]
    body = resp.json()
    status = str(resp.status_code) if resp.status_code in (401, 403, 500) else "default"
    errs = spec.errors(spec.response_validator(path, status), body)
    assert not errs, [f"{list(e.absolute_path)}: {e.message}" for e in errs][:5]
    return body


def check_callback(path: str, body: dict[str, Any]) -> None:
    errs = spec.errors(spec.request_validator(path), body)
    assert not errs, [f"{list(e.absolute_path)}: {e.message}" for e in errs][:5]
    # Fupin's signature over it verifies with Fupin's public key
    signing.verify(signing.server_public_pem(), body["signature"], body["header"], body.get("message"))


class CallbackServer:
    """A tiny HTTP server on 127.0.0.1 recording every POST (path, JSON body)."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.fail_first = fail_first
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if outer.fail_first > 0:
                    outer.fail_first -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                outer.received.append((self.path, json.loads(data)))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"message": {"ack_status": "ACK"}}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> CallbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
