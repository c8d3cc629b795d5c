"""Step one of the split: the old module moved as-is (so history follows); the next commit splits it."""

from .claims import *  # noqa: F403
from .claims import content_hash, luhn_valid, validate_rna, validate_siret  # noqa: F401
