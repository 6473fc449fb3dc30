"""Checks nanopublication TriG files with the `nanopub` package, offline.

Usage: nanopub_check.py FILE ...
For each file: loads it as a nanopublication and runs the package's structural
validation (four non-empty graphs, provenance about the assertion, pubinfo about the
nanopublication). Prints "ok FILE" or "FAIL FILE: reason"; exits 1 if any failed.
"""
import sys
from pathlib import Path

from nanopub import Nanopub

failed = 0
for name in sys.argv[1:]:
    try:
        np = Nanopub(rdf=Path(name))
        np.is_valid
        print(f"ok {name} {len(np.assertion)} {len(np.provenance)} {len(np.pubinfo)}")
    except Exception as e:
        failed += 1
        print(f"FAIL {name}: {e}")
sys.exit(1 if failed else 0)
