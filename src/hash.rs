//! SHA-256 of each download, computed on the CPU pool *while* the bytes stream in — the
//! tutorial's lesson that CPU-bound work belongs on its own pool, without re-reading a file
//! afterwards. Each item's chunks queue in order; one pool task at a time drains them, so no
//! pool thread ever blocks and a slow hash only slows its own download (bounded queue).

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};

use bytes::Bytes;
use sha2::{Digest, Sha256};

/// Chunks an item may have waiting for the hasher before its download pauses.
const MAX_QUEUED: usize = 2;

/// Bytes an item may have waiting for the hasher before its download pauses (a single chunk
/// is always accepted).
const MAX_QUEUED_BYTES: usize = 256 * 1024;

/// Chunks up to this size are hashed on the calling thread when nothing is queued: hashing
/// 16 KiB takes microseconds, less than handing it to another thread (most small files are one
/// such chunk).
const INLINE_MAX: usize = 16 * 1024;

/// The process-wide CPU pool (threads `downpour-cpu-N`, one per core), separate from every
/// run's download workers.
fn cpu_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("downpour-cpu-{}", i + 1))
            .build()
            .ok()
    })
    .as_ref()
}

#[derive(Default)]
struct Queue {
    chunks: VecDeque<Bytes>,
    /// Total length of `chunks`.
    bytes: usize,
    /// Whether a pool task is draining this queue.
    draining: bool,
}

impl Queue {
    /// Whether a chunk of `len` bytes must wait (a single chunk is always accepted).
    fn is_full_for(&self, len: usize) -> bool {
        self.chunks.len() >= MAX_QUEUED
            || (!self.chunks.is_empty() && self.bytes + len > MAX_QUEUED_BYTES)
    }
}

#[derive(Default)]
struct State {
    queue: Mutex<Queue>,
    changed: Condvar,
    /// Wakes a download waiting asynchronously for room in the queue.
    room: tokio::sync::Notify,
    hasher: Mutex<Sha256>,
}

impl State {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs on the CPU pool: hashes queued chunks in order until the queue is empty.
    fn drain(&self) {
        loop {
            let chunk = {
                let mut queue = self.queue();
                let next = queue.chunks.pop_front();
                if let Some(chunk) = &next {
                    queue.bytes -= chunk.len();
                }
                if next.is_none() {
                    queue.draining = false;
                }
                self.changed.notify_all();
                self.room.notify_waiters();
                match next {
                    Some(chunk) => chunk,
                    None => return,
                }
            };
            self.hasher
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .update(&chunk);
        }
    }
}

/// The running SHA-256 of one item's bytes, in the order they were written — or, when
/// checksums are switched off, a stand-in that ignores them.
#[derive(Clone)]
pub struct StreamHasher {
    /// `None` when switched off.
    state: Option<Arc<State>>,
}

impl Default for StreamHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl StreamHasher {
    /// A hasher that has seen no bytes.
    pub fn new() -> Self {
        Self {
            state: Some(Arc::default()),
        }
    }

    /// A hasher that ignores every byte and has no digest (checksums switched off).
    pub fn off() -> Self {
        Self { state: None }
    }

    /// Whether this hasher computes a digest.
    pub fn is_on(&self) -> bool {
        self.state.is_some()
    }

    /// Queues a copy of `bytes` for hashing; waits only if this item's queue is full.
    pub fn push(&self, bytes: &[u8]) {
        if self.is_on() {
            self.push_bytes(Bytes::copy_from_slice(bytes));
        }
    }

    /// Queues `bytes` (shared, not copied) for hashing; waits only if this item's queue is
    /// full.
    pub fn push_bytes(&self, bytes: Bytes) {
        let Some(state) = &self.state else {
            return;
        };
        let mut queue = state.queue();
        if bytes.len() <= INLINE_MAX && !queue.draining && queue.chunks.is_empty() {
            // In order: nothing is pending, and the queue lock keeps a drain from starting.
            state
                .hasher
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .update(bytes);
            return;
        }
        while queue.is_full_for(bytes.len()) {
            queue = state.changed.wait(queue).unwrap_or_else(|e| e.into_inner());
        }
        queue.bytes += bytes.len();
        queue.chunks.push_back(bytes);
        if !queue.draining {
            queue.draining = true;
            drop(queue);
            let state = Arc::clone(state);
            match cpu_pool() {
                Some(pool) => pool.spawn(move || state.drain()),
                None => state.drain(),
            }
        }
    }

    /// Queues `bytes` like [`Self::push_bytes`], but waits for room without blocking the
    /// thread, which other downloads share.
    pub async fn push_async(&self, bytes: Bytes) {
        let Some(state) = &self.state else {
            return;
        };
        loop {
            let mut room = std::pin::pin!(state.room.notified());
            room.as_mut().enable();
            if !state.queue().is_full_for(bytes.len()) {
                // Only this item's download pushes, and the hasher only takes chunks out: the
                // room seen here is still there.
                self.push_bytes(bytes);
                return;
            }
            room.await;
        }
    }

    /// Waits for the queued bytes and returns the digest in lower-case hex (`None` when
    /// switched off).
    pub fn finish(&self) -> Option<String> {
        let state = self.state.as_ref()?;
        let mut queue = state.queue();
        while queue.draining || !queue.chunks.is_empty() {
            queue = state.changed.wait(queue).unwrap_or_else(|e| e.into_inner());
        }
        drop(queue);
        let hasher = state.hasher.lock().unwrap_or_else(|e| e.into_inner());
        Some(to_hex(&hasher.clone().finalize()))
    }
}

/// The SHA-256 of `bytes` in lower-case hex, computed at once (for small data and tests).
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes`, without a formatting call per byte.
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        hex.push(char::from(DIGITS[usize::from(b >> 4)]));
        hex.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_hash_equals_the_hash_of_the_whole() {
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let hasher = StreamHasher::new();
        // Mixed sizes: small chunks may be hashed inline, large ones on the pool.
        for (i, chunk) in data.chunks(65_536).enumerate() {
            let (a, b) = chunk.split_at(if i % 3 == 0 { 1000 } else { 0 });
            hasher.push(a);
            hasher.push(b);
        }
        let expected: String = Sha256::digest(&data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sha256_hex(&data), expected);
        assert_eq!(hasher.finish(), Some(expected));
        assert_eq!(
            StreamHasher::new().finish().as_deref(),
            Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
    }

    #[test]
    fn a_switched_off_hasher_has_no_digest() {
        let hasher = StreamHasher::off();
        hasher.push(b"abc");
        hasher.push_bytes(Bytes::from_static(&[7; 100_000]));
        assert!(!hasher.is_on());
        assert_eq!(hasher.finish(), None);
    }
}
