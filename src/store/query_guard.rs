//! Bounds on the shape of a SPARQL query, checked before it runs, so that no query text
//! can overflow a stack, abort the process on an allocation, or run in memory where its
//! deadline cannot reach it.
//!
//! Three checks, cheapest first:
//! - [`check_text`], before parsing: the bracket nesting of the text (strings, comments
//!   and IRIs skipped) and runs of `!`, the only things the parser recurses on. This
//!   bounds the parser's own recursion whatever the parse tree turns out to be.
//! - [`check_query`], after parsing: the depth of the algebra (10,000 `UNION`s or `{}` in
//!   a row, or a chain of `||`, `+` or `/` path steps, make a deep tree without any
//!   lexical nesting, and the evaluator recurses on it); the rows that inline data
//!   (`VALUES`) can produce without reading the store (Oxigraph checks its cancellation
//!   token only when it reads the store, so a cross product of VALUES blocks runs past
//!   any deadline); and the longest string an expression can build (`REPLACE(x, "", x)`
//!   nested four times asks for 10^16 bytes, which aborts the process).
//! - [`on_query_stack`]: parsing and evaluation run on a thread whose stack is sized
//!   for the bounds above, with a wide margin.
//!
//! A query refused here is dismantled iteratively ([`dismantle`]), so even dropping a
//! tree a million levels deep cannot overflow the stack.

use std::collections::HashMap;

use spargebra::algebra::{
    AggregateExpression, Expression, Function, GraphPattern, OrderExpression,
    PropertyPathExpression,
};
use spargebra::Query;

/// The deepest bracket nesting (`{`, `(`, `[`) or run of `!` accepted in a query text.
pub const MAX_NESTING: usize = 64;
/// The deepest algebra tree (graph patterns, expressions and property paths) accepted.
pub const MAX_DEPTH: usize = 256;
/// The most triple patterns one group may join, and the most in the whole query: the
/// planner orders a group's joins in time that grows with the cube of its size (300
/// patterns took 4.5 s, 1,000 over a minute), before any deadline can be checked.
pub const MAX_GROUP_PATTERNS: usize = 100;
pub const MAX_PATTERNS: usize = 500;
/// The most rows inline data may produce without reading the store.
pub const MAX_INLINE_ROWS: u128 = 1_000_000;
/// The longest string (in bytes) an expression may be able to build.
pub const MAX_STRING_BYTES: u128 = 64 << 20;
/// What one value read from the store is assumed to hold at most, for the string bound
/// (an article's whole text is the longest literal the graph stores).
const STORE_VALUE_BYTES: u128 = 1 << 20;
/// The stack of a thread that parses and evaluates a query: the worst shapes at the
/// bounds above (62 nested FILTER NOT EXISTS) overflow 8 MB and fit in 16 MB in a debug
/// build; the rest is margin (only the pages a query touches are ever committed).
pub const QUERY_STACK_BYTES: usize = 64 << 20;

/// Why a query's shape was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("the query nests brackets or '!' {MAX_NESTING}+ levels deep (line {line}, column {column}); at most {MAX_NESTING} levels are accepted")]
    TooNested { line: usize, column: usize },
    #[error("the query's algebra is more than {MAX_DEPTH} operators deep (long chains of UNION, of groups in a row, of || / && / + operators or of path steps count as depth); at most {MAX_DEPTH} are accepted")]
    TooDeep,
    #[error("the query has {patterns} triple patterns{where_}; at most {MAX_GROUP_PATTERNS} in one group and {MAX_PATTERNS} in all are accepted (a path of n steps counts as n patterns)")]
    TooManyPatterns {
        patterns: usize,
        where_: &'static str,
    },
    #[error("the query's VALUES data combine into up to {rows} rows without reading the store, more than the {MAX_INLINE_ROWS} accepted (such work cannot be stopped at the deadline)")]
    InlineRowsTooMany { rows: u128 },
    #[error("an expression of the query can build a string of up to {bytes} bytes (nested REPLACE / CONCAT), more than the {MAX_STRING_BYTES} accepted")]
    StringTooLong { bytes: u128 },
}

