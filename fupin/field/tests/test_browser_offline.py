"""The offline visit app in real Chromium at 390×844: go offline (Playwright's offline
mode), record two visits, come back online, find both exactly once."""

import pytest

from fupin.assistance.models import Visit
from fupin.field.models import SyncItem


@pytest.mark.browser
def test_offline_visits_sync_exactly_once(divisions, browser_page, artifacts_dir, assigned):
    from conftest import browser_login

    page = browser_page
    page.on("console", lambda m: print("CONSOLE", m.type, m.text))
    page.on("pageerror", lambda e: print("PAGEERROR", e))
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "helper1")
    page.goto(f"{page.live_server_url}/field/offline/")
    page.wait_for_selector("#offline-app[data-ready='1']")
    # the service worker controls the page and has cached the app before we go offline
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    h1, h2 = assigned["households"]
    context = page.context
    context.set_offline(True)
    page.reload()  # the page itself comes from the service worker's cache
    page.wait_for_selector("#offline-app[data-ready='1']")
    assert page.locator("#net-state").inner_text() == "离线"
    for h, text in ((h1, "入户了解：身体好转，已按时服药"), (h2, "入户了解：务工收入稳定")):
        page.click(f"button[data-visit='{h.pk}']")
        page.fill("#v-findings", text)
        page.select_option("#v-confirmed", index=1)
        page.click("#save-visit")
        page.wait_for_selector("#list:not(.d-none)")
    page.wait_for_function("document.querySelectorAll('#queue .queue-item').length === 2")
    assert page.locator("#queue-count").inner_text() == "2"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "field_offline_queue.png"), full_page=True)
    assert Visit.objects.count() == 0  # nothing reached the server while offline
    context.set_offline(False)  # the 'online' event syncs the queue
    page.wait_for_function("document.querySelectorAll('#queue .queue-item').length === 0", timeout=15000)
    page.wait_for_selector("#synced .synced-item >> nth=1")
    page.click("#sync-now")  # a second sync has nothing left to send
    page.wait_for_timeout(500)
    assert Visit.objects.filter(household=h1).count() == 1
    assert Visit.objects.filter(household=h2).count() == 1
    assert SyncItem.objects.count() == 2
    assert {v.confirmed_by for v in Visit.objects.all()} == {"王一", "王二"}
    page.screenshot(path=str(artifacts_dir / "field_offline_synced.png"), full_page=True)


@pytest.mark.browser
def test_refused_item_stays_with_reason(divisions, browser_page, assigned, county_admin):
    """A household taken away from the helper while offline: the visit comes back refused
    with the reason and stays on the phone until discarded."""
    import datetime as dt

    from conftest import browser_login
    from fupin.assistance import services

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "helper1")
    page.goto(f"{page.live_server_url}/field/offline/")
    page.wait_for_selector("#offline-app[data-ready='1']")
    h1 = assigned["households"][0]
    page.context.set_offline(True)
    page.click(f"button[data-visit='{h1.pk}']")
    page.fill("#v-findings", "入户了解")
    page.click("#save-visit")
    page.wait_for_selector("#queue .queue-item")
    services.end_assignment(actor=county_admin, household=h1, ended_on=dt.date.today(), reason="调整结对")
    page.context.set_offline(False)
    page.wait_for_selector("#queue .queue-item[data-status='refused']")
    assert "不在您的管辖范围" in page.locator("#queue .reason").inner_text()
    assert Visit.objects.count() == 0
    page.on("dialog", lambda d: d.accept())
    page.click("#queue button[data-discard]")
    page.wait_for_function("document.querySelectorAll('#queue .queue-item').length === 0")


@pytest.mark.browser
def test_conflict_shown_and_resolved_by_the_helper(divisions, browser_page, assigned, county_admin):
    """The household changed on the server while the phone was offline: the visit comes back
    as a conflict, the helper checks and sends it anyway; it is recorded once."""
    from conftest import browser_login
    from fupin.registry import services as registry

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "helper1")
    page.goto(f"{page.live_server_url}/field/offline/")
    page.wait_for_selector("#offline-app[data-ready='1']")
    h1 = assigned["households"][0]
    page.context.set_offline(True)
    page.click(f"button[data-visit='{h1.pk}']")
    page.fill("#v-findings", "入户了解")
    page.click("#save-visit")
    page.wait_for_selector("#queue .queue-item")
    registry.update_household(actor=county_admin, household=h1, changes={"address": "新地址 3 组"})
    page.context.set_offline(False)
    page.wait_for_selector("#queue .queue-item[data-status='conflict']")
    assert "已被他人修改" in page.locator("#queue .reason").inner_text()
    assert Visit.objects.count() == 0  # never overwritten silently
    page.click("#queue button[data-confirm]")
    page.wait_for_function("document.querySelectorAll('#queue .queue-item').length === 0")
    assert Visit.objects.filter(household=h1).count() == 1
