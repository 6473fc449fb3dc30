"""An independent client of the live server: SPARQLWrapper runs every saved
competency query against the SPARQL endpoint, rdflib parses the linked-data
descriptions. Prints one JSON object; the Rust test compares it with the CLI.

usage: sparql_client.py BASE_URL QUERIES_DIR NAME [NAME...]
"""

import json
import re
import sys
import urllib.request
from pathlib import Path

import rdflib
from SPARQLWrapper import JSON, POST, SPARQLWrapper

BASE, QUERIES = sys.argv[1], Path(sys.argv[2])
NAMES = sys.argv[3:]
ENDPOINT = BASE + "/sparql"


def endpoint():
    client = SPARQLWrapper(ENDPOINT)
    client.setReturnFormat(JSON)
    client.setMethod(POST)
    client.setTimeout(60)
    return client


def sparql_string(value):
    """A SPARQL string literal: every character that could end it is escaped."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return '"' + escaped + '"'


def sparql_iri(iri):
    if re.search(r'[\s<>"{}|^`\\]', iri):
        raise ValueError("not an IRI: %r" % iri)
    return "<" + iri + ">"


def select(text):
    client = endpoint()
    client.setQuery(text)
    return client.query().convert()["results"]["bindings"]


def resolve(kind, value):
    """The term a parameter value stands for, asked of the endpoint like any client would."""
    if kind in ("string",):
        return sparql_string(value)
    if kind == "integer":
        return str(int(value))
    if value.startswith(("http://", "https://")):
        return sparql_iri(value)
    rows = select("SELECT ?r WHERE { ?r cg:slug ?slug } VALUES ?slug { %s }" % sparql_string(value))
    if len(rows) != 1:
        raise ValueError("%s '%s' resolves to %d resources" % (kind, value, len(rows)))
    return sparql_iri(rows[0]["r"]["value"])


def header(text, key):
    return [line.split(":", 1)[1].strip() for line in text.splitlines()
            if line.startswith("#") and line[1:].strip().startswith(key + ":")]


def run_saved(name):
    text = (QUERIES / (name + ".rq")).read_text(encoding="utf-8")
    kinds = {p.split()[0]: p.split()[1] for p in header(text, "param")}
    examples = dict(pair.split("=", 1) for line in header(text, "example") for pair in line.split())
    # The header is documentation for people; SPARQLWrapper guesses a query's form from
    # its first keyword and would take words in it ("added", "asked") for one.
    lines = text.splitlines()
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    text = "\n".join(lines)
    if kinds:
        names = list(kinds)
        terms = [resolve(kinds[n], examples[n]) for n in names]
        # A standard endpoint takes parameters as a trailing VALUES clause.
        text = "%s\nVALUES (%s) { (%s) }\n" % (
            text.rstrip(), " ".join("?" + n for n in names), " ".join(terms))
    return select(text)


def fetch(url, accept):
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:  # follows the 303
        return response.headers.get_content_type(), response.read().decode("utf-8")


def descriptions():
    claim = select("SELECT DISTINCT ?c WHERE { ?c a cg:Claim ; cg:hasProposition ?g . GRAPH ?g { ?s ?p ?o } } ORDER BY ?c LIMIT 1")[0]["c"]["value"]
    article = select("SELECT ?a WHERE { ?a a cg:Article } ORDER BY ?a LIMIT 1")[0]["a"]["value"]
    out = {}
    for label, iri in (("entity", "https://claimgraph.example/id/org/hikvision"), ("claim", claim), ("article", article)):
        url = BASE + "/" + iri.split("/", 3)[3]
        counts = {}
        for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt")):
            content_type, body = fetch(url, accept)
            assert content_type == accept, (url, accept, content_type)
            graph = rdflib.Graph()
            graph.parse(data=body, format=fmt)
            counts[fmt] = len(graph)
        for accept, fmt in (("application/ld+json", "json-ld"), ("application/n-quads", "nquads")):
            content_type, body = fetch(url, accept)
            assert content_type == accept, (url, accept, content_type)
            dataset = rdflib.Dataset()
            dataset.parse(data=body, format=fmt)
            counts[fmt] = sum(1 for _ in dataset.quads((None, None, None, None)))
        out[label] = {"iri": iri, "counts": counts}
    return out


print(json.dumps({"queries": {name: run_saved(name) for name in NAMES}, "descriptions": descriptions()}))