/// Checks the bracket nesting of a query text before it is parsed.
pub fn check_text(text: &str) -> Result<(), ShapeError> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut bangs = 0usize;
    let mut line = 1;
    let mut line_start = 0;
    let mut i = 0;
    let too_deep = |at: usize, line: usize, line_start: usize| ShapeError::TooNested {
        line,
        column: text[line_start..at].chars().count() + 1,
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                i += 1;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' | b'\'' => {
                let long = bytes[i..].starts_with(&[b, b, b]);
                i += if long { 3 } else { 1 };
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'\n' if !long => break,
                        b'\n' => {
                            line += 1;
                            line_start = i + 1;
                            i += 1;
                        }
                        c if c == b && !long => {
                            i += 1;
                            break;
                        }
                        c if c == b && bytes[i..].starts_with(&[b, b, b]) => {
                            i += 3;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                bangs = 0;
            }
            b'<' => {
                // An IRI when it is one lexically; its brackets still count (the parser
                // may read the '<' as less-than), only '#' and quotes inside it are inert.
                let end = bytes[i + 1..]
                    .iter()
                    .position(|&c| c == b'>' || !iri_char(c))
                    .map(|p| i + 1 + p);
                match end {
                    Some(e) if bytes[e] == b'>' => {
                        for &c in &bytes[i + 1..e] {
                            if matches!(c, b'(' | b'[') {
                                depth += 1;
                            } else if matches!(c, b')' | b']') {
                                depth = depth.saturating_sub(1);
                            }
                            if depth > MAX_NESTING {
                                return Err(too_deep(i, line, line_start));
                            }
                        }
                        i = e + 1;
                    }
                    _ => i += 1,
                }
                bangs = 0;
            }
            b'{' | b'(' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(too_deep(i, line, line_start));
                }
                bangs = 0;
                i += 1;
            }
            b'}' | b')' | b']' => {
                depth = depth.saturating_sub(1);
                bangs = 0;
                i += 1;
            }
            b'!' => {
                bangs += 1;
                if bangs > MAX_NESTING {
                    return Err(too_deep(i, line, line_start));
                }
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            _ => {
                bangs = 0;
                i += 1;
            }
        }
    }
    Ok(())
}

/// The characters an IRIREF may hold between `<` and `>`.
fn iri_char(c: u8) -> bool {
    c > 0x20
        && !matches!(
            c,
            b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\'
        )
}

/// Checks a parsed query: its depth, the rows of its inline data, the strings it can build.
pub fn check_query(query: &Query) -> Result<(), ShapeError> {
    let pattern = match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern,
    };
    let mut walk = Walk::default();
    walk.pattern(pattern, 1)?;
    Ok(())
}

/// One pass over the algebra; recursion stops as soon as [`MAX_DEPTH`] is passed, so
/// the walk itself needs a stack of only a few hundred frames.
#[derive(Default)]
struct Walk {
    /// The longest string each variable bound by BIND can hold.
    bound: HashMap<String, u128>,
    /// The triple patterns seen so far.
    patterns: usize,
}

impl Walk {
    /// Returns the rows `pattern` can produce from inline data alone (1 for a pattern
    /// that reads the store: each of its rows is preceded by a cancellable read).
    fn pattern(&mut self, pattern: &GraphPattern, depth: usize) -> Result<u128, ShapeError> {
        if depth > MAX_DEPTH {
            return Err(ShapeError::TooDeep);
        }
        let d = depth + 1;
        let rows = match pattern {
            GraphPattern::Bgp { patterns } => {
                if patterns.len() > MAX_GROUP_PATTERNS {
                    return Err(ShapeError::TooManyPatterns {
                        patterns: patterns.len(),
                        where_: " in one group",
                    });
                }
                self.count_patterns(patterns.len())?;
                1
            }
            GraphPattern::Path { path, .. } => {
                path_depth(path, d)?;
                self.count_patterns(1)?;
                1
            }
            GraphPattern::Values { bindings, .. } => bindings.len() as u128,
            GraphPattern::Join { left, right }
            | GraphPattern::Lateral { left, right }
            | GraphPattern::LeftJoin { left, right, .. } => {
                if let GraphPattern::LeftJoin {
                    expression: Some(e),
                    ..
                } = pattern
                {
                    self.expression(e, d)?;
                }
                let l = self.pattern(left, d)?;
                let r = self.pattern(right, d)?;
                l.saturating_mul(r)
            }
            GraphPattern::Union { left, right } => {
                let l = self.pattern(left, d)?;
                let r = self.pattern(right, d)?;
                l.saturating_add(r)
            }
            GraphPattern::Minus { left, right } => {
                self.pattern(right, d)?;
                self.pattern(left, d)?
            }
            GraphPattern::Filter { expr, inner } => {
                let rows = self.pattern(inner, d)?;
                self.expression(expr, d)?;
                rows
            }
            GraphPattern::Extend {
                inner,
                variable,
                expression,
            } => {
                let rows = self.pattern(inner, d)?;
                let len = self.expression(expression, d)?;
                let entry = self.bound.entry(variable.as_str().to_owned()).or_insert(0);
                *entry = (*entry).max(len);
                rows
            }
            GraphPattern::OrderBy { inner, expression } => {
                let rows = self.pattern(inner, d)?;
                for e in expression {
                    match e {
                        OrderExpression::Asc(e) | OrderExpression::Desc(e) => {
                            self.expression(e, d)?;
                        }
                    }
                }
                rows
            }
            GraphPattern::Group {
                inner, aggregates, ..
            } => {
                let rows = self.pattern(inner, d)?;
                for (_, aggregate) in aggregates {
                    if let AggregateExpression::FunctionCall { expr, .. } = aggregate {
                        self.expression(expr, d)?;
                    }
                }
                rows
            }
            GraphPattern::Project { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. }
            | GraphPattern::Graph { inner, .. }
            | GraphPattern::Service { inner, .. } => self.pattern(inner, d)?,
        };
        if rows > MAX_INLINE_ROWS {
            return Err(ShapeError::InlineRowsTooMany { rows });
        }
        Ok(rows)
    }

