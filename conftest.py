"""Fixtures shared by every app's tests."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def county_admin(db):
    from fupin.core.testing import make_user
    return make_user("county_admin", "500236", username="county_admin")


@pytest.fixture
def township_staff(db):
    from fupin.core.testing import TOWNSHIP_A, make_user
    return make_user("township_staff", TOWNSHIP_A, username="township_staff")


@pytest.fixture
def village_cadre(db):
    from fupin.core.testing import VILLAGE_A, make_user
    return make_user("village_cadre", VILLAGE_A, username="village_cadre")


@pytest.fixture
def inspector(db):
    from fupin.core.testing import make_user
    return make_user("inspector", "500236", username="inspector")


@pytest.fixture
def household(db):
    from fupin.core.testing import make_household
    return make_household()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def browser_page(live_server, settings):
    """A Playwright page in Debian's Chromium against the live test server.

    Skipped when Chromium is absent, unless FUPIN_REQUIRE_BROWSER=1 (CI), where that fails.
    Screenshots go to test-artifacts/.
    """
    if not os.path.exists(CHROMIUM):
        if os.environ.get("FUPIN_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (apt-get install chromium)")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    settings.DEBUG = False
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.live_server_url = live_server.url  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()


def browser_login(page, username: str, password: str = "pass-1234-word") -> None:
    page.goto(page.live_server_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def artifacts_dir():
    from pathlib import Path

    path = Path(__file__).resolve().parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _on_commit_as_in_production(monkeypatch):
    """on_commit callbacks run when the code's own outermost transaction ends (see
    fupin.core.testing.commit_at_service_boundary), not never as in a bare test case."""
    from fupin.core.testing import commit_at_service_boundary
    commit_at_service_boundary(monkeypatch)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test starts from the migrations' reference rows, whatever ran before."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return
    request.getfixturevalue("transactional_db")
    from fupin.core.testing import restore_reference_data
    restore_reference_data()
