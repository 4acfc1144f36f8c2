"""Celery tasks of evidence: primitive ids in, one service call, no logic."""

from celery import shared_task

from .services import evidence_reading_run


@shared_task(acks_late=True)
def evidence_read_task(file_id: int) -> str:
    """Read a stored file's text, fields and signatures; a scan is handed to the OCR task.
    Safe to run twice."""
    return evidence_reading_run(file_id=file_id)


@shared_task(acks_late=True)
def evidence_ocr_task(file_id: int) -> str:
    """Read a stored file with OCR where it has no text. Safe to run twice."""
    return evidence_reading_run(file_id=file_id, allow_ocr=True)