    fn count_patterns(&mut self, more: usize) -> Result<(), ShapeError> {
        self.patterns += more;
        if self.patterns > MAX_PATTERNS {
            return Err(ShapeError::TooManyPatterns {
                patterns: self.patterns,
                where_: " or more",
            });
        }
        Ok(())
    }

    /// Returns the longest string `expression` can evaluate to.
    fn expression(&mut self, expression: &Expression, depth: usize) -> Result<u128, ShapeError> {
        if depth > MAX_DEPTH {
            return Err(ShapeError::TooDeep);
        }
        let d = depth + 1;
        let len = match expression {
            Expression::NamedNode(n) => n.as_str().len() as u128,
            Expression::Literal(l) => l.value().len() as u128,
            Expression::Variable(v) => self
                .bound
                .get(v.as_str())
                .copied()
                .unwrap_or(STORE_VALUE_BYTES)
                .max(STORE_VALUE_BYTES),
            Expression::Bound(_) => 5,
            Expression::Exists(p) => {
                self.pattern(p, d)?;
                5
            }
            Expression::Or(a, b)
            | Expression::And(a, b)
            | Expression::Equal(a, b)
            | Expression::SameTerm(a, b)
            | Expression::Greater(a, b)
            | Expression::GreaterOrEqual(a, b)
            | Expression::Less(a, b)
            | Expression::LessOrEqual(a, b) => {
                self.expression(a, d)?;
                self.expression(b, d)?;
                5
            }
            Expression::Add(a, b)
            | Expression::Subtract(a, b)
            | Expression::Multiply(a, b)
            | Expression::Divide(a, b) => {
                // Numbers: as long as the longer operand, plus a few digits.
                self.expression(a, d)?
                    .max(self.expression(b, d)?)
                    .saturating_add(64)
            }
            Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
                self.expression(a, d)?.saturating_add(1)
            }
            Expression::In(a, list) => {
                self.expression(a, d)?;
                for e in list {
                    self.expression(e, d)?;
                }
                5
            }
            Expression::If(c, a, b) => {
                self.expression(c, d)?;
                self.expression(a, d)?.max(self.expression(b, d)?)
            }
            Expression::Coalesce(list) => {
                let mut longest = 0;
                for e in list {
                    longest = longest.max(self.expression(e, d)?);
                }
                longest
            }
            Expression::FunctionCall(function, args) => {
                let mut lens = Vec::with_capacity(args.len());
                for e in args {
                    lens.push(self.expression(e, d)?);
                }
                let arg = |i: usize| lens.get(i).copied().unwrap_or(0);
                match function {
                    Function::Concat => lens.iter().fold(0u128, |a, b| a.saturating_add(*b)),
                    // An empty match replaces between every character: |a| + (|a|+1)·|r|.
                    Function::Replace => {
                        arg(0).saturating_add(arg(0).saturating_add(1).saturating_mul(arg(2)))
                    }
                    // Percent-encoding or case mapping at most triples a string.
                    Function::EncodeForUri | Function::UCase | Function::LCase => {
                        arg(0).saturating_mul(3)
                    }
                    Function::Iri
                    | Function::Str
                    | Function::SubStr
                    | Function::StrBefore
                    | Function::StrAfter
                    | Function::StrLang
                    | Function::StrDt => arg(0).saturating_add(arg(1)).saturating_add(64),
                    // Everything else is a boolean, a number, a date part or a hash.
                    _ => 256,
                }
            }
        };
        if len > MAX_STRING_BYTES {
            return Err(ShapeError::StringTooLong { bytes: len });
        }
        Ok(len)
    }
}

