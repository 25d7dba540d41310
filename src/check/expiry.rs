//! When a signed link stops working, read from its own address: Amazon S3's
//! `X-Amz-Date` + `X-Amz-Expires`, CloudFront's and Google's `Expires=` (seconds since 1970)
//! and Azure's `se=` (an ISO 8601 time). Nothing is asked of the server: the address says it.

use std::time::{Duration, SystemTime};

use url::Url;

/// When the signed link `url` expires, if its address says so.
pub fn expires_at(url: &Url) -> Option<SystemTime> {
    let mut amz_date = None;
    let mut amz_expires = None;
    let mut epoch = None;
    let mut azure = None;
    for (key, value) in url.query_pairs() {
        match key.to_ascii_lowercase().as_str() {
            "x-amz-date" => amz_date = basic_time(&value),
            "x-amz-expires" => amz_expires = value.trim().parse::<u64>().ok(),
            "expires" => epoch = value.trim().parse::<u64>().ok(),
            "se" => azure = iso_time(&value),
            _ => {}
        }
    }
    if let (Some(date), Some(secs)) = (amz_date, amz_expires) {
        return date.checked_add(Duration::from_secs(secs));
    }
    if let Some(secs) = epoch {
        return SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs));
    }
    azure
}

/// `20240101T120000Z` (the basic ISO 8601 form S3 signs with).
fn basic_time(text: &str) -> Option<SystemTime> {
    let text = text.trim().strip_suffix('Z')?;
    let (date, clock) = text.split_once('T')?;
    if date.len() != 8 || clock.len() != 6 {
        return None;
    }
    let num = |s: &str| s.parse::<u64>().ok();
    crate::net::answer::utc_time(
        [num(&date[..4])?, num(&date[4..6])?, num(&date[6..])?],
        [num(&clock[..2])?, num(&clock[2..4])?, num(&clock[4..])?],
    )
}

/// `2024-01-01T12:00:00Z` or `2024-01-01` (Azure's `se`, in UTC).
fn iso_time(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let (date, clock) = text.split_once('T').unwrap_or((text, "00:00:00Z"));
    let clock = clock.strip_suffix('Z')?;
    let mut day = date.split('-').map(|n| n.parse::<u64>().ok());
    let ymd = [day.next()??, day.next()??, day.next()??];
    let mut time = clock.split(':').map(|n| n.parse::<f64>().ok());
    let hour = time.next()?? as u64;
    let minute = time.next().flatten().unwrap_or(0.0) as u64;
    let second = time.next().flatten().unwrap_or(0.0) as u64;
    crate::net::answer::utc_time(ymd, [hour, minute, second])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(url: &str) -> Option<u64> {
        expires_at(&Url::parse(url).unwrap())
            .map(|t| t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs())
    }

    #[test]
    fn signed_links_say_when_they_expire() {
        // 2024-01-01T12:00:00Z is 1704110400.
        assert_eq!(
            at(
                "https://b.s3.amazonaws.com/k?X-Amz-Date=20240101T120000Z&X-Amz-Expires=3600&X-Amz-Signature=x"
            ),
            Some(1_704_114_000)
        );
        assert_eq!(
            at("https://d.cloudfront.net/f.zip?Expires=1704110400&Signature=s"),
            Some(1_704_110_400)
        );
        assert_eq!(
            at("https://a.blob.core.windows.net/c/f?sv=2022&se=2024-01-01T12%3A00%3A00Z&sig=s"),
            Some(1_704_110_400)
        );
        assert_eq!(at("https://example.com/f.zip?expires=soon"), None);
        assert_eq!(at("https://example.com/f.zip"), None);
        assert_eq!(at("https://x/k?X-Amz-Date=2024&X-Amz-Expires=60"), None);
    }
}
