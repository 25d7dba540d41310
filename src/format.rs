//! Human-readable sizes, durations and speeds, shared by the CLI, the window and error texts
//! so that a number always reads the same way wherever a person sees it.

/// Formats a byte count with binary units, e.g. `64.0 KiB` or `1.2 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The retry notice, e.g. `retrying (2/3) after: the server answered 503 Service Unavailable`.
pub fn retrying(attempt: u32, of: u32, reason: impl std::fmt::Display) -> String {
    format!("retrying ({attempt}/{of}) after: {reason}")
}

/// The retry notice while the wait the server asked for runs, e.g. `retrying (1/3) in 42 s, as
/// the server asks, after: the server answered 503 Service Unavailable`.
pub fn retrying_in(attempt: u32, of: u32, secs: u64, reason: impl std::fmt::Display) -> String {
    format!("retrying ({attempt}/{of}) in {secs} s, as the server asks, after: {reason}")
}

/// What a server that refused connections was found to allow, e.g. `the server allows 2
/// connections at a time`.
pub fn server_allows(connections: usize) -> String {
    match connections {
        1 => "the server allows 1 connection at a time".to_owned(),
        n => format!("the server allows {n} connections at a time"),
    }
}

/// Formats milliseconds as seconds with three decimals, e.g. `1.234 s`.
pub fn seconds(ms: u64) -> String {
    format!("{:.3} s", ms as f64 / 1000.0)
}

/// Formats a transfer rate in bytes per second, e.g. `3.4 MiB/s`.
pub fn speed(bytes_per_sec: f64) -> String {
    if !bytes_per_sec.is_finite() || bytes_per_sec <= 0.0 {
        return "–".to_owned();
    }
    format!("{}/s", bytes(bytes_per_sec as u64))
}

/// Formats a remaining time in whole seconds as `1 h 02 min`, `3 min 05 s` or `42 s`.
pub fn eta(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min {:02} s", secs / 60, secs % 60),
        _ => format!("{} h {:02} min", secs / 3600, (secs % 3600) / 60),
    }
}

/// The time of day of `at` as `14:05`, in this computer's time zone (on Linux; elsewhere in
/// UTC, said so: `14:05 UTC`).
pub fn clock(at: std::time::SystemTime) -> String {
    let secs = match at.duration_since(std::time::UNIX_EPOCH) {
        Ok(since) => since.as_secs(),
        Err(_) => 0,
    };
    match local_clock(secs) {
        Some((hour, minute)) => format!("{hour:02}:{minute:02}"),
        None => format!("{:02}:{:02} UTC", (secs / 3600) % 24, (secs / 60) % 60),
    }
}

/// The local hour and minute of `secs` since 1970.
#[cfg(target_os = "linux")]
fn local_clock(secs: u64) -> Option<(i32, i32)> {
    let time = libc::time_t::try_from(secs).ok()?;
    let mut local = std::mem::MaybeUninit::<libc::tm>::uninit();
    // SAFETY: `time` and `local` are valid for the call; localtime_r is the thread-safe form
    // and writes only into `local`, which is read only when it succeeded.
    let done = unsafe { libc::localtime_r(&time, local.as_mut_ptr()) };
    if done.is_null() {
        return None;
    }
    // SAFETY: localtime_r returned non-null, so it filled `local`.
    let local = unsafe { local.assume_init() };
    Some((local.tm_hour, local.tm_min))
}

#[cfg(not(target_os = "linux"))]
fn local_clock(_secs: u64) -> Option<(i32, i32)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_notice_names_the_attempt_and_the_reason() {
        assert_eq!(
            retrying(2, 3, "the connection was reset"),
            "retrying (2/3) after: the connection was reset"
        );
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(64 * 1024), "64.0 KiB");
        assert_eq!(bytes(1_258_291), "1.2 MiB");
        assert_eq!(bytes(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }

    #[test]
    fn times_read_naturally() {
        assert_eq!(seconds(1234), "1.234 s");
        assert_eq!(eta(42), "42 s");
        assert_eq!(eta(185), "3 min 05 s");
        assert_eq!(eta(3720), "1 h 02 min");
        assert_eq!(speed(0.0), "–");
        assert_eq!(speed(2048.0), "2.0 KiB/s");
    }
}