fn path_depth(path: &PropertyPathExpression, depth: usize) -> Result<(), ShapeError> {
    if depth > MAX_DEPTH {
        return Err(ShapeError::TooDeep);
    }
    match path {
        PropertyPathExpression::NamedNode(_) | PropertyPathExpression::NegatedPropertySet(_) => {
            Ok(())
        }
        PropertyPathExpression::Reverse(p)
        | PropertyPathExpression::ZeroOrMore(p)
        | PropertyPathExpression::OneOrMore(p)
        | PropertyPathExpression::ZeroOrOne(p) => path_depth(p, depth + 1),
        PropertyPathExpression::Sequence(a, b) | PropertyPathExpression::Alternative(a, b) => {
            path_depth(a, depth + 1)?;
            path_depth(b, depth + 1)
        }
    }
}

/// Parses `text` with `parser`, refusing it when its text or its algebra is out of
/// bounds. Run it on a [`on_query_stack`] thread: the parser recurses on nesting.
pub fn parse_checked(
    parser: spargebra::SparqlParser,
    text: &str,
) -> Result<Query, GuardedParseError> {
    check_text(text)?;
    let query = parser
        .parse_query(text)
        .map_err(|e| GuardedParseError::Syntax(e.to_string()))?;
    match check_query(&query) {
        Ok(()) => Ok(query),
        Err(e) => {
            dismantle(query);
            Err(e.into())
        }
    }
}

/// Why [`parse_checked`] refused a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardedParseError {
    #[error(transparent)]
    Shape(#[from] ShapeError),
    #[error("{0}")]
    Syntax(String),
}

/// Drops a query of any depth without recursion: each node's children are moved onto
/// a heap stack before the node itself is dropped.
pub fn dismantle(query: Query) {
    let pattern = match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern,
    };
    let mut stack = vec![Node::Pattern(pattern)];
    while let Some(node) = stack.pop() {
        match node {
            Node::Pattern(p) => push_pattern_children(p, &mut stack),
            Node::Expression(e) => push_expression_children(e, &mut stack),
            Node::Path(p) => match p {
                PropertyPathExpression::Reverse(a)
                | PropertyPathExpression::ZeroOrMore(a)
                | PropertyPathExpression::OneOrMore(a)
                | PropertyPathExpression::ZeroOrOne(a) => stack.push(Node::Path(*a)),
                PropertyPathExpression::Sequence(a, b)
                | PropertyPathExpression::Alternative(a, b) => {
                    stack.push(Node::Path(*a));
                    stack.push(Node::Path(*b));
                }
                PropertyPathExpression::NamedNode(_)
                | PropertyPathExpression::NegatedPropertySet(_) => {}
            },
        }
    }
}

enum Node {
    Pattern(GraphPattern),
    Expression(Expression),
    Path(PropertyPathExpression),
}

fn push_pattern_children(pattern: GraphPattern, stack: &mut Vec<Node>) {
    let mut pair = |l: Box<GraphPattern>, r: Box<GraphPattern>| {
        stack.push(Node::Pattern(*l));
        stack.push(Node::Pattern(*r));
    };
    match pattern {
        GraphPattern::Join { left, right }
        | GraphPattern::Lateral { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => pair(left, right),
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            pair(left, right);
            if let Some(e) = expression {
                stack.push(Node::Expression(e));
            }
        }
        GraphPattern::Filter { expr, inner } => {
            stack.push(Node::Pattern(*inner));
            stack.push(Node::Expression(expr));
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            stack.push(Node::Pattern(*inner));
            stack.push(Node::Expression(expression));
        }
        GraphPattern::OrderBy { inner, expression } => {
            stack.push(Node::Pattern(*inner));
            for e in expression {
                match e {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => {
                        stack.push(Node::Expression(e))
                    }
                }
            }
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            stack.push(Node::Pattern(*inner));
            for (_, a) in aggregates {
                if let AggregateExpression::FunctionCall { expr, .. } = a {
                    stack.push(Node::Expression(expr));
                }
            }
        }
        GraphPattern::Path { path, .. } => stack.push(Node::Path(path)),
        GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Graph { inner, .. }
        | GraphPattern::Service { inner, .. } => stack.push(Node::Pattern(*inner)),
        GraphPattern::Bgp { .. } | GraphPattern::Values { .. } => {}
    }
}

