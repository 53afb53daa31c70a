"""Pieces shared by the catalog's views (the shared POST-action view is core.actions)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect


def back_to(url_name: str, pk: int) -> HttpResponse:
    return redirect(url_name, pk=pk)
