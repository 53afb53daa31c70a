"""Celery task of the monthly settlement: a large period is computed in the background
while the page polls its progress (billing.views.settlement)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from core.exceptions import DomainError

from .models import Settlement
from .services.settlement import settlement_compute

logger = logging.getLogger(__name__)


@shared_task
def settlement_compute_task(settlement_id: int, user_id: int | None = None) -> str:
    """Compute one settlement (queued on commit by settlement_compute_queue). Safe to run
    twice: the figures are recomputed from the data, and a settlement signed or locked
    meanwhile is refused by the service, not changed."""
    settlement = Settlement.objects.filter(pk=settlement_id).first()
    if settlement is None:
        return "missing"
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        settlement = settlement_compute(settlement=settlement, by=user)
    except DomainError as refusal:
        logger.warning("Settlement %s not computed: %s", settlement_id, refusal)
        return "refused"
    return str(settlement.status)