fn push_expression_children(expression: Expression, stack: &mut Vec<Node>) {
    match expression {
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => {
            stack.push(Node::Expression(*a));
            stack.push(Node::Expression(*b));
        }
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            stack.push(Node::Expression(*a))
        }
        Expression::In(a, list) => {
            stack.push(Node::Expression(*a));
            stack.extend(list.into_iter().map(Node::Expression));
        }
        Expression::If(a, b, c) => {
            stack.push(Node::Expression(*a));
            stack.push(Node::Expression(*b));
            stack.push(Node::Expression(*c));
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            stack.extend(list.into_iter().map(Node::Expression))
        }
        Expression::Exists(p) => stack.push(Node::Pattern(*p)),
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => {}
    }
}

/// Runs `work` on a thread with a [`QUERY_STACK_BYTES`] stack and waits for it; a panic
/// in `work` is resumed on the caller.
pub fn on_query_stack<T: Send>(work: impl FnOnce() -> T + Send) -> std::io::Result<T> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("claimgraph-query".into())
            .stack_size(QUERY_STACK_BYTES)
            .spawn_scoped(scope, work)?;
        Ok(handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Query, GuardedParseError> {
        on_query_stack(|| parse_checked(spargebra::SparqlParser::new(), text)).unwrap()
    }

    #[test]
    fn nesting_is_counted_outside_strings_and_comments_only() {
        let deep = format!("{}{}", "(".repeat(100), ")".repeat(100));
        assert!(check_text(&format!("SELECT * {{ FILTER{deep} }}")).is_err());
        assert!(check_text(&format!("SELECT * {{ FILTER(\"{deep}\") }}")).is_ok());
        assert!(check_text(&format!("# {deep}\nSELECT * {{}}")).is_ok());
        assert!(check_text(&format!("SELECT * {{ FILTER(\"\"\"\n{deep}\n\"\"\") }}")).is_ok());
        assert!(check_text(&"!".repeat(1000)).is_err());
        // A '#' in an IRI starts no comment: the brackets after it still count.
        assert!(check_text(&format!("SELECT * {{ <http://x#> {} }}", "{".repeat(100))).is_err());
    }

    #[test]
    fn deep_algebra_without_nesting_is_refused() {
        let unions = format!("SELECT * {{ {} }}", vec!["{}"; 10_000].join(" UNION "));
        assert_eq!(parse(&unions).unwrap_err(), ShapeError::TooDeep.into());
        let groups = format!(
            "SELECT * {{ {} }}",
            "{ ?s ?p ?o FILTER(?o) } ".repeat(10_000)
        );
        assert_eq!(parse(&groups).unwrap_err(), ShapeError::TooDeep.into());
        let sum = format!("SELECT (1{} AS ?x) {{}}", "+1".repeat(10_000));
        assert_eq!(parse(&sum).unwrap_err(), ShapeError::TooDeep.into());
        let path = format!(
            "SELECT * {{ ?s <http://x/p>{} ?o }}",
            "|<http://x/p>".repeat(10_000)
        );
        assert_eq!(parse(&path).unwrap_err(), ShapeError::TooDeep.into());
        // A sequence path becomes one group of triple patterns, which the planner orders.
        let path = format!(
            "SELECT * {{ ?s <http://x/p>{} ?o }}",
            "/<http://x/p>".repeat(10_000)
        );
        assert!(matches!(
            parse(&path).unwrap_err(),
            GuardedParseError::Shape(ShapeError::TooManyPatterns { .. })
        ));
        assert!(parse("SELECT * { {} UNION {} UNION {} }").is_ok());
    }

    #[test]
    fn values_cross_products_are_refused() {
        let block = |v: &str| {
            format!(
                "VALUES ?{v} {{ {} }}",
                (1..=200)
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        let q = format!(
            "SELECT (COUNT(*) AS ?n) {{ {} {} {} }}",
            block("a"),
            block("b"),
            block("c")
        );
        assert!(matches!(
            parse(&q).unwrap_err(),
            GuardedParseError::Shape(ShapeError::InlineRowsTooMany { rows: 8_000_000 })
        ));
        let two = format!(
            "SELECT (COUNT(*) AS ?n) {{ {} {} }}",
            block("a"),
            block("b")
        );
        assert!(parse(&two).is_ok(), "40,000 rows are fine");
    }

    #[test]
    fn string_bombs_are_refused() {
        let mut e = "\"aaaaaaaaaa\"".to_owned();
        for _ in 0..4 {
            e = format!("REPLACE({e}, \"\", {e})");
        }
        let q = format!("SELECT (STRLEN({e}) AS ?n) {{}}");
        assert!(matches!(
            parse(&q).unwrap_err(),
            GuardedParseError::Shape(ShapeError::StringTooLong { .. })
        ));
        assert!(parse("SELECT (REPLACE(?t, \"a\", \"b\") AS ?x) { ?s ?p ?t }").is_ok());
    }
}
