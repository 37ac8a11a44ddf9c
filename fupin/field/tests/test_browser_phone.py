"""Every page a helper and a village cadre use, on a 390×844 phone in real Chromium: no
horizontal scrolling, and the page's main action button fully visible. Screenshots of the
field screens go to test-artifacts/ (copied into docs/img/ for docs/assistance.md)."""

import datetime as dt

import pytest

from fupin.core.testing import VILLAGE_A, make_user

W, H = 390, 844


@pytest.fixture
def field_world(divisions, assigned, county_admin, township_staff):
    from fupin.assistance import services as assistance
    from fupin.cases.services import open_identification
    from fupin.core.testing import make_household, member_data
    from fupin.field import services
    from fupin.rectification.services import create_problem

    cadre = make_user("village_cadre", VILLAGE_A, username="cadre1")
    h1, h2 = assigned["households"]
    visit = assistance.record_visit(actor=county_admin, household=h1, visited_on=dt.date.today(), channel="home",
                                    findings="入户了解，家中生活正常", confirmed_by="王一",
                                    updates={"income": {"year": 2026, "wage_income": "3000"}})
    plan = assistance.create_plan(actor=county_admin, household=h1, year=dt.date.today().year,
                                  measures=[{"category": "industry", "title": "发展中药材种植"}])
    problem = create_problem(actor=county_admin, source="visit", category="housing", household=h1,
                             description="厨房墙体开裂，需复核住房安全等级",
                             deadline=dt.date.today() + dt.timedelta(days=20), owner_name="村建设专干")
    other = make_household(household_type="ordinary", members=[member_data("赵六")])
    case = open_identification(actor=cadre, household=other, channel="cadre", lead="因病支出大")
    c = services.make_challenge()
    from django.core import signing
    d = signing.loads(c.token, salt=services.CHALLENGE_SALT)
    app = services.submit_application(data={
        "name": "王小二", "resident_id": "500236198503030079", "phone": "13912345678", "village": VILLAGE_A,
        "happened": "illness", "description": "父亲住院花了三万元", "challenge": c.token,
        "answer": d["a"] + d["b"]})
    services.accept_application(actor=township_staff, application=app)  # not registered: to the village
    return {"h1": h1, "h2": h2, "visit": visit, "plan": plan, "problem": problem, "case": case, "app": app,
            "cadre": cadre}


def _check(page, url, action, shot=None, artifacts=None):
    page.goto(page.live_server_url + url)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= W, f"{url}: scrolls sideways ({width}px)"
    button = page.locator(action).first
    try:
        button.scroll_into_view_if_needed(timeout=5000)
    except Exception as exc:  # say which page
        raise AssertionError(f"{url}: main action {action} not visible") from exc
    box = button.bounding_box()
    assert box, f"{url}: no main action {action}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= W + 0.5, f"{url}: {action} cut off ({box})"
    assert box["y"] >= 0 and box["y"] + box["height"] <= H + 0.5, f"{url}: {action} off screen ({box})"
    assert box["height"] >= 28, f"{url}: {action} too small to tap"
    if shot and artifacts:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(artifacts / shot), full_page=False)


