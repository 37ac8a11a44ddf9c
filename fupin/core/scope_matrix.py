"""The scope test matrix.

Every app registers, for each list, detail, export and API URL it serves, how to reach it
and how to recognise a row in the response. `fupin/core/tests/test_scope_matrix.py` builds
two villages in different townships, each with a household plus whatever each app's
`register_builder` adds for it, logs in as the first village's cadre and proves that the
other village's rows are absent from every list and 404 on every detail.

Register in the app's `scope.py` module (imported by the test)::

    from fupin.core.scope_matrix import register, register_builder

    register_builder("monitoring", lambda world: {"warning": make_warning(world["household"])})
    register("warning list", "list", lambda w: reverse("monitoring:warning_list"),
             lambda w: w["household"].household_no)
    register("warning detail", "detail", lambda w: w["warning"].get_absolute_url())

Writes (every page POST and API POST/PUT/PATCH/DELETE) register with `register_write`; the
test `fupin/core/tests/test_scope_matrix_writes.py` sends each one, aimed at a village of
township A, as a cadre of a neighbouring village, a township B staff member and another
county's admin, and proves the answer is a refusal and no row changed. Its completeness
test walks the URL resolver and the API router: a write route that is neither registered
here nor exempted (`exempt_write`, with the reason) fails the build::

    register_write("warning dismiss", "monitoring:warning_dismiss",
                   lambda w: reverse("monitoring:warning_dismiss", args=[w["warning"].pk]),
                   payload=lambda w: {"reason": "误报"}, watch=("warning",), control=True)
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

World = dict[str, Any]  # objects of one village: "household", plus each builder's entries


@dataclass
class MatrixEntry:
    name: str
    kind: str  # "list" / "api_list" (marker must be absent) or "detail" / "api_detail" (404)
    url: Callable[[World], str]
    marker: Callable[[World], str] | None = None


@dataclass(frozen=True)
class WriteEntry:
    """One state-changing URL + method, aimed at the objects of one village (`World`)."""

    name: str
    route: str  # the resolver's view name it covers: "registry:household_edit", "household-list"
    url: Callable[[World], str]
    method: str = "POST"
    payload: Callable[[World], dict[str, Any]] | None = None
    # No object of the target village in the URL: the payload names it. A field error (400;
    # a page form re-rendered, 200) is then a valid refusal, as long as no row changes.
    creates: bool = False
    watch: tuple[str, ...] = ()  # world keys whose rows must stay as they were (all are checked)
    tables: tuple[str, ...] = ()  # model labels ("registry.Household") the write would change
    # The same request by a writer of the target village changes `watch` / `tables`:
    # proves the payload is valid and the check would catch a leak.
    control: bool = False
    multipart: bool = False  # API writes send JSON unless the endpoint takes files
    # Tables where the request may record the sender's own work (a job, an import batch
    # in the sender's name); everything else must keep its row count.
    own_rows: tuple[str, ...] = ()
    # Other answers that are a refusal for this endpoint (the offline sync: 200 with a
    # "refused" result per item); rows and the body are checked the same way.
    refused_with: tuple[int, ...] = ()
    as_json: bool = False  # a page route that takes a JSON body (the offline sync)
    # Who sends the control: a writer of the target village, township or county.
    control_role: str = "village_cadre"

    @property
    def is_api(self) -> bool:
        return self.route.count(":") == 0


ENTRIES: list[MatrixEntry] = []
WRITES: list[WriteEntry] = []
# Write routes deliberately outside the matrix: route -> why (see `exempt_write`).
WRITE_EXEMPT: dict[str, str] = {}
BUILDERS: dict[str, Callable[[World], World]] = {}


def register(name: str, kind: str, url: Callable[[World], str],
             marker: Callable[[World], str] | None = None) -> None:
    if kind not in ("list", "api_list", "detail", "api_detail"):
        raise ValueError(f"{name}: unknown kind {kind!r} (writes use register_write)")
    if kind in ("list", "api_list") and marker is None:
        raise ValueError("list entries need a marker")
    ENTRIES.append(MatrixEntry(name, kind, url, marker))


def register_write(name: str, route: str, url: Callable[[World], str], *, method: str = "POST",
                   payload: Callable[[World], dict[str, Any]] | None = None, creates: bool = False,
                   watch: tuple[str, ...] = (), tables: tuple[str, ...] = (), control: bool = False,
                   multipart: bool = False, own_rows: tuple[str, ...] = (),
                   refused_with: tuple[int, ...] = (), as_json: bool = False,
                   control_role: str = "village_cadre") -> None:
    if control and not (watch or tables):
        raise ValueError(f"{name}: a control entry names what its write changes (watch/tables)")
    WRITES.append(WriteEntry(name, route, url, method.upper(), payload, creates, watch, tables,
                             control, multipart, own_rows, refused_with, as_json, control_role))


def exempt_write(route: str, reason: str, *, method: str = "") -> None:
    """Leave a write route out of the matrix, saying why (own auth, no area data...).
    `method` narrows it to one method of an API route ("post", "delete")."""
    if not reason:
        raise ValueError("an exemption needs its reason")
    WRITE_EXEMPT[f"{route} {method.upper()}".strip()] = reason


# Routes of the frame itself (not of an app): authentication and language, no area data.
exempt_write("login", "sign-in form; no area data")
exempt_write("logout", "signs the session out; no area data")
exempt_write("password_change", "changes the signed-in user's own password only")
exempt_write("set_language", "stores the language in the session/cookie; no area data")
exempt_write("admin:*", "Django admin: superusers only (staff flag), unrestricted by design")


def register_builder(name: str, build: Callable[[World], World]) -> None:
    BUILDERS[name] = build


def load_all() -> None:
    """Import every installed app's scope module (named in its plugin), registering entries."""
    import importlib

    from .plugins import scope_modules

    for module in scope_modules():
        importlib.import_module(module)


_WRITE_METHODS = ("post", "put", "patch", "delete")
# A function view takes writes when its source reads the method or a request body.
_FUNCTION_WRITES = re.compile(r"\bPOST\b|request\.FILES|request\.body|require_POST|request\.method")


def _view_writes(callback: Callable[..., Any]) -> tuple[str, ...]:
    """The write methods a resolved view accepts ("POST", "PUT"...)."""
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset route: method -> action
        return tuple(m.upper() for m in actions if m in _WRITE_METHODS)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        if hasattr(view_class, "get_extra_action_url_map"):  # DRF APIView, not a viewset
            return tuple(m.upper() for m in _WRITE_METHODS if hasattr(view_class, m))
        # A Django class view: `put` of a form view is its `post`, one handler.
        return ("POST",) if hasattr(view_class, "post") or hasattr(view_class, "delete") else ()
    try:
        source = inspect.getsource(inspect.unwrap(callback))
    except (OSError, TypeError):
        return ("POST",)  # unreadable: assume it writes, so it must be listed
    return ("POST",) if _FUNCTION_WRITES.search(source) else ()


def write_routes() -> dict[str, str]:
    """Every write route of the URL conf, "view_name METHOD" -> its path pattern."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                walk(p.url_patterns, prefix + str(p.pattern), ns or "")
            elif isinstance(p, URLPattern) and p.name:
                route = f"{namespace}:{p.name}" if namespace else p.name
                for method in _view_writes(p.callback):
                    found.setdefault(f"{route} {method}", prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "", "")
    return found


def is_exempt(key: str) -> bool:
    route, _, method = key.partition(" ")
    namespace = route.split(":")[0] + ":*"
    return any(k in WRITE_EXEMPT for k in (key, route, namespace, f"{namespace} {method}"))
