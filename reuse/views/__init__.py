"""Step one of the split: the old module moved as-is (so history follows); the next commit splits it."""

from .associations import *  # noqa: F403
