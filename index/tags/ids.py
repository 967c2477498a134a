"""Ids and timestamps of what the tag file holds (entries, memos)."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id() -> str:
    """14 characters: milliseconds (sortable) then randomness, Crockford base32."""
    n = int(time.time() * 1000)
    head = "".join(_CROCKFORD[(n >> (5 * i)) & 31] for i in reversed(range(9)))
    return head + "".join(secrets.choice(_CROCKFORD) for _ in range(5))


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
