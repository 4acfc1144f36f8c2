"""Celery tasks of scoring: primitive ids in, one service call, no logic."""

from celery import shared_task

from .models import Period
from .services import results_compute


@shared_task(acks_late=True)
def results_compute_task(period_id: int, stage: str) -> str:
    """Compute and store a stage's results; returns their SHA-256 hash. Safe to run twice."""
    return results_compute(period=Period.objects.get(pk=period_id), stage=stage)
