"""English through Django i18n: the language switcher, the frame, the menu and choice labels.
The compiled catalogue (fupin/locale/en/LC_MESSAGES/django.mo) is committed, so no gettext
is needed here."""

import pytest
from django.urls import reverse
from django.utils import translation

from fupin.accounts.models import Role
from fupin.registry.choices import HouseholdType


def _set_language(client, language: str, next_url: str = "/") -> None:
    resp = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert resp.status_code == 302


@pytest.mark.django_db
def test_login_page_in_english_after_switching(client):
    login = reverse("login")
    page = client.get(login).content.decode()
    assert "登录扶贫系统" in page
    assert 'action="/i18n/setlang/"' in page and "English" in page and "中文" in page
    _set_language(client, "en", login)
    page = client.get(login).content.decode()
    assert "Log in to Fupin" in page and "Username" in page and "Password" in page
    assert "登录扶贫系统" not in page
    assert '<html lang="en">' in page
    _set_language(client, "zh-hans", login)
    page = client.get(login).content.decode()
    assert "登录扶贫系统" in page and "Log in to Fupin" not in page


@pytest.mark.django_db
def test_login_page_follows_accept_language(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in page
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "登录" in page and "Log in to Fupin" not in page


def test_household_list_menu_and_frame_follow_language(client, county_admin, household):
    client.force_login(county_admin)
    url = reverse("registry:household_list")
    page = client.get(url).content.decode()
    for text in ("农户名册", "建档立卡", "后台任务", "退出", "导出 Excel", "县级管理员"):
        assert text in page, text
    _set_language(client, "en", url)
    page = client.get(url).content.decode()
    for text in (">Households</a>", "Registration", "Monitoring", "Background jobs", "Log out",
                 "Export to Excel", "County administrator"):
        assert text in page, text
    # The page title comes from the view and stays Chinese; the frame and the menu do not.
    for text in (">建档立卡</a>", ">农户名册</a>", "后台任务", "退出"):
        assert text not in page, text
    _set_language(client, "zh-hans", url)
    page = client.get(url).content.decode()
    assert ">农户名册</a>" in page and ">Households</a>" not in page


def test_choice_labels_translate():
    with translation.override("en"):
        assert str(HouseholdType.LIFTED.label) == "Lifted household"
        assert str(HouseholdType.POOR.label) == "Poor household (not yet lifted)"
        assert str(Role.HELPER.label) == "Helper"
    with translation.override("zh-hans"):
        assert str(HouseholdType.LIFTED.label) == "脱贫户"
        assert str(Role.HELPER.label) == "帮扶责任人"


def test_catalogue_is_compiled_and_complete():
    """The .mo is committed and not older than the .po (run compilemessages after editing)."""
    from pathlib import Path

    import fupin

    messages = Path(fupin.__file__).parent / "locale" / "en" / "LC_MESSAGES"
    po, mo = messages / "django.po", messages / "django.mo"
    assert mo.exists()
    empty = [block for block in po.read_text(encoding="utf-8").split("\n\n")[1:]
             if block.rstrip().endswith('msgstr ""') and "#, fuzzy" not in block]
    assert len(empty) < 100, f"{len(empty)} untranslated entries"
