"""Digital signatures of a PDF, validated with pyHanko against the configured trust roots.

Per signature: the signer (the certificate's common name), the signing time the signer
reports (or its timestamp's), whether the signed bytes are intact, whether the signer's
certificate chains to one of the trust roots, whether that certificate had expired (or was
not yet valid) at the signing time, and whether the document was changed after signing —
pages or content added in a later revision, not merely a later signature or a form field
filled in (pyHanko's difference analysis, ModificationLevel above FORM_FILLING).

Trust is checked at the signing time (as PDF readers do by default), clamped into the
certificate's validity so that "chains to a trusted root" and "had expired" stay separate
facts. No network: no CRL or OCSP is fetched (`revocation_mode="soft-fail"`); a province
that wants revocation checks feeds them to its own archive process.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import pem, x509

logger = logging.getLogger("evidence.reading")


@dataclass(frozen=True)
class SignatureCheck:
    signer: str | None
    signed_at: datetime | None
    intact: bool
    trusted: bool
    expired: bool
    modified_after_signing: bool

    def as_json(self) -> dict:
        return {
            "signer": self.signer,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "intact": self.intact,
            "trusted": self.trusted,
            "expired": self.expired,
            "modified_after_signing": self.modified_after_signing,
        }


def load_trust_roots(path: str | Path | None) -> list:
    """The certificates of a PEM (or DER) bundle, as asn1crypto certificates; [] when unset."""
    if not path:
        return []
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [
            x509.Certificate.load(der)
            for kind, _headers, der in pem.unarmor(data, multiple=True)
            if kind == "CERTIFICATE"
        ]
    return [x509.Certificate.load(data)]


def _common_name(certificate) -> str | None:
    try:
        names = certificate.subject.native
    except Exception:  # a malformed subject: no name rather than no reading
        return None
    return names.get("common_name") or names.get("organization_name")


def _validity(certificate) -> tuple[datetime, datetime]:
    validity = certificate["tbs_certificate"]["validity"]
    return validity["not_before"].native, validity["not_after"].native


def _chains(certificate, intermediates, context) -> bool:
    # pyhanko takes ~2.5 s to import: loaded when a signature is checked, not at start-up
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

    validator = CertificateValidator(
        certificate, intermediate_certs=intermediates, validation_context=context
    )
    try:
        asyncio.run(validator.async_validate_path())
    except (PathBuildingError, PathValidationError):
        return False
    except Exception as exc:  # anything else: not shown to chain
        logger.info("certificate path not validated: %s", exc)
        return False
    return True


def has_signatures(stream) -> bool:
    """Whether the PDF (a seekable binary file) has a signature dictionary at all, scanned
    in chunks (a 50 MB scan is never read into memory for this)."""
    stream.seek(0)
    tail = b""
    while chunk := stream.read(1 << 20):
        if b"/ByteRange" in tail + chunk:
            return True
        tail = chunk[-16:]
    return False


def check_signatures(stream, *, trust_roots: list) -> list[SignatureCheck]:
    """Every embedded signature of the PDF `stream` (a seekable binary file), in order.

    pyHanko's synchronous API runs its own event loop; where one is already running in this
    thread (an async server, a browser driver) the check runs in a thread of its own."""
    if not has_signatures(stream):
        return []
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _check_signatures(stream, trust_roots)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_check_signatures, stream, trust_roots).result()


def _check_signatures(stream, trust_roots: list) -> list[SignatureCheck]:
    stream.seek(0)
    # pyhanko takes ~2.5 s to import: loaded when a signature is checked, not at start-up
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(stream, strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:  # a PDF pyHanko cannot parse: no signature can be trusted
        logger.info("signatures unreadable: %s", exc)
        return [SignatureCheck(None, None, False, False, False, False)]
    usage = KeyUsageConstraints(
        key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
    )
    checks = []
    for signature in embedded:
        try:
            certificate = signature.signer_cert
            signer = _common_name(certificate)
            not_before, not_after = _validity(certificate)
        except Exception as exc:  # no usable certificate in the signature
            logger.info("signature without a usable certificate: %s", exc)
            checks.append(SignatureCheck(None, None, False, False, False, False))
            continue
        signed_at = signature.self_reported_timestamp
        moment = signed_at or datetime.now(UTC)
        expired = not (not_before <= moment <= not_after)
        trust_moment = min(max(moment, not_before + timedelta(seconds=1)), not_after)
        context = ValidationContext(
            trust_roots=list(trust_roots),
            moment=trust_moment,
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        try:
            status = validate_pdf_signature(
                signature, signer_validation_context=context, key_usage_settings=usage
            )
        except Exception as exc:  # a broken signature structure: report it, never crash
            logger.info("signature not validated: %s", exc)
            checks.append(SignatureCheck(signer, signed_at, False, False, expired, False))
            continue
        trusted = bool(status.trusted)
        if not (status.intact and status.valid):
            # pyHanko stops at a broken signature; whether its certificate chains to a
            # trusted root is still a fact worth reporting.
            trusted = _chains(certificate, signature.other_embedded_certs, context)
        if status.timestamp_validity is not None and status.timestamp_validity.timestamp:
            signed_at = status.timestamp_validity.timestamp
        level = status.modification_level
        modified = (
            level is None
            or level > ModificationLevel.FORM_FILLING
            or (status.coverage or SignatureCoverageLevel.UNCLEAR)
            < SignatureCoverageLevel.ENTIRE_REVISION
        )
        checks.append(
            SignatureCheck(
                signer=signer,
                signed_at=signed_at,
                intact=bool(status.intact and status.valid),
                trusted=trusted,
                expired=expired,
                modified_after_signing=bool(modified),
            )
        )
    return checks
