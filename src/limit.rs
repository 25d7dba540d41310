//! The speed limit: one token bucket that every worker of a run draws from, so that the whole
//! run — however many downloads at once — averages the rate the person set, and the rate can
//! change while it runs.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How much a download may run ahead of the rate after an idle moment, in seconds of it.
const BURST_SECS: f64 = 0.1;

/// The most time the downloads may owe when the limit changes: a new limit applies within
/// this, whatever was owed under the old one.
const MAX_DEBT_SECS: f64 = 0.5;

/// A shared speed limit in bytes per second (0: none).
#[derive(Debug)]
pub struct RateLimit {
    rate: AtomicU64,
    bucket: Mutex<Bucket>,
    /// Wakes the downloads waiting for their turn when the limit changes.
    changed: tokio::sync::Notify,
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
            changed: tokio::sync::Notify::new(),
        }
    }

    /// Changes the limit. It applies at once: what the downloads owed under the old limit is
    /// owed under the new one, for half a second at most, and the downloads waiting for their
    /// turn look again (none wait once it is lifted).
    pub fn set(&self, bytes_per_sec: Option<u64>) {
        let rate = bytes_per_sec.unwrap_or(0);
        {
            let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
            self.rate.store(rate, Ordering::Relaxed);
            bucket.tokens = bucket.tokens.max(-(rate as f64) * MAX_DEBT_SECS);
        }
        self.changed.notify_waiters();
    }

    /// The limit in bytes per second, if there is one.
    pub fn get(&self) -> Option<u64> {
        Some(self.rate.load(Ordering::Relaxed)).filter(|&r| r > 0)
    }

    /// Takes `bytes` that have just arrived from the bucket; returns how long their download
    /// must now wait so that the average stays at the rate.
    pub fn charge(&self, bytes: u64) -> Duration {
        self.owed(bytes)
    }

    /// Takes `bytes` (which may be none) from the bucket, refilled for the time since, and
    /// says how long the downloads now owe.
    fn owed(&self, bytes: u64) -> Duration {
        let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        let Some(rate) = self.get() else {
            return Duration::ZERO;
        };
        let rate = rate as f64;
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

    /// Whether the downloads owe time now: they are held back by the limit, so one more
    /// connection would not make anything faster.
    pub fn is_holding_back(&self) -> bool {
        !self.owed(0).is_zero()
    }

    /// Takes `bytes` that have just arrived from the bucket and waits until the downloads no
    /// longer owe time — looking again at once when the limit changes, so that a raised or
    /// lifted limit frees them within moments and a lowered one holds them.
    pub async fn pace(&self, bytes: u64) {
        let mut wait = self.owed(bytes);
        while !wait.is_zero() {
            let changed = self.changed.notified();
            let mut changed = std::pin::pin!(changed);
            changed.as_mut().enable();
            // A change between the charge and now was missed by `changed`: look once more.
            wait = self.owed(0);
            if wait.is_zero() {
                break;
            }
            // Either is a reason to look again; which came first does not matter.
            let _ = tokio::time::timeout(wait, changed).await;
            wait = self.owed(0);
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
    if bytes == 0 && value > 0.0 {
        // `0.4` is not "no limit": only `0` (or nothing) says that.
        return Err(format!(
            "'{text}' is less than one byte a second: write 0 for no limit, or a speed like 500K"
        ));
    }
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
        assert!(parse_rate("0.4").is_err(), "not silently no limit");
        assert!(parse_rate("1,5M").is_err());
        assert_eq!(parse_rate("0.0"), Ok(None));
    }

    /// What the downloads owed under an old limit is owed under the new one for half a
    /// second at most: 16 KiB at 2 B/s (hours) becomes nothing once the limit is lifted and
    /// half a second when it is raised to 1000 B/s.
    #[test]
    fn a_changed_limit_does_not_keep_the_old_debt() {
        let limit = RateLimit::new(Some(2));
        assert!(limit.charge(16_384) > Duration::from_secs(3600));
        limit.set(Some(1000));
        let owed = limit.owed(0);
        assert!(owed <= Duration::from_millis(500), "{owed:?}");
        assert!(limit.is_holding_back());
        limit.set(None);
        assert_eq!(limit.owed(0), Duration::ZERO);
        assert!(!limit.is_holding_back());
    }

    /// A download waiting for its turn goes on as soon as the limit is lifted, not after
    /// the hours it owed.
    #[test]
    fn a_waiting_download_goes_on_when_the_limit_is_lifted() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let limit = std::sync::Arc::new(RateLimit::new(Some(2)));
            let waiting = tokio::spawn({
                let limit = std::sync::Arc::clone(&limit);
                async move { limit.pace(16_384).await }
            });
            // Let it start waiting, then lift the limit.
            tokio::time::sleep(Duration::from_millis(50)).await;
            assert!(!waiting.is_finished(), "it waits under 2 B/s");
            limit.set(None);
            let done = tokio::time::timeout(Duration::from_secs(60), waiting).await;
            assert!(
                done.is_ok(),
                "still waiting a minute after the limit was lifted"
            );
        });
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
