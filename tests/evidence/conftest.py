import pytest

from scoring.enums import Phase
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
)
from tests.tools import require_tool


@pytest.fixture
def dossier(db):
    """A period in self-assessment, two units of one group, their draft dossiers and users."""
    group = make_group()
    period = make_period(year=2024, phase=Phase.SELF_ASSESSMENT, groups=[group])
    tree = make_small_tree(period, [group])
    unit, other_unit = make_unit(group), make_unit(group)

    class D:
        pass

    d = D()
    d.group, d.period, d.tree = group, period, tree
    d.unit, d.other_unit = unit, other_unit
    d.assessment = make_assessment(period, unit)
    d.other_assessment = make_assessment(period, other_unit)
    d.staff = make_user(RoleKind.AGENCY_STAFF, unit)
    d.head = make_user(RoleKind.AGENCY_HEAD, unit)
    d.other_staff = make_user(RoleKind.AGENCY_STAFF, other_unit)
    d.secretariat = make_user(RoleKind.SECRETARIAT)
    d.leaf = tree["1.1"]
    d.leaf2 = tree["1.2"]
    return d


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are made with passwords; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_clamd_by_default(settings):
    """Tests opt in to scanning (test_clamav.py), whatever CLAMD_* the environment sets."""
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""


def require_tesseract():
    """OCR tests run for real. Without Tesseract or its Vietnamese data they are skipped on
    a developer's machine, and FAIL where CI is set: CI must install tesseract-ocr-vie."""
    from evidence.reading import tesseract_problem

    problem = tesseract_problem()
    require_tool(problem is None, f"OCR: {problem}")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """The reading corpus (tests/evidence/corpus.py), built once per test session."""
    import logging

    from tests.evidence.corpus import build_corpus

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    folder = tmp_path_factory.mktemp("evidence-corpus")
    samples, roots = build_corpus(folder)

    class Corpus:
        pass

    c = Corpus()
    c.folder, c.samples, c.roots = folder, samples, roots
    c.by_name = {s.name: s for s in samples}
    return c


@pytest.fixture(scope="session")
def corpus_readings(corpus):
    """Every corpus file read once (OCR included) with the corpus' trust root."""
    require_tesseract()
    from evidence.reading import load_trust_roots, read_document

    roots = load_trust_roots(corpus.roots)
    return {
        sample.name: read_document(sample.path(corpus.folder).read_bytes(), trust_roots=roots)
        for sample in corpus.samples
    }


@pytest.fixture
def reading_world(db, settings):
    """2025 in self-assessment: Sở Tư pháp (the dossier), Sở Nội vụ (another unit), leaves
    with and without evidence rules; `upload(doc_or_bytes, name, leaf)` uploads and reads."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from evidence.services import evidence_upload
    from scoring.models import Criterion

    settings.EVIDENCE_TRUST_ROOTS = ""
    settings.EVIDENCE_READING = True
    group = make_group("so")
    # Still open (self-assessment writes stop at the deadline); a test of the "after the
    # deadline" warning moves it back once the file is in.
    deadline = timezone.now() + timedelta(days=30)
    period = make_period(
        year=2025, phase=Phase.SELF_ASSESSMENT, groups=[group], self_assessment_deadline=deadline
    )
    tree = make_small_tree(period, [group])
    plan_rule = {
        "issued_from": "01/01/N-1",
        "issued_by": "31/12/N-1",
        "doc_types": ["Kế hoạch"],
        "own_issuer": True,
    }
    Criterion.objects.filter(pk=tree["1.2"].pk).update(
        params={**tree["1.2"].params, "evidence": plan_rule}
    )
    tree["1.2"].refresh_from_db()
    unit = make_unit(group, "SO-TP", "Sở Tư pháp")
    other_unit = make_unit(group, "SO-NV", "Sở Nội vụ")

    class W:
        pass

    w = W()
    w.group, w.period, w.tree, w.unit, w.other_unit = group, period, tree, unit, other_unit
    w.free_leaf, w.plan_leaf = tree["1.1"], tree["1.2"]
    w.assessment = make_assessment(period, unit)
    w.other_assessment = make_assessment(period, other_unit)
    w.staff = make_user(RoleKind.AGENCY_STAFF, unit)
    w.head = make_user(RoleKind.AGENCY_HEAD, unit)
    w.other_staff = make_user(RoleKind.AGENCY_STAFF, other_unit)
    w.secretariat = make_user(RoleKind.SECRETARIAT)

    def upload(content, name, leaf=None, *, actor=None, assessment=None, capture=None):
        from tests.evidence import corpus as c

        if isinstance(content, c.Doc):
            maker = {"pdf": c.doc_pdf, "docx": c.doc_docx, "odt": c.doc_odt}[name.split(".")[-1]]
            content = maker(content)
        with capture(execute=True):
            outcome = evidence_upload(
                actor=actor or w.staff,
                assessment=assessment or w.assessment,
                criterion=leaf or w.free_leaf,
                uploaded_file=SimpleUploadedFile(name, content),
            )
        outcome.file.refresh_from_db()
        return outcome.file

    w.upload = upload
    return w
