"""Parses RDF files with rdflib, an independent parser, and prints their statement counts.

Usage: rdf_counts.py FORMAT=PATH ...   (FORMAT: turtle, trig, nquads, json-ld)
Prints one JSON object {PATH: count}; a file rdflib cannot parse ends the run with
exit 1 and the parser's message.
"""
import json
import sys

from rdflib import Dataset

counts = {}
for arg in sys.argv[1:]:
    fmt, path = arg.split("=", 1)
    ds = Dataset()
    try:
        ds.parse(path, format=fmt)
    except Exception as e:  # report which file and why, then fail
        print(f"{path}: rdflib cannot parse it as {fmt}: {e}", file=sys.stderr)
        sys.exit(1)
    counts[path] = len(list(ds.quads((None, None, None, None))))
print(json.dumps(counts))
