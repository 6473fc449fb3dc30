//! The first rows of a long report without sorting all of them: keyset pages.
//!
//! Oxigraph evaluates `ORDER BY` by collecting and sorting every solution, so
//! `claimgraph query single-source --limit 100` used to cost as much as the whole report.
//! A report query that declares a leading key in its header,
//!
//! ```text
//! # keyset: ?claim ?claim a cg:Allegation
//! ```
//!
//! (the variable its ORDER BY starts with, then a triple pattern whose matches include
//! every value that variable can take), is read a batch of key values at a time: the key's
//! candidates are listed and sorted as ORDER BY sorts IRIs, and the query runs for the
//! next batch of them (led by a LATERAL join on the batch's values, see
//! `catalog::run_per_key`), each batch sized by the rows per key seen so far, until the
//! page is full.
//!
//! Listing the candidates costs a dictionary lookup per key (the store's indexes hold IRIs
//! by hash, so they cannot be read in text order): about 6 µs a key, 1.2 s for the
//! 208,548 claims of 10,000 articles. So a report over most claims leads with the
//! relaying article (`ORDER BY ?article ?claim ...`: 10,000 keys), and a report over few
//! claims names a domain that finds just those.
//! Every row of one batch sorts before every row of the next (their keys differ and the
//! key leads the ORDER BY), so the page holds exactly the rows, in exactly the order, of
//! the unpaginated query's slice. The key must be bound in every solution of the query.

use std::io::Write;
use std::time::{Duration, Instant};

use oxigraph::model::Term;
use oxigraph::sparql::Variable;

use super::catalog::{self, CatalogError, Format, Limits, Outcome, Page, SavedQuery, Table};
use crate::model::vocab;
use crate::store::GraphStore;

/// How many key values the first batch holds: a probe of the rows per key, which differs
/// by three orders between reports (one row per denial, over twenty per article).
const FIRST_BATCH: usize = 8;
const MAX_BATCH: usize = 16_384;

/// How many key values the next batch holds, after `keys` of them gave `rows` rows and
/// `missing` more are wanted (`None`: every row): enough for the missing rows at the rows
/// per key seen so far, with half again as margin; four times the last batch while no key
/// has given a row, twice it for every row. Never fewer than [`FIRST_BATCH`] nor more
/// than [`MAX_BATCH`], so a page costs a few query runs whatever the store's size.
fn next_batch(last: usize, keys: usize, rows: usize, missing: Option<usize>) -> usize {
    let size = match missing {
        None => last.saturating_mul(2),
        Some(_) if rows == 0 => last.saturating_mul(4),
        Some(missing) => missing
            .saturating_mul(keys)
            .div_ceil(rows)
            .saturating_mul(3)
            .div_ceil(2),
    };
    size.clamp(FIRST_BATCH, MAX_BATCH)
}

/// A report query's leading key and where its values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyset {
    /// The variable, without `?`.
    pub var: String,
    /// A triple pattern binding `?var` to every value it can take (and maybe more).
    pub domain: String,
}

impl Keyset {
    /// The keyset a saved query declares (`# keyset: ?var PATTERN`), when its ORDER BY
    /// starts with that variable.
    pub fn of(query: &SavedQuery) -> Option<Keyset> {
        let header = query
            .text
            .lines()
            .map(str::trim)
            .take_while(|l| l.starts_with('#'))
            .find_map(|l| l.trim_start_matches('#').trim().strip_prefix("keyset:"))?;
        let (var, domain) = header.trim().split_once(' ')?;
        let var = var.strip_prefix('?')?.to_owned();
        let leads = query
            .text
            .lines()
            .find(|l| l.trim_start().starts_with("ORDER BY"))
            .and_then(|l| l.split_whitespace().nth(2))
            .is_some_and(|first| first == format!("?{var}"));
        leads.then(|| Keyset {
            var,
            domain: domain.trim().to_owned(),
        })
    }

    /// Every value the key can take, in ORDER BY's order; `None` when one cannot be named
    /// in a query (a blank node), so the page must come from the whole query.
    fn candidates(
        &self,
        store: &GraphStore,
        limits: Limits,
    ) -> Result<Option<Vec<Term>>, CatalogError> {
        let text = format!(
            "{}SELECT DISTINCT ?{} WHERE {{ {} }}",
            vocab::sparql_prologue(),
            self.var,
            self.domain
        );
        let Outcome::Table(table) = catalog::run(store, &text, &[], limits)? else {
            return Ok(None);
        };
        let mut keys = Vec::with_capacity(table.rows.len());
        for row in table.rows {
            match row.into_iter().next().flatten() {
                Some(Term::NamedNode(n)) => keys.push(n),
                Some(_) => return Ok(None),
                None => {}
            }
        }
        keys.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        Ok(Some(keys.into_iter().map(Term::from).collect()))
    }

