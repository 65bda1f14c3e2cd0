"""The train/validation split, decided by each sample's key alone.

The key is a uniform hash, so its first 32 bits compared with a threshold put the same
sample in the same file on every build and machine, with no random state to carry.
"""

from __future__ import annotations


def assign_split(key: str, validation_share: float) -> str:
    """Return 'validation' for about `validation_share` of keys and 'train' for the rest."""
    bucket = int(key[:8], 16) / 2**32
    return "validation" if bucket < validation_share else "train"