@pytest.mark.browser
def test_helper_pages_fit_a_phone(field_world, browser_page, artifacts_dir):
    from conftest import browser_login

    w = field_world
    page = browser_page
    page.set_viewport_size({"width": W, "height": H})
    browser_login(page, "helper1")
    assert page.url.endswith("/field/my-work/")  # the helper lands on my work
    pages = [
        ("/field/my-work/", ".main-action", "field_helper_my_work.png"),
        ("/field/offline/", "#sync-now", None),
        (f"/registry/households/{w['h1'].pk}/", "#assistance-panel a.btn", "field_household_page.png"),
        (f"/assistance/households/{w['h1'].pk}/visit/", "button[type=submit]", "field_visit_form.png"),
        (f"/assistance/visits/{w['visit'].pk}/", "#visit-household", "field_visit_detail.png"),
        ("/assistance/visits/", "#filters-toggle", None),
        ("/assistance/overdue/", "main table a.btn", None),
        (f"/assistance/plans/{w['plan'].pk}/", "main form button.btn-primary", None),
        ("/registry/households/", "#filters-toggle", "field_household_list.png"),
    ]
    for url, action, shot in pages:
        _check(page, url, action, shot, artifacts_dir)
    page.goto(f"{page.live_server_url}/registry/households/{w['h2'].pk}/")
    panel = page.locator("#assistance-panel")
    panel.scroll_into_view_if_needed()
    assert "逾期未走访" in panel.inner_text()
    panel.screenshot(path=str(artifacts_dir / "field_household_panel.png"))
    page.goto(f"{page.live_server_url}/assistance/households/{w['h2'].pk}/visit/")
    evidence = page.locator("#visit-evidence")
    evidence.scroll_into_view_if_needed()
    canvas = page.locator("canvas[data-signature]").bounding_box()
    assert canvas and canvas["x"] + canvas["width"] <= W
    page.mouse.move(canvas["x"] + 30, canvas["y"] + 100)
    page.mouse.down()
    for i in range(12):
        page.mouse.move(canvas["x"] + 40 + i * 20, canvas["y"] + 60 + (i % 3) * 25)
    page.mouse.up()
    assert page.locator("input[name=signature]").input_value().startswith("data:image/png;base64,")
    evidence.screenshot(path=str(artifacts_dir / "field_visit_evidence.png"))


@pytest.mark.browser
def test_village_cadre_pages_fit_a_phone(field_world, browser_page, artifacts_dir):
    from conftest import browser_login

    w = field_world
    page = browser_page
    page.set_viewport_size({"width": W, "height": H})
    browser_login(page, "cadre1")
    assert page.url.endswith("/field/my-work/")  # the village cadre lands on my work
    pages = [
        ("/field/my-work/", ".main-action", "field_cadre_my_work.png"),
        ("/registry/households/", "#filters-toggle", None),
        (f"/registry/households/{w['h1'].pk}/", "#assistance-panel a.btn", None),
        (f"/assistance/households/{w['h2'].pk}/visit/", "button[type=submit]", None),
        ("/assistance/overdue/", "main table a.btn", "field_overdue_list.png"),
        ("/cases/", "#filters-toggle", None),
        (f"/cases/{w['case'].pk}/", "#step-form button[type=submit]", None),
        ("/rectification/problems/", "#filters-toggle", None),
        (f"/rectification/problems/{w['problem'].pk}/", "#action-form button", None),
        ("/field/applications/", ".main-action", None),
        (f"/field/applications/{w['app'].pk}/", "main .main-action", "field_application.png"),
        ("/field/applications/add/", ".main-action", None),
        ("/field/offline/", "#sync-now", None),
    ]
    for url, action, shot in pages:
        _check(page, url, action, shot, artifacts_dir)


@pytest.mark.browser
def test_public_application_on_a_phone(divisions, browser_page, artifacts_dir):
    page = browser_page
    page.set_viewport_size({"width": W, "height": H})
    page.goto(page.live_server_url + "/apply/")
    page.wait_for_load_state("networkidle")
    page.select_option("[data-level=county]", "500236")
    page.wait_for_function("document.querySelector('[data-level=township]').options.length > 1")
    page.select_option("[data-level=township]", VILLAGE_A[:9])
    page.wait_for_function("document.querySelector('[data-level=village]').options.length > 1")
    page.select_option("[data-level=village]", VILLAGE_A)
    page.fill("#id_name", "王小二")
    page.fill("#id_resident_id", "500236198503030079")
    page.fill("#id_phone", "13912345678")
    page.select_option("#id_happened", "illness")
    page.fill("#id_description", "父亲住院花了三万元，家里缺钱")
    question = page.locator("label[for=id_answer]").inner_text()
    a, b = [int(x) for x in question.split("：")[1].split("=")[0].split("+")]
    page.fill("#id_answer", str(a + b))
    assert page.evaluate("document.documentElement.scrollWidth") <= W
    page.screenshot(path=str(artifacts_dir / "field_apply.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    receipt = page.locator("#receipt-no").inner_text()
    assert receipt.startswith("SQ")
    page.screenshot(path=str(artifacts_dir / "field_apply_done.png"))
    page.click("a.main-action")
    page.wait_for_load_state("networkidle")
    assert page.locator("#status-result").inner_text() == "办理进度：已收到"
