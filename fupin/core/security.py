"""Content-Security-Policy header (on by default when DEBUG is off: settings.FUPIN_CSP).

Pages load scripts only from this site (vendored Bootstrap, htmx, ECharts and
static/fupin/*.js); no inline script runs. Inline style attributes are allowed (Bootstrap
components and htmx set them). The API docs page loads Swagger UI from its CDN.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SWAGGER_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = (
    f"default-src 'self'; script-src 'self' {SWAGGER_CDN}; "
    f"style-src 'self' 'unsafe-inline' {SWAGGER_CDN}; img-src 'self' data: {SWAGGER_CDN}; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(settings, "FUPIN_CSP", False) and "Content-Security-Policy" not in response:
            policy = DOCS_POLICY if request.path.startswith("/api/docs/") else POLICY
            response["Content-Security-Policy"] = policy
        return response
