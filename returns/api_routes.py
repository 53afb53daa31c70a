"""The returns endpoints of the platform API: `orders.api` mounts the `router` of every
app's `api_routes` module (core.discovery), so the intake API names no later app."""

from __future__ import annotations

from .api import router

__all__ = ["router"]
