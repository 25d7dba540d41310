//! SHA-256 of each download, computed on the CPU pool *while* the bytes stream in — the
//! tutorial's lesson that CPU-bound work belongs on its own pool, without re-reading a file
//! afterwards. Each item's chunks queue in order; one pool task at a time drains them, so no
//! pool thread ever blocks and a slow hash only slows its own download (bounded queue). The
//! downloads wait for room, and for the digest, without blocking their event loop.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

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
    /// Wakes a download waiting for room in the queue, or for the digest.
    room: tokio::sync::Notify,
    hasher: Mutex<Sha256>,
    /// Bytes accepted so far (queued or hashed).
    len: AtomicU64,
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

    /// How many bytes this hasher has been given.
    pub fn len(&self) -> u64 {
        self.state
            .as_ref()
            .map_or(0, |state| state.len.load(Ordering::Relaxed))
    }

    /// Whether no byte has been given yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Queues `bytes` (shared, not copied) for hashing after the bytes given before; waits,
    /// without blocking the thread that other downloads share, only while this item's queue
    /// is full.
    pub async fn push(&self, bytes: Bytes) {
        let Some(state) = &self.state else {
            return;
        };
        loop {
            let mut room = std::pin::pin!(state.room.notified());
            room.as_mut().enable();
            // The queue lock is held from the check to the insert: no other push or drain can
            // reorder the bytes in between.
            let accepted = {
                let mut queue = state.queue();
                (!queue.is_full_for(bytes.len()))
                    .then(|| Self::enqueue(state, &mut queue, bytes.clone()))
            };
            match accepted {
                Some(start_drain) => {
                    if start_drain {
                        let state = Arc::clone(state);
                        match cpu_pool() {
                            Some(pool) => pool.spawn(move || state.drain()),
                            None => state.drain(),
                        }
                    }
                    return;
                }
                None => room.await,
            }
        }
    }

    /// Adds `bytes` to a queue that has room: small chunks are hashed at once when nothing is
    /// pending, others are queued; true if a drain must be started for them.
    fn enqueue(state: &State, queue: &mut MutexGuard<'_, Queue>, bytes: Bytes) -> bool {
        state.len.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if bytes.len() <= INLINE_MAX && !queue.draining && queue.chunks.is_empty() {
            // In order: nothing is pending, and the queue lock keeps a drain from starting.
            state
                .hasher
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .update(bytes);
            return false;
        }
        queue.bytes += bytes.len();
        queue.chunks.push_back(bytes);
        let start_drain = !queue.draining;
        queue.draining = true;
        start_drain
    }

    /// Hashes the bytes of `file` from what this hasher has seen up to `upto`: the start of a
    /// partial file that an earlier run wrote, before the download continues it.
    pub async fn catch_up(&self, file: &std::fs::File, upto: u64) -> std::io::Result<()> {
        if !self.is_on() {
            return Ok(());
        }
        const BLOCK: u64 = 256 * 1024;
        while self.len() < upto {
            let at = self.len();
            let mut buf = vec![0; (upto - at).min(BLOCK) as usize];
            read_exact_at(file, &mut buf, at)?;
            self.push(Bytes::from(buf)).await;
        }
        Ok(())
    }

    /// Waits for the queued bytes and returns the digest in lower-case hex (`None` when
    /// switched off).
    pub async fn finish(&self) -> Option<String> {
        let state = self.state.as_ref()?;
        loop {
            let mut room = std::pin::pin!(state.room.notified());
            room.as_mut().enable();
            {
                let queue = state.queue();
                if !queue.draining && queue.chunks.is_empty() {
                    break;
                }
            }
            room.await;
        }
        let hasher = state.hasher.lock().unwrap_or_else(|e| e.into_inner());
        Some(to_hex(&hasher.clone().finalize()))
    }
}

/// Reads exactly `buf.len()` bytes of `file` at `offset`, without moving its position.
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            let n = std::os::windows::fs::FileExt::seek_read(
                file,
                &mut buf[done..],
                offset + done as u64,
            )?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
        Ok(())
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

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn streamed_hash_equals_the_hash_of_the_whole() {
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let hasher = StreamHasher::new();
        block_on(async {
            // Mixed sizes: small chunks may be hashed inline, large ones on the pool.
            for (i, chunk) in data.chunks(65_536).enumerate() {
                let (a, b) = chunk.split_at(if i % 3 == 0 { 1000 } else { 0 });
                hasher.push(Bytes::copy_from_slice(a)).await;
                hasher.push(Bytes::copy_from_slice(b)).await;
            }
        });
        let expected: String = Sha256::digest(&data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sha256_hex(&data), expected);
        assert_eq!(hasher.len(), data.len() as u64);
        assert_eq!(block_on(hasher.finish()), Some(expected));
        assert_eq!(
            block_on(StreamHasher::new().finish()).as_deref(),
            Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
    }

    #[test]
    fn catching_up_hashes_the_start_of_a_file_once() {
        use std::io::Write;
        let data: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&data).unwrap();
        let hasher = StreamHasher::new();
        block_on(async {
            hasher.push(Bytes::copy_from_slice(&data[..1000])).await;
            hasher.catch_up(&file, 600_000).await.unwrap();
            hasher.catch_up(&file, 600_000).await.unwrap();
            hasher.push(Bytes::copy_from_slice(&data[600_000..])).await;
        });
        assert_eq!(block_on(hasher.finish()), Some(sha256_hex(&data)));
    }

    #[test]
    fn a_switched_off_hasher_has_no_digest() {
        let hasher = StreamHasher::off();
        block_on(hasher.push(Bytes::from_static(&[7; 100_000])));
        assert!(!hasher.is_on());
        assert_eq!(hasher.len(), 0);
        assert_eq!(block_on(hasher.finish()), None);
    }
}
