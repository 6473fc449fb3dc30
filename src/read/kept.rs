//! A cache of what pages read from the store, bounded by the bytes it holds (not by a
//! count of entries), kept until the data changes: the least recently used entries go
//! first when a new one would pass the budget, and a change of the data generation
//! empties it. The site keeps the digests of large entities in one
//! ([`crate::read::view::entity::EntityDigest`]) so their later pages, their other
//! language and their relations listing do not read all their claims again.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Something kept whose size in memory can be estimated.
pub trait Weighed {
    /// About how many bytes the value holds (its strings and rows).
    fn bytes(&self) -> usize;
}

/// The cache: entries by key, with the data generation they were read at.
pub struct Kept<K, V> {
    budget: usize,
    state: Mutex<State<K, V>>,
}

struct State<K, V> {
    generation: u64,
    held: usize,
    /// Moved on by every hit and insert: what "least recently used" counts by.
    clock: u64,
    entries: HashMap<K, Entry<V>>,
}

struct Entry<V> {
    value: Arc<V>,
    bytes: usize,
    used: u64,
}

impl<K: Eq + Hash + Clone, V: Weighed> Kept<K, V> {
    /// An empty cache that holds at most about `budget` bytes.
    pub fn new(budget: usize) -> Self {
        Kept {
            budget,
            state: Mutex::new(State {
                generation: 0,
                held: 0,
                clock: 0,
                entries: HashMap::new(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State<K, V>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value kept for `key` at data generation `generation`, if any.
    pub fn get(&self, generation: u64, key: &K) -> Option<Arc<V>> {
        let mut state = self.state();
        if state.generation != generation {
            state.reset(generation);
            return None;
        }
        state.clock += 1;
        let now = state.clock;
        let entry = state.entries.get_mut(key)?;
        entry.used = now;
        Some(Arc::clone(&entry.value))
    }

    /// Keeps `value` for `key`, read at data generation `generation`, dropping the least
    /// recently used entries while the whole would pass the budget. A value read before
    /// the data changed is not kept, nor one larger than the whole budget.
    pub fn insert(&self, generation: u64, key: K, value: Arc<V>) {
        let bytes = value.bytes();
        let mut state = self.state();
        if state.generation > generation || bytes > self.budget {
            return;
        }
        if state.generation < generation {
            state.reset(generation);
        }
        if let Some(old) = state.entries.remove(&key) {
            state.held -= old.bytes;
        }
        while state.held + bytes > self.budget {
            let Some(oldest) = state
                .entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(gone) = state.entries.remove(&oldest) {
                state.held -= gone.bytes;
            }
        }
        state.clock += 1;
        let used = state.clock;
        state.held += bytes;
        state.entries.insert(key, Entry { value, bytes, used });
    }

    /// Forgets every entry (the data changed).
    pub fn clear(&self, generation: u64) {
        self.state().reset(generation);
    }

    /// How many bytes the entries hold, by their own estimate.
    pub fn held(&self) -> usize {
        self.state().held
    }

    pub fn len(&self) -> usize {
        self.state().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K, V> State<K, V> {
    fn reset(&mut self, generation: u64) {
        self.generation = generation;
        self.held = 0;
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Blob(usize);
    impl Weighed for Blob {
        fn bytes(&self) -> usize {
            self.0
        }
    }

    #[test]
    fn the_cache_stays_within_its_budget_and_drops_the_least_recently_used_first() {
        let kept: Kept<&str, Blob> = Kept::new(100);
        kept.insert(1, "a", Arc::new(Blob(40)));
        kept.insert(1, "b", Arc::new(Blob(40)));
        assert!(kept.get(1, &"a").is_some()); // "b" is now the least recently used
        kept.insert(1, "c", Arc::new(Blob(40)));
        assert!(kept.get(1, &"b").is_none());
        assert!(kept.get(1, &"a").is_some() && kept.get(1, &"c").is_some());
        assert_eq!(kept.held(), 80);
        // Larger than the whole budget: never kept, nothing dropped for it.
        kept.insert(1, "huge", Arc::new(Blob(101)));
        assert_eq!((kept.len(), kept.held()), (2, 80));
        // Read before the data changed: not kept; the new generation starts empty.
        assert!(kept.get(2, &"a").is_none());
        kept.insert(1, "stale", Arc::new(Blob(1)));
        assert!(kept.is_empty());
        kept.insert(2, "a", Arc::new(Blob(10)));
        kept.clear(3);
        assert!(kept.get(3, &"a").is_none());
    }
}
