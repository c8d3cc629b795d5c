"""The content hash printed on erasure certificates and transfer agreements."""

import hashlib
import json


def content_hash(fields):
    """SHA-256 (hex) of the canonical JSON of ``fields``: keys sorted, no spaces, UTF-8.

    Certificates and agreements print this hash; anyone holding the stored fields can
    recompute it (``json.dumps(fields, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)``, encoded as UTF-8) and compare.
    """
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
