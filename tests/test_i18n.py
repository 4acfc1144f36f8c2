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
# The scripts' catalogue (gettext() in static/js, served by /i18n/js/).
JS_PO = PO.with_name("djangojs.po")
CATALOGUES = pytest.mark.parametrize("po", [PO, JS_PO], ids=["django", "djangojs"])
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


@CATALOGUES
def test_po_has_no_fuzzy_or_empty_translations(po):
    """A dependency-free look at the .po; msgfmt below gives the authoritative count."""
    text = po.read_text(encoding="utf-8")
    assert not re.search(r"^#,.*\bfuzzy\b", text, re.M)
    # An empty msgstr is `msgstr ""` (or `msgstr[n] ""`) not followed by a continuation line;
    # only the header entry (msgid "") may have one.
    empty = re.findall(r'^msgstr(?:\[\d+\])? ""\n(?!")', text, re.M)
    assert empty == []


@pytest.mark.skipif(MSGFMT is None, reason="gettext's msgfmt is not installed")
@CATALOGUES
def test_catalogue_is_complete_and_compiled(tmp_path, po):
    out = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = out.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages?\.", stats), stats

    # The committed .mo says the same as the .po (i.e. compilemessages was re-run).
    with (
        po.with_suffix(".mo").open("rb") as committed,
        (tmp_path / "django.mo").open("rb") as fresh,
    ):
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(fresh)._catalog
        )


@pytest.mark.django_db
def test_browser_language_does_not_switch_the_portal_to_english(client):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.content.decode()
    assert response["Content-Language"] == "vi"


# --- the catalogue's contract, read from the .po itself (no polib) -------------------------

_PO_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(line: str) -> str:
    body = _PO_STRING.search(line).group(1)
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], body)


def _po_entries(text: str) -> list[dict]:
    """Entries of a .po as dicts: flags, msgctxt, msgid, msgid_plural, msgstr {index: text}
    (index None for a non-plural entry); obsolete (#~) entries are skipped."""
    entries = []
    for block in re.split(r"\n[ \t]*\n", text.strip("\n")):
        entry = {"flags": set(), "msgstr": {}}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",") if f.strip()}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if field[0] == "msgstr":
                    entry["msgstr"][field[1]] += _unquote(line)
                else:
                    entry[field[0]] += _unquote(line)
            else:
                keyword = line.split(" ", 1)[0]
                value = _unquote(line)
                if keyword.startswith("msgstr"):
                    index = int(keyword[7:-1]) if "[" in keyword else None
                    entry["msgstr"][index] = value
                    field = ("msgstr", index)
                else:
                    entry[keyword] = value
                    field = (keyword,)
        if "msgid" in entry:
            entries.append(entry)
    return entries


# A printf directive as Python's %-formatting reads it (%(name)s, %s, %d, %.1f …); `%%` is a
# literal percent sign, not a placeholder. Brace fields are {0}, {name}, {name!r:>10} …
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
_BRACE = re.compile(r"\{[A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")
# HTML markup kept in msgids (not “<token>”-style metavariables in help texts).
_HTML_TAG = re.compile(r"</?(?:a|abbr|b|br|code|em|i|kbd|p|small|span|strong)\b[^<>]*>")


def _placeholders(text: str, flags: set[str]) -> list[str]:
    found = []
    if "python-format" in flags or "javascript-format" in flags:
        found += [p for p in _PERCENT.findall(text) if p != "%%"]
    else:  # named placeholders are unambiguous even without the flag
        found += re.findall(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]", text)
    if "python-brace-format" in flags:
        found += _BRACE.findall(text)
    return sorted(found)


