"""Callbacks that later apps register, so orders never imports them (STYLE: one-way
dependencies). Fulfilment registers its stock release in its AppConfig.ready():

    from orders.hooks import register_stock_release
    register_stock_release(release_reserved_stock_for_order)

A stock-release callback is called as `fn(*, order, by)` inside the cancelling
transaction, after the order row is locked and before it is saved as cancelled; if it
raises, the cancellation is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StockRelease = Callable[..., None]

_stock_release_callbacks: list[StockRelease] = []


def register_stock_release(callback: StockRelease) -> None:
    """Register once (registering the same callable again is a no-op)."""
    if callback not in _stock_release_callbacks:
        _stock_release_callbacks.append(callback)


def unregister_stock_release(callback: StockRelease) -> None:
    if callback in _stock_release_callbacks:
        _stock_release_callbacks.remove(callback)


def release_stock(*, order: Any, by: Any) -> None:
    for callback in list(_stock_release_callbacks):
        callback(order=order, by=by)
