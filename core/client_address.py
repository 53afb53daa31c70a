"""The client's address of a request, behind the documented reverse proxy.

`REMOTE_ADDR` is the peer that opened the connection: behind nginx that is nginx, so every
user would share one login-throttling counter. The proxy appends the peer it saw to
`X-Forwarded-For`; whatever the client put there itself sits to the left of it. So the
header is read only when it is configured (`TRUSTED_PROXY_HEADER`) and the request came
from a trusted proxy (`TRUSTED_PROXIES`), and then walked from the right, skipping trusted
proxies: the first address that is not one is the client. The left-most entry is never
believed on its own, as anyone can write it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in networks)


def client_address(request: Any) -> str:
    """The address login throttling keys on: `REMOTE_ADDR`, or, from a trusted proxy, the
    right-most address in the configured header that is not a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not header or not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [part.strip() for part in request.META.get(header, "").split(",")]
    chain = [part for part in forwarded if part]
    for address in reversed(chain):
        if _is_trusted(address, networks):
            continue
        # written by a trusted proxy, so it should be an address; if not, keep the proxy's
        return address if _parse(address) is not None else remote
    return chain[0] if chain else remote