    /// The rows of `page` of the saved query, batch by batch, written to `out` in
    /// `format`; how many were written.
    #[allow(clippy::too_many_arguments)]
    pub fn stream_page(
        &self,
        store: &GraphStore,
        query: &SavedQuery,
        raw: &[(String, String)],
        limits: Limits,
        page: Page,
        format: Format,
        out: &mut impl Write,
    ) -> Result<usize, CatalogError> {
        let table = self.page(store, query, raw, limits, page)?;
        let written = table.rows.len();
        catalog::write_outcome(&Outcome::Table(table), format, out)?;
        out.flush()?;
        Ok(written)
    }

    /// The rows of `page` of the saved query.
    pub fn page(
        &self,
        store: &GraphStore,
        query: &SavedQuery,
        raw: &[(String, String)],
        limits: Limits,
        page: Page,
    ) -> Result<Table, CatalogError> {
        let started = Instant::now();
        let bindings = catalog::bind(store, query, raw)?;
        let left = |limits: Limits| -> Result<Limits, CatalogError> {
            match limits.timeout {
                None => Ok(limits),
                Some(t) => match t.checked_sub(started.elapsed()) {
                    Some(rest) if rest > Duration::ZERO => Ok(Limits {
                        timeout: Some(rest),
                        ..limits
                    }),
                    _ => Err(CatalogError::Timeout(t)),
                },
            }
        };
        let whole = |limits| match catalog::run(store, &query.text, &bindings, limits)? {
            Outcome::Table(mut t) => {
                let end = page
                    .limit
                    .map_or(t.rows.len(), |l| (page.offset + l).min(t.rows.len()));
                t.rows = t.rows.drain(page.offset.min(end)..end).collect();
                Ok(t)
            }
            _ => Err(CatalogError::Evaluation(
                "a keyset query must be a SELECT query".into(),
            )),
        };
        let Some(keys) = self.candidates(store, limits)? else {
            return whole(left(limits)?);
        };
        let key = Variable::new_unchecked(self.var.clone());
        let wanted = page.limit.map(|l| page.offset + l);
        let mut result = Table::default();
        let mut from = 0;
        let mut batch = FIRST_BATCH;
        while from < keys.len() && wanted.is_none_or(|w| result.rows.len() < w) {
            let to = (from + batch).min(keys.len());
            let Some(outcome) = catalog::run_per_key(
                store,
                &query.text,
                &bindings,
                &key,
                &keys[from..to],
                left(limits)?,
            )?
            else {
                return whole(left(limits)?);
            };
            let Outcome::Table(table) = outcome else {
                return Err(CatalogError::Evaluation(
                    "a keyset query must be a SELECT query".into(),
                ));
            };
            if result.variables.is_empty() {
                result.variables = table.variables;
            }
            result.rows.extend(table.rows);
            if limits
                .max_rows
                .is_some_and(|m| result.rows.len() > m + page.offset)
            {
                return Err(CatalogError::TooManyRows(result.rows.len()));
            }
            from = to;
            batch = next_batch(
                batch,
                from,
                result.rows.len(),
                wanted.map(|w| w.saturating_sub(result.rows.len())),
            );
        }
        if result.variables.is_empty() {
            // No key at all: the query's own (empty) result names the columns.
            return whole(left(limits)?);
        }
        let end = wanted.map_or(result.rows.len(), |w| w.min(result.rows.len()));
        result.rows = result.rows.drain(page.offset.min(end)..end).collect();
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_batch_holds_the_keys_the_missing_rows_need_at_the_rows_per_key_seen() {
        // 8 articles gave 80 rows, 20 more wanted: 2 keys and half again, raised to a
        // probe's 8.
        assert_eq!(next_batch(8, 8, 80, Some(20)), FIRST_BATCH);
        // 8 denials gave 8 rows, 92 more wanted: 92 keys, and half again.
        assert_eq!(next_batch(8, 8, 8, Some(92)), 138);
        // Sparse keys: 64 read gave 2 rows, 98 wanted.
        assert_eq!(next_batch(64, 64, 2, Some(98)), 4704);
        // No row yet: four times the last batch; every row: twice.
        assert_eq!(next_batch(8, 8, 0, Some(100)), 32);
        assert_eq!(next_batch(64, 64, 640, None), 128);
        // Bounded on both sides, and never overflowing on a far offset.
        assert_eq!(next_batch(8, 8, 1, Some(usize::MAX)), MAX_BATCH);
        assert_eq!(next_batch(MAX_BATCH, 10, 0, Some(1)), MAX_BATCH);
    }
}
