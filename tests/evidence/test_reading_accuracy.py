"""Field-level accuracy of the reading on the team's corpus, per format (a table is printed).

Ground truth comes from the documents the corpus is made of (tests/evidence/corpus.py).
Thresholds: text layers and office files 98%, scans and photos 90%, signature verdicts
100%; every non-document is reported as such and every draft as a draft.
"""

from __future__ import annotations

from collections import defaultdict

from tests.evidence.corpus import DOCX, FIELD_NAMES, IMAGE, ODT, PHOTO, SCAN, SIGNED, TEXT

THRESHOLDS = {TEXT: 0.98, SIGNED: 0.98, DOCX: 0.98, ODT: 0.98, SCAN: 0.90, PHOTO: 0.90}
VERDICTS = ("intact", "trusted", "expired", "modified_after_signing")


def _field_score(sample, reading) -> tuple[int, int, list[str]]:
    got = reading.as_json(sample.name)["document"]
    misses = []
    if got is None:
        return 0, len(FIELD_NAMES), [f"{sample.name}: not read as a document"]
    right = 0
    for name in FIELD_NAMES:
        if got[name] == sample.document[name]:
            right += 1
        else:
            misses.append(f"{sample.name}: {name} {got[name]!r} ≠ {sample.document[name]!r}")
    return right, len(FIELD_NAMES), misses


def test_reading_accuracy_per_format(corpus, corpus_readings, capsys):
    assert len(corpus.samples) >= 30
    counts = defaultdict(lambda: [0, 0, 0])  # right, total, files
    misses: list[str] = []
    verdicts = [0, 0]
    for sample in corpus.samples:
        reading = corpus_readings[sample.name]
        if sample.document is not None:
            right, total, missed = _field_score(sample, reading)
            counts[sample.fmt][0] += right
            counts[sample.fmt][1] += total
            counts[sample.fmt][2] += 1
            misses.extend(missed)
        if sample.signatures:
            got = reading.as_json(sample.name)["signatures"]
            verdicts[1] += len(sample.signatures) * (len(VERDICTS) + 1)
            for index, truth in enumerate(sample.signatures):
                seen = got[index] if index < len(got) else {}
                verdicts[0] += seen.get("signer") == truth["signer"]
                verdicts[0] += sum(seen.get(key) == truth[key] for key in VERDICTS)
            if len(got) != len(sample.signatures):
                misses.append(
                    f"{sample.name}: {len(got)} signatures, truth {len(sample.signatures)}"
                )
    lines = ["", "evidence reading accuracy (fields right / fields):"]
    lines.append(f"  {'format':8} {'files':>5} {'fields':>7} {'accuracy':>9}  threshold")
    failures = []
    for fmt, (right, total, files) in sorted(counts.items()):
        accuracy = right / total
        lines.append(
            f"  {fmt:8} {files:5d} {right:3d}/{total:<3d} {accuracy:9.1%}  {THRESHOLDS[fmt]:.0%}"
        )
        if accuracy < THRESHOLDS[fmt]:
            failures.append(f"{fmt}: {accuracy:.1%} < {THRESHOLDS[fmt]:.0%}")
    lines.append(
        f"  {'signature verdicts':18} {verdicts[0]}/{verdicts[1]} = {verdicts[0] / verdicts[1]:.1%}"
        "  (threshold 100%)"
    )
    if verdicts[0] != verdicts[1]:
        failures.append("signature verdicts below 100%")
    with capsys.disabled():
        print("\n".join(lines + [f"  miss: {m}" for m in misses]))
    assert not failures, "\n".join(failures + misses)


def test_reading_reports_non_documents_and_drafts(corpus, corpus_readings):
    for sample in corpus.samples:
        reading = corpus_readings[sample.name]
        codes = [w["code"] for w in reading.warnings]
        if sample.fmt == IMAGE:
            assert reading.document is None, sample.name
            assert codes in (["not_document"], ["unreadable"]), (sample.name, codes)
        elif sample.draft:
            assert reading.document.is_draft and "draft" in codes, sample.name
            assert reading.document.number is None
        else:
            assert reading.document is not None and not reading.document.is_draft, sample.name


def test_reading_sources_match_formats(corpus, corpus_readings):
    expected = {TEXT: "text", SIGNED: "text", DOCX: "text", ODT: "text", SCAN: "ocr", PHOTO: "ocr"}
    for sample in corpus.samples:
        if sample.fmt in expected:
            assert corpus_readings[sample.name].text_source == expected[sample.fmt], sample.name


def test_scans_read_first_and_last_pages_only(corpus, corpus_readings):
    """A 3-page scan: the header page and the signing page are OCR'd, the middle one not."""
    reading = corpus_readings["tb-stttt-scan-200.pdf"]
    assert reading.pages == 3
    assert sorted(reading.pages_read) == [0, 2]
    assert [p["page"] for p in reading.pages_ocr] == [1, 3]


def test_sideways_page_is_turned_by_orientation_detection(corpus_readings):
    reading = corpus_readings["hd-snv-sideways.jpg"]
    assert reading.pages_ocr[0]["rotation"] in (90, 270)
    assert reading.document.number == "3"


def test_slightly_turned_scans_are_deskewed(corpus_readings):
    """Scans turned 1–3° are measured and turned back (the angle, not just the result)."""
    turned = {
        "kh-stp-2024-scan-200.pdf": 1.5,
        "qd-ubnd-scan-200.pdf": -2.0,
        "tb-stttt-scan-200.pdf": 2.5,
        "kh-snv-scan-200.jpg": -3.0,
    }
    for name, angle in turned.items():
        skew = corpus_readings[name].pages_ocr[0]["skew"]
        assert abs(skew + angle) <= 0.3, (name, skew)
