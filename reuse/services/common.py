"""Helpers shared by the reuse services (not domain verbs themselves)."""

from ..outbox import enqueue

__all__ = ["enqueue"]
