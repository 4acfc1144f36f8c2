"""Celery tasks of reports: primitive ids in, one service call, no logic. Safe to run twice."""

from celery import shared_task

from .services import index_run_execute, report_file_build


@shared_task(acks_late=True)
def index_run_task(run_id: int) -> str:
    """The index job with its run record (progress, hash, error) — see index_run_execute."""
    return index_run_execute(run_id=run_id).result_hash


@shared_task(acks_late=True)
def report_file_build_task(report_file_id: int) -> str:
    return report_file_build(report_file_id=report_file_id).status