@pytest.mark.parametrize("po, least", [(PO, 1000), (JS_PO, 10)], ids=["django", "djangojs"])
def test_catalogue_entries_are_all_translated_and_keep_their_placeholders(po, least):
    entries = _po_entries(po.read_text(encoding="utf-8"))
    header, entries = entries[0], entries[1:]
    assert header["msgid"] == "" and "Plural-Forms: nplurals=2;" in header["msgstr"][None]
    assert len(entries) >= least  # the whole interface, not the stale ~740 of before

    problems = []
    for e in entries:
        label = e["msgid"][:60]
        if "fuzzy" in e["flags"]:
            problems.append(("fuzzy", label))
        if "msgid_plural" in e:
            if sorted(e["msgstr"]) != [0, 1]:
                problems.append(("plural forms", label, sorted(e["msgstr"])))
                continue
        elif list(e["msgstr"]) != [None]:
            problems.append(("msgstr[n] without msgid_plural", label))
            continue
        for index, text in e["msgstr"].items():
            source = e["msgid_plural"] if index and "msgid_plural" in e else e["msgid"]
            if not text.strip():
                problems.append(("empty", label, index))
                continue
            want = _placeholders(source, e["flags"])
            got = _placeholders(text, e["flags"])
            if "msgid_plural" in e and index == 0 and got != want:
                # the singular may leave out the count only when its msgid does
                want = _placeholders(e["msgid"], e["flags"])
            if got != want:
                problems.append(("placeholders", label, index, want, got))
            lead, trail = re.match(r"\s*", source).group(0), re.search(r"\s*$", source).group(0)
            if not (text.startswith(lead) and text.endswith(trail)):
                problems.append(("leading/trailing whitespace", label, index))
            if sorted(_HTML_TAG.findall(source)) != sorted(_HTML_TAG.findall(text)):
                problems.append(("HTML tags", label, index))
    assert problems == []


# Letters that occur in Vietnamese but not in English text.
_VIETNAMESE = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I
)


def test_signed_in_home_page_in_english_has_no_vietnamese_heading(client):
    from html.parser import HTMLParser

    from django.utils import timezone

    from scoring import calendar
    from scoring.enums import Phase
    from tests.factories import RoleKind, make_group, make_period, make_unit, make_user

    group = make_group("so", "Departments")
    period = make_period(
        2024,
        Phase.SELF_ASSESSMENT,
        groups=[group],
        self_assessment_deadline=calendar.day_end(
            calendar.add_working_days(timezone.localdate(), 5)
        ),
    )
    period.name = "PAR 2024"  # data, not interface: the factory's default name is Vietnamese
    period.save()
    make_unit(group, "U001", "Department of Justice")
    secretary = make_user(RoleKind.SECRETARIAT, year=period.year, username="secretary")
    secretary.full_name = "Tran Thu Ky"
    secretary.save()
    client.force_login(secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html

    class Texts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.headings, self.texts = [], [], []

        def handle_starttag(self, tag, attrs):
            if tag not in {"br", "img", "input", "meta", "link", "hr"}:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            while self.stack and self.stack.pop() != tag:
                pass

        def handle_data(self, data):
            if data.strip() and not {"script", "style"} & set(self.stack):
                self.texts.append(data.strip())
                if {"h1", "h2", "h3", "legend", "th"} & set(self.stack):
                    self.headings.append(data.strip())

    page = Texts()
    page.feed(html)
    # The headings of a secretariat's home in self-assessment, in English …
    for heading in ("Hello, Tran Thu Ky", "To do now", "Current assessment period", "Your roles"):
        assert heading in page.headings, (heading, page.headings)
    assert "Tasks" in page.headings and "Secretariat (2024)" in page.texts
    # … and no Vietnamese left in a heading, nor anywhere else on the page: the data above is
    # English, so Vietnamese letters can only come from a string missing from the catalogue.
    # The switcher names the other language in that language.
    assert [h for h in page.headings if _VIETNAMESE.search(h)] == []
    assert [t for t in page.texts if _VIETNAMESE.search(t) and t != "Tiếng Việt"] == []
    assert "Xin chào" not in html and "Kỳ đánh giá hiện tại" not in html


def test_the_scripts_messages_follow_the_language(client):
    """/i18n/js/ serves the djangojs catalogue: English with the cookie, nothing to translate
    in Vietnamese (the msgids are the Vietnamese text the scripts fall back to)."""
    english = "The denominator must be greater than 0."
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/i18n/js/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert english in response.content.decode()
    assert "max-age=86400" in response["Cache-Control"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    # The server's cached copy is per language.
    assert english not in client.get("/i18n/js/").content.decode()


def test_scripts_hold_no_untranslated_vietnamese_message():
    """Every Vietnamese string literal in our scripts goes through gettext()."""
    problems = []
    for script in sorted((ROOT / "static" / "js").glob("*.js")):
        for number, line in enumerate(script.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("//")[0]
            if code.lstrip().startswith("*"):
                continue  # a comment block's line
            for literal in re.findall(r'"([^"\\]*)"', code):
                if _VIETNAMESE.search(literal) and f'gettext("{literal}")' not in code:
                    problems.append(f"{script.name}:{number}: {literal}")
    assert problems == []
