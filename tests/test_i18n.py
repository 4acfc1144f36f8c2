"""Vietnamese first, English second: the English catalogue, the switcher and their contract."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
MSGFMT = shutil.which("msgfmt")

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese_by_default(client):
    response = client.get("/dang-nhap/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "<h1>Đăng nhập</h1>" in html
    assert "Tên đăng nhập" in html
    assert "Sign in" not in html


def test_login_page_in_english_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/dang-nhap/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html
    assert "Username" in html and "Password" in html
    assert "Đăng nhập" not in html


def test_set_language_switches_and_returns_to_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dang-nhap/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "<h1>Sign in</h1>" in client.get("/dang-nhap/").content.decode()

    client.post("/i18n/setlang/", {"language": "vi", "next": "/dang-nhap/"})
    assert "<h1>Đăng nhập</h1>" in client.get("/dang-nhap/").content.decode()


def test_switcher_is_a_plain_form_without_inline_script(client):
    html = client.get("/dang-nhap/?next=/bao-cao/").content.decode()
    form = re.search(r'<form[^>]*action="/i18n/setlang/".*?</form>', html, re.S)
    assert form, "language switcher missing from the header"
    form = form.group(0)
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form
    assert 'name="next" value="/dang-nhap/?next=/bao-cao/"' in form
    assert 'name="language" value="vi"' in form and "Tiếng Việt" in form
    assert 'name="language" value="en"' in form and "English" in form
    assert not re.search(r"\son[a-z]+=", form)


def test_po_has_no_fuzzy_or_empty_translations():
    """A dependency-free look at the .po; msgfmt below gives the authoritative count."""
    text = PO.read_text(encoding="utf-8")
    assert not re.search(r"^#,.*\bfuzzy\b", text, re.M)
    # An empty msgstr is `msgstr ""` (or `msgstr[n] ""`) not followed by a continuation line;
    # only the header entry (msgid "") may have one.
    empty = re.findall(r'^msgstr(?:\[\d+\])? ""\n(?!")', text, re.M)
    assert empty == []


@pytest.mark.skipif(MSGFMT is None, reason="gettext's msgfmt is not installed")
def test_catalogue_is_complete_and_compiled(tmp_path):
    out = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = out.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages?\.", stats), stats

    # The committed .mo says the same as the .po (i.e. compilemessages was re-run).
    with MO.open("rb") as committed, (tmp_path / "django.mo").open("rb") as fresh:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(fresh)._catalog
        )


@pytest.mark.django_db
def test_browser_language_does_not_switch_the_portal_to_english(client):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.content.decode()
    assert response["Content-Language"] == "vi"
