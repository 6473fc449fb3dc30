"""Canonicalizes N-Quads files with pyld (an independent RDFC-1.0 / URDNA2015
implementation) and prints the SHA-256 of each canonical form.

Usage: rdfc_hash.py FILE ...   Prints one JSON object {FILE: sha256-hex}.
"""
import hashlib
import json
import sys

from pyld import jsonld

hashes = {}
for name in sys.argv[1:]:
    with open(name, encoding="utf-8") as f:
        nquads = f.read()
    canonical = jsonld.normalize(
        nquads,
        {"algorithm": "URDNA2015", "inputFormat": "application/n-quads", "format": "application/n-quads"},
    )
    hashes[name] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
print(json.dumps(hashes))
