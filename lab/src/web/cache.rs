//! A least-recently-used cache bounded by the bytes of its values: the paths the page asked
//! for, so that moving one optimizer's slider recomputes that optimizer alone, and hours of use
//! never hold more than the bound.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// A value that knows its size in bytes.
pub trait Weigh {
    /// Bytes held (roughly: the heap part that dominates).
    fn bytes(&self) -> usize;
}

impl Weigh for String {
    fn bytes(&self) -> usize {
        self.len()
    }
}

/// Keys to `Arc<V>`, dropping the least recently used until the values weigh at most `limit`
/// bytes (a single value heavier than `limit` is not kept at all).
///
/// ```
/// use lab::web::Lru;
/// let mut cache = Lru::new(10);
/// cache.insert("a", String::from("12345"));
/// cache.insert("b", String::from("12345"));
/// cache.get(&"a"); // a is now the most recent
/// cache.insert("c", String::from("123"));
/// assert!(cache.get(&"b").is_none()); // b went to make room
/// assert!(cache.get(&"a").is_some() && cache.get(&"c").is_some());
/// assert_eq!(cache.bytes(), 8);
/// ```
#[derive(Debug)]
pub struct Lru<K, V> {
    entries: HashMap<K, (u64, Arc<V>)>,
    clock: u64,
    bytes: usize,
    limit: usize,
}

impl<K: Hash + Eq + Clone, V: Weigh> Lru<K, V> {
    /// An empty cache that holds at most `limit` bytes of values.
    pub fn new(limit: usize) -> Lru<K, V> {
        Lru {
            entries: HashMap::new(),
            clock: 0,
            bytes: 0,
            limit,
        }
    }

    /// The value of `key`, marked as just used.
    pub fn get(&mut self, key: &K) -> Option<Arc<V>> {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(key).map(|(used, value)| {
            *used = clock;
            Arc::clone(value)
        })
    }

    /// Keeps `value` under `key` and returns it, dropping the least recently used values
    /// until the cache is within its limit.
    pub fn insert(&mut self, key: K, value: V) -> Arc<V> {
        let value = Arc::new(value);
        let size = value.bytes();
        if let Some((_, old)) = self.entries.remove(&key) {
            self.bytes -= old.bytes();
        }
        if size > self.limit {
            return value;
        }
        while self.bytes + size > self.limit {
            let oldest = (self.entries.iter())
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone());
            let Some(oldest) = oldest else { break };
            if let Some((_, old)) = self.entries.remove(&oldest) {
                self.bytes -= old.bytes();
            }
        }
        self.clock += 1;
        self.bytes += size;
        self.entries.insert(key, (self.clock, Arc::clone(&value)));
        value
    }

    /// Bytes held by the values kept.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Number of values kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_its_limit_over_many_inserts() {
        let mut cache = Lru::new(1000);
        for i in 0..10_000 {
            cache.insert(i, "x".repeat(1 + i % 97));
            assert!(cache.bytes() <= 1000);
        }
        assert!(cache.len() > 5);
        // A value larger than the whole cache is returned but not kept.
        let big = cache.insert(usize::MAX, "y".repeat(2000));
        assert_eq!(big.len(), 2000);
        assert!(cache.get(&usize::MAX).is_none());
    }

    #[test]
    fn replacing_a_key_counts_its_bytes_once() {
        let mut cache = Lru::new(100);
        cache.insert("k", "abc".to_string());
        cache.insert("k", "abcdef".to_string());
        assert_eq!((cache.len(), cache.bytes()), (1, 6));
    }
}
