//! The speed limit: one token bucket that every worker of a run draws from, so that the whole
//! run — however many downloads at once — averages the rate the person set, and the rate can
//! change while it runs.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How much a download may run ahead of the rate after an idle moment, in seconds of it.
const BURST_SECS: f64 = 0.1;

/// A shared speed limit in bytes per second (0: none).
#[derive(Debug)]
pub struct RateLimit {
    rate: AtomicU64,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    /// Bytes that may go now; negative while the downloads owe time.
    tokens: f64,
    refilled: Instant,
}

impl RateLimit {
    /// A limit of `bytes_per_sec` (`None`: unlimited).
    pub fn new(bytes_per_sec: Option<u64>) -> Self {
        Self {
            rate: AtomicU64::new(bytes_per_sec.unwrap_or(0)),
            bucket: Mutex::new(Bucket {
                tokens: 0.0,
                refilled: Instant::now(),
            }),
        }
    }

    /// Changes the limit; it applies from the next bytes on.
    pub fn set(&self, bytes_per_sec: Option<u64>) {
        self.rate
            .store(bytes_per_sec.unwrap_or(0), Ordering::Relaxed);
    }

    /// The limit in bytes per second, if there is one.
    pub fn get(&self) -> Option<u64> {
        Some(self.rate.load(Ordering::Relaxed)).filter(|&r| r > 0)
    }

    /// Takes `bytes` that have just arrived from the bucket; returns how long their download
    /// must now wait so that the average stays at the rate.
    pub fn charge(&self, bytes: u64) -> Duration {
        let Some(rate) = self.get() else {
            return Duration::ZERO;
        };
        let rate = rate as f64;
        let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(rate * BURST_SECS);
        bucket.refilled = now;
        bucket.tokens -= bytes as f64;
        if bucket.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-bucket.tokens / rate)
        }
    }
}

/// Reads a rate as a person writes it: bytes per second, with an optional `K`, `M` or `G`
/// (binary: `500K` is 500 KiB/s), decimals allowed, `B` or `/s` after it ignored. `0` or
/// empty means no limit.
pub fn parse_rate(text: &str) -> Result<Option<u64>, String> {
    let cleaned = text
        .trim()
        .trim_end_matches("/s")
        .trim_end_matches(['B', 'b'])
        .trim_end_matches(['i', 'I'])
        .trim();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let (number, unit) = match cleaned.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&cleaned[..at], c.to_ascii_uppercase()),
        _ => (cleaned, ' '),
    };
    let scale = match unit {
        ' ' => 1.0,
        'K' => 1024.0,
        'M' => 1024.0 * 1024.0,
        'G' => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("'{text}' is not a speed: write it like 500K or 2M")),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a speed: write it like 500K or 2M"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("'{text}' is not a speed: write it like 500K or 2M"));
    }
    let bytes = (value * scale).round() as u64;
    Ok((bytes > 0).then_some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_people_write_them() {
        assert_eq!(parse_rate("500K"), Ok(Some(512_000)));
        assert_eq!(parse_rate("2M"), Ok(Some(2 * 1024 * 1024)));
        assert_eq!(parse_rate("1.5MiB/s"), Ok(Some(1_572_864)));
        assert_eq!(parse_rate("800kb"), Ok(Some(819_200)));
        assert_eq!(parse_rate("4096"), Ok(Some(4096)));
        assert_eq!(parse_rate("0"), Ok(None));
        assert_eq!(parse_rate(" "), Ok(None));
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("-1M").is_err());
        assert!(parse_rate("3X").is_err());
    }

    #[test]
    fn the_bucket_makes_bytes_wait_for_their_share_of_time() {
        let limit = RateLimit::new(Some(1_000_000));
        // 100 KB at 1 MB/s: a tenth of a second owed.
        let wait = limit.charge(100_000);
        assert!((0.09..=0.11).contains(&wait.as_secs_f64()), "{wait:?}");
        limit.set(None);
        assert_eq!(limit.charge(10_000_000), Duration::ZERO);
        assert_eq!(limit.get(), None);
    }
}
