"""The one cache helper: Django's cache framework, for values worth keeping for a while.

Two aliases, both in settings.CACHES in every configuration:
- "default": shared by every process (Redis when REDIS_URL is set): rendered menus and the like.
- "local": this process's memory (LocMemCache): cheap-to-rebuild values read on every request,
  where a round trip to Redis would cost more than the value saves (search word statistics,
  the sync horizon).

Keys carry the database's name, so one process that talks to two databases (the benchmarks do)
never hands one database's value to the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.db import connection

T = TypeVar("T")
LOCAL = "local"


def cache_key(name: str) -> str:
    return f"{name}:{connection.alias}:{connection.settings_dict.get('NAME')}"


def remembered(name: str, load: Callable[[], T], *, timeout: float, alias: str = LOCAL) -> T:
    """The value under `name`, loaded (and kept `timeout` seconds) when missing or expired."""
    return caches[alias].get_or_set(cache_key(name), load, timeout=timeout)


def recall(name: str, *, alias: str = LOCAL) -> Any | None:
    return caches[alias].get(cache_key(name))


def remember(name: str, value: Any, *, timeout: float, alias: str = LOCAL) -> None:
    caches[alias].set(cache_key(name), value, timeout=timeout)


def forget(name: str, *, alias: str = LOCAL) -> None:
    caches[alias].delete(cache_key(name))
