"""End to end in Chromium: upload a ledger, watch the job, land on the result."""

from __future__ import annotations

import pytest

from conftest import browser_login

from .builders import household, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_page_to_result(browser_page, tmp_path, artifacts_dir):
    from fupin.core.testing import VILLAGE_A, make_user
    make_user("village_cadre", VILLAGE_A, username="cadre_b")
    page = browser_page
    browser_login(page, "cadre_b")
    page.goto(page.live_server_url + "/ledgers/import/")
    # Ordinary households: a village cadre's import may not load registered statuses (only a
    # county's baseline import may).
    ordinary = {"户类型": "一般农户", "脱贫年度": "", "主要致贫原因": ""}
    path = write_csv(tmp_path / "台账.csv", household("BRW0001", head_extra=ordinary)
                     + household("BRW0002", village="500236002001", head_extra=ordinary),
                     encoding="gbk")
    page.set_input_files("input[type=file]", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#counts", timeout=30000)
    assert page.inner_text("[data-count=read]") == "6"
    assert page.inner_text("[data-count=accepted]") == "3"
    assert page.inner_text("[data-count=created]") == "1"
    assert "不在您的管辖范围内" in page.content()
    page.screenshot(path=str(artifacts_dir / "ledgers_import_result.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#report-link")
    assert info.value.suggested_filename.endswith(".xlsx")
