//! A fuzz target over the claim-sheet parser, the validator and what turns a valid
//! sheet into quads and seals it with its content hash: whatever the input, they
//! answer with a value or an error, never a panic or an abort. Bounded: a few hundred
//! cases per strategy, seconds in all.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use claimgraph::model::graph::{self, Iris, DEFAULT_BASE};
use claimgraph::model::sheet::validate::{self, Known};
use claimgraph::model::sheet::Sheet;
use proptest::prelude::*;

use common::repo;

/// What sheets may refer to: the ontology and the seed's entities.
fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut known = Known::with_ontology();
        let entities = Sheet::read(&repo().join("data/entities.toml")).expect("seed entities");
        for e in &entities.entity {
            known.entities.insert(e.id.get_ref().clone(), e.kind);
        }
        known
    })
}

/// Parses, validates, builds and seals `source` as if read from `path`.
fn exercise(path: &Path, source: String) {
    let Ok(sheet) = Sheet::parse(path, source) else {
        return;
    };
    let Ok(valid) = validate::validate(&sheet, known()) else {
        return;
    };
    let mut kinds: HashMap<_, _> = known().entities.clone();
    for e in &valid.entities {
        kinds.insert(e.id.clone(), e.kind);
    }
    let iris = Iris::new(DEFAULT_BASE).unwrap();
    let mut contribution = graph::contribution(&valid, &iris, &kinds);
    let _ = claimgraph::write::hash::seal(&mut contribution, &iris);
}

/// Real sheets to mutate, with the path they are parsed as (so `text_file` resolves).
fn seeds() -> &'static [(PathBuf, String)] {
    static SEEDS: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        [
            "tests/fixtures/mini/acme-hosting.toml",
            "data/articles/alibaba-pla-memo.toml",
        ]
        .iter()
        .map(|rel| {
            let path = repo().join(rel);
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect()
    })
}

/// One edit of a sheet's text.
#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
}

/// Fragments that reach the interesting corners of the format.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::sample::select(vec![
            "\"",
            "'''",
            "[[claim]]\n",
            "[[claim.proposition]]\n",
            "[article]\n",
            "[[entity]]\n",
            "occurrence = 0\n",
            "occurrence = 18446744073709551615\n",
            "occurrence = -1\n",
            "value = nan\n",
            "value = inf\n",
            "value = 1e300\n",
            "value = -0.0\n",
            "value = 9223372036854775807\n",
            "value = 0.60\n",
            "value = [1, 2]\n",
            "confidence = 0.5\n",
            "confidence = nan\n",
            "confidence = 1e-320\n",
            "date = \"--02-30\"\n",
            "date = \"2019-13\"\n",
            "date = \"\u{1F600}\"\n",
            "date = { }\n",
            "date = { value = \"--10\", text = \"\" }\n",
            "text_file = \"/dev/zero\"\n",
            "text_file = \"../../../../etc/hostname\"\n",
            "text_file = \"\"\n",
            "text_file = \".\"\n",
            "quote = \"\"\n",
            "quote = \"ä\"\n",
            "answers = [\"x/y/z\", \"/\", \"\"]\n",
            "via = \"\"\n",
            "predicate = \"cg:\"\n",
            "predicate = \"http://x\"\n",
            "language = \"x-\"\n",
            "language = \"de-DE-u-co-phonebk\"\n",
            "id = \"-\"\n",
            "id = \"ÄÖÜ\"\n",
            "\u{0}",
            "\r\n",
            "\u{FEFF}",
            "é",
        ])
        .prop_map(str::to_owned),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..64).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), fragment()).prop_map(|(at, text)| Edit::Insert { at, text }),
        any::<usize>().prop_map(|line| Edit::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines { a, b }),
    ]
}

/// The nearest char boundary at or before `at % (len + 1)`.
fn boundary(text: &str, at: usize) -> usize {
    let mut i = at % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, edit: &Edit) -> String {
    match edit {
        Edit::Delete { at, len } => {
            let start = boundary(text, *at);
            let end = boundary(text, (start + len).min(text.len()));
            let end = end.max(start);
            format!("{}{}", &text[..start], &text[end..])
        }
        Edit::Insert { at, text: piece } => {
            let at = boundary(text, *at);
            format!("{}{piece}{}", &text[..at], &text[at..])
        }
        Edit::DuplicateLine { line } => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let i = line % lines.len();
                lines.insert(i, lines[i]);
            }
            lines.concat()
        }
        Edit::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let n = lines.len();
                lines.swap(a % n, b % n);
            }
            lines.concat()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_the_sheet_parser_or_validator(text in any::<String>()) {
        exercise(&repo().join("tests/fixtures/mini/fuzzed.toml"), text);
    }

    #[test]
    fn edited_real_sheets_never_panic_the_sheet_parser_or_validator(
        seed in 0usize..2,
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let (path, original) = &seeds()[seed];
        let text = edits.iter().fold(original.clone(), |t, e| apply(&t, e));
        exercise(path, text);
    }
}
