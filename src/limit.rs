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

/// A speed limit as a setting: bytes per second, or none. Saved and shown as a person
/// writes it (`500K`, `2M`; empty for none), read by [`parse_rate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SpeedLimit(Option<u64>);

impl SpeedLimit {
    /// No limit.
    pub const NONE: SpeedLimit = SpeedLimit(None);

    /// A limit of `bytes_per_sec` (`None` or 0: none).
    pub fn new(bytes_per_sec: Option<u64>) -> Self {
        Self(bytes_per_sec.filter(|&rate| rate > 0))
    }

    /// The limit in bytes per second, if there is one.
    pub fn bytes_per_sec(self) -> Option<u64> {
        self.0
    }
}

impl std::str::FromStr for SpeedLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_rate(text).map(Self::new)
    }
}

impl TryFrom<String> for SpeedLimit {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<SpeedLimit> for String {
    fn from(limit: SpeedLimit) -> String {
        limit.to_string()
    }
}

impl std::fmt::Display for SpeedLimit {
    /// The shortest exact form: `2M`, `500K`, `1000`; nothing for no limit.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const UNITS: [(u64, &str); 3] = [(1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")];
        let Some(rate) = self.0 else {
            return Ok(());
        };
        match UNITS.iter().find(|(size, _)| rate % size == 0) {
            Some((size, unit)) => write!(f, "{}{unit}", rate / size),
            None => write!(f, "{rate}"),
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
    fn a_speed_limit_reads_back_as_it_is_shown() {
        for text in ["", "500K", "2M", "3G", "1000", "1536K"] {
            let limit: SpeedLimit = text.parse().unwrap();
            assert_eq!(limit.to_string(), text);
        }
        assert_eq!("1.5M".parse::<SpeedLimit>().unwrap().to_string(), "1536K");
        assert_eq!("0".parse(), Ok(SpeedLimit::NONE));
        assert!("fast".parse::<SpeedLimit>().is_err());
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
