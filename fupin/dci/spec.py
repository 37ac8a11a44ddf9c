"""The DCI Social Registry API v1.0.0 specification (shipped in data/) as JSON schemas.

`validator("#/components/schemas/SearchRequest")` validates a value against any schema of
the specification (refs resolve inside the document); `request_schema(path)` and
`response_schema(path, status)` give the request body / response schema of an endpoint.
Used at run time for the per-request items and in tests for whole requests and responses.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SPEC_FILE = Path(__file__).parent / "data" / "dci_social_registry_api_v1.0.0_full.yaml"
BASE = "urn:dci-sr-1.0.0"


@cache
def document() -> dict[str, Any]:
    with SPEC_FILE.open(encoding="utf-8") as f:
        doc: dict[str, Any] = yaml.safe_load(f)
    return doc


@cache
def _registry() -> Registry:  # type: ignore[type-arg]
    return Registry().with_resource(BASE, Resource.from_contents(document(), default_specification=DRAFT7))


def _validator_for(schema: dict[str, Any]) -> Draft7Validator:
    return Draft7Validator(schema, registry=_registry())


@cache
def validator(pointer: str) -> Draft7Validator:
    """A validator for the schema at `pointer` ("#/components/schemas/X/…")."""
    return _validator_for({"$ref": BASE + pointer})


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@cache
def request_validator(path: str) -> Draft7Validator:
    return validator(_pointer("paths", path, "post", "requestBody", "content",
                              "application/json", "schema"))


@cache
def response_validator(path: str, status: str = "default") -> Draft7Validator:
    op = document()["paths"][path]["post"]["responses"]
    resp = op.get(status, op["default"])
    if "$ref" in resp:
        ref = resp["$ref"]
        return validator(ref + "/content/application~1json/schema")
    return validator(_pointer("paths", path, "post", "responses", status if status in op
                              else "default", "content", "application/json", "schema"))


def errors(v: Draft7Validator, value: Any) -> list[Any]:
    return sorted(v.iter_errors(value), key=lambda e: list(e.absolute_path))
