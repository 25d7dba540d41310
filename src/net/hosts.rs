//! Politeness towards each server across the whole run: at most so many connections to one
//! host at a time (items and pieces alike). A host that refuses a connection while Downpour
//! holds several gets no more than the others still open — what it took — the refused work
//! waits the time asked, and the limit climbs back one at a time after a run of successes,
//! ever more rarely once a raise was refused.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use url::Url;

/// Successes, at a lowered limit, before it is first raised by one; each raise that the
/// server answers with a refusal doubles the successes the next raise needs (up to
/// [`MOST_CLIMB_AFTER`]), so a server whose limit was found is probed ever more rarely.
const CLIMB_AFTER: usize = 16;

/// The most successes a raise needs.
const MOST_CLIMB_AFTER: usize = 256;

/// A connection opened this soon after another to the same host ended may be refused because
/// the server still counts the one that ended (for a moment after its last byte was sent):
/// such a refusal does not lower the limit below what the host was seen to take.
const RACE: Duration = Duration::from_millis(50);

/// The host a connection to `url` counts against: its name and port.
pub(crate) fn host_of(url: &Url) -> String {
    let name = url.host_str().unwrap_or_default();
    match url.port_or_known_default() {
        Some(port) => format!("{name}:{port}"),
        None => name.to_owned(),
    }
}

/// One host's connections and what was learned about it.
#[derive(Debug)]
struct Host {
    /// The most connections at once it is given now.
    limit: usize,
    /// Connections to it now.
    busy: usize,
    /// The most connections it held at once when one of them ended fetching what it was
    /// asked: what it is known to take (0: nothing known yet).
    proven: usize,
    /// When one of its connections last ended.
    last_close: Option<Instant>,
    /// How long after one of its connections ends the next may open: grows when the host
    /// refused one opened just as another ended (it counts ended connections a moment
    /// longer), up to [`RACE`].
    settle: Duration,
    /// Successes since the limit last changed.
    successes: usize,
    /// Successes the next raise needs.
    climb_after: usize,
    /// Whether the last change of the limit raised it.
    raised: bool,
    /// No new connection before this instant (the wait the host asked for when none of
    /// Downpour's connections was left open to it).
    not_before: Option<Instant>,
}

/// Whether a connection to a host may open now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Room {
    /// Yes.
    Now,
    /// Not before this instant (the host asked to wait).
    At(Instant),
    /// Not until one of its connections ends.
    Full,
}

/// One connection counted against a host, from its opening to its end.
#[derive(Debug)]
pub(crate) struct Ticket {
    host: String,
    /// Whether other connections to the host were open when this one opened.
    among_others: bool,
    /// Whether it opened within [`RACE`] of the end of another.
    after_close: bool,
}

impl Ticket {
    /// The host the connection counts against.
    pub(crate) fn host(&self) -> &str {
        &self.host
    }
}

/// What a refusal taught.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// Downpour held several connections to the host: the refused work waits its turn
    /// instead of counting as a failed attempt.
    pub(crate) crowded: bool,
    /// The host's limit now.
    pub(crate) limit: usize,
}

/// Every host of a run.
#[derive(Debug)]
pub(crate) struct Hosts {
    /// The most connections to one host ("Connections per server").
    most: usize,
    table: Mutex<HashMap<String, Host>>,
}

impl Hosts {
    /// At most `most` connections to one host.
    pub(crate) fn new(most: usize) -> Self {
        Self {
            most: most.max(1),
            table: Mutex::new(HashMap::new()),
        }
    }

    /// Whether a connection to `host` may open now.
    pub(crate) fn room(&self, host: &str, now: Instant) -> Room {
        let table = lock(&self.table);
        let Some(known) = table.get(host) else {
            return Room::Now;
        };
        let settled = known
            .last_close
            .filter(|_| !known.settle.is_zero())
            .map(|at| at + known.settle);
        match known.not_before {
            Some(at) if at > now => Room::At(at),
            _ if known.busy >= known.limit => Room::Full,
            _ if let Some(at) = settled.filter(|at| *at > now) => Room::At(at),
            _ if known.busy >= known.limit => Room::Full,
            _ => Room::Now,
        }
    }

    /// Counts a connection to `host` from now until its ticket is given back.
    pub(crate) fn open(&self, host: &str) -> Ticket {
        self.open_at(host, Instant::now())
    }

    fn open_at(&self, host: &str, now: Instant) -> Ticket {
        let mut table = lock(&self.table);
        let known = table.entry(host.to_owned()).or_insert_with(|| Host {
            limit: self.most,
            busy: 0,
            proven: 0,
            last_close: None,
            settle: Duration::ZERO,
            successes: 0,
            climb_after: CLIMB_AFTER,
            raised: false,
            not_before: None,
        });
        let among_others = known.busy > 0;
        known.busy += 1;
        Ticket {
            host: host.to_owned(),
            among_others,
            after_close: known
                .last_close
                .is_some_and(|at| now.saturating_duration_since(at) < RACE),
        }
    }

    /// The connection of `ticket` ended, having fetched what it was asked (`success`) or not.
    pub(crate) fn close(&self, ticket: Ticket, success: bool) {
        self.close_at(ticket, success, Instant::now());
    }

    fn close_at(&self, ticket: Ticket, success: bool, now: Instant) {
        let mut table = lock(&self.table);
        let Some(known) = table.get_mut(&ticket.host) else {
            return;
        };
        known.last_close = Some(now);
        if success {
            known.proven = known.proven.max(known.busy.min(known.limit));
            known.successes += 1;
            if known.limit < self.most && known.successes >= known.climb_after {
                known.limit += 1;
                known.successes = 0;
                known.raised = true;
            }
        }
        known.busy = known.busy.saturating_sub(1);
    }

    /// The host refused the connection of `ticket` (429, 503, a refused connection), asking
    /// to wait `wait`: what that taught. The connection still counts until it is closed.
    ///
    /// Refused among others, the host takes the others still open: the limit comes down to
    /// them (at least one), unless that is below what the host was seen to take and the
    /// connection opened just as another ended (see [`RACE`]). The wait asked keeps every new
    /// connection back only when none of the others is left open; otherwise only the
    /// refused work waits it (the caller's part).
    pub(crate) fn refused(&self, ticket: &Ticket, wait: Option<Duration>) -> Refusal {
        let mut table = lock(&self.table);
        let Some(known) = table.get_mut(&ticket.host) else {
            return Refusal {
                crowded: false,
                limit: self.most,
            };
        };
        // Crowded if others share the host now, or did when this connection opened: refusals
        // of one crowd arrive one by one, and the last ones may find the others closed.
        let others = known.busy.saturating_sub(1);
        let crowded = others > 0 || ticket.among_others;
        if crowded {
            let mut took = others.max(1);
            if took < known.proven && ticket.after_close {
                took = known.proven;
                known.settle = (known.settle * 2).clamp(Duration::from_millis(5), RACE);
            } else if took < known.proven {
                known.proven = took;
            }
            if took < known.limit {
                known.limit = took;
                known.successes = 0;
                if known.raised {
                    known.climb_after = (known.climb_after * 2).min(MOST_CLIMB_AFTER);
                }
                known.raised = false;
            }
            if others == 0
                && let Some(wait) = wait
            {
                let at = Instant::now() + wait;
                known.not_before = Some(known.not_before.map_or(at, |old| old.max(at)));
            }
        }
        Refusal {
            crowded,
            limit: known.limit,
        }
    }

    /// What was learned: each host whose limit is below the most, with its limit.
    #[cfg(test)]
    pub(crate) fn lowered(&self) -> Vec<(String, usize)> {
        let table = lock(&self.table);
        let mut hosts: Vec<_> = table
            .iter()
            .filter(|(_, h)| h.limit < self.most)
            .map(|(name, h)| (name.clone(), h.limit))
            .collect();
        hosts.sort();
        hosts
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_named_with_their_port() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert_eq!(host_of(&url("http://a.example/x")), "a.example:80");
        assert_eq!(host_of(&url("https://a.example/x")), "a.example:443");
        assert_eq!(host_of(&url("http://127.0.0.1:8080/")), "127.0.0.1:8080");
    }

    #[test]
    fn a_host_gets_at_most_its_limit() {
        let hosts = Hosts::new(2);
        let now = Instant::now();
        let a = hosts.open("h");
        assert_eq!(hosts.room("h", now), Room::Now);
        let b = hosts.open("h");
        assert_eq!(hosts.room("h", now), Room::Full);
        assert_eq!(hosts.room("other", now), Room::Now);
        hosts.close(a, false);
        assert_eq!(hosts.room("h", now), Room::Now);
        hosts.close(b, true);
    }

    /// Refuses `ticket` and closes it, as a refused connection ends.
    fn refuse(hosts: &Hosts, ticket: Ticket) -> Refusal {
        let learned = hosts.refused(&ticket, None);
        hosts.close(ticket, false);
        learned
    }

    /// `n` connections opened and ended with success one after another.
    fn succeed(hosts: &Hosts, n: usize) {
        for _ in 0..n {
            let t = hosts.open("h");
            hosts.close(t, true);
        }
    }

    #[test]
    fn a_crowd_refused_but_for_two_settles_at_two_not_lower() {
        let hosts = Hosts::new(8);
        let mut tickets: Vec<Ticket> = (0..8).map(|_| hosts.open("h")).collect();
        let kept: Vec<Ticket> = tickets.drain(..2).collect();
        // The six refusals arrive one by one while the two taken are still open.
        let limits: Vec<usize> = tickets
            .into_iter()
            .map(|t| refuse(&hosts, t).limit)
            .collect();
        assert_eq!(limits, [7, 6, 5, 4, 3, 2]);
        assert_eq!(hosts.room("h", Instant::now()), Room::Full);
        for t in kept {
            hosts.close(t, true);
        }
        assert_eq!(hosts.lowered(), [("h".to_owned(), 2)]);
        // Steady at two: a connection opened just as another ended may be refused while the
        // server still counts the old one; that does not take the limit down to one.
        let (t, ms) = (Instant::now(), Duration::from_millis);
        let a = hosts.open_at("h", t);
        let b = hosts.open_at("h", t);
        hosts.close_at(a, true, t + ms(1000));
        let c = hosts.open_at("h", t + ms(1001));
        assert_eq!(
            hosts.refused(&c, None),
            Refusal {
                crowded: true,
                limit: 2
            }
        );
        hosts.close_at(c, false, t + ms(1002));
        // From now on a connection opens a moment after another ends, not at once.
        assert_eq!(hosts.room("h", t + ms(1003)), Room::At(t + ms(1007)));
        assert_eq!(hosts.room("h", t + ms(1007)), Room::Now);
        // Refused long after the last end: the server takes only one now.
        let d = hosts.open_at("h", t + ms(1200));
        assert_eq!(hosts.refused(&d, None).limit, 1);
        hosts.close_at(d, false, t + ms(1201));
        hosts.close_at(b, true, t + ms(1300));
        assert_eq!(hosts.lowered(), [("h".to_owned(), 1)]);
    }

    #[test]
    fn the_limit_climbs_by_one_after_successes_and_a_refused_raise_waits_twice_as_long() {
        let hosts = Hosts::new(8);
        let (a, b, c) = (hosts.open("h"), hosts.open("h"), hosts.open("h"));
        assert_eq!(refuse(&hosts, c).limit, 2);
        hosts.close(a, true);
        hosts.close(b, true);
        succeed(&hosts, CLIMB_AFTER - 3);
        assert_eq!(hosts.lowered(), [("h".to_owned(), 2)]);
        succeed(&hosts, 1);
        assert_eq!(hosts.lowered(), [("h".to_owned(), 3)], "climbs by one");
        // The raise is refused: back to two, and the next raise needs twice the successes.
        let (a, b, c) = (hosts.open("h"), hosts.open("h"), hosts.open("h"));
        assert_eq!(refuse(&hosts, c).limit, 2);
        hosts.close(a, true);
        hosts.close(b, true);
        succeed(&hosts, 2 * CLIMB_AFTER - 3);
        assert_eq!(hosts.lowered(), [("h".to_owned(), 2)]);
        succeed(&hosts, 1);
        assert_eq!(hosts.lowered(), [("h".to_owned(), 3)]);
        // Alone, a refusal is an ordinary failure, and lowers nothing.
        let alone = hosts.open("h");
        assert_eq!(
            hosts.refused(&alone, None),
            Refusal {
                crowded: false,
                limit: 3
            }
        );
        hosts.close(alone, false);
    }

    #[test]
    fn the_last_refusal_of_a_crowd_is_crowded_though_the_others_have_closed() {
        let hosts = Hosts::new(8);
        let (first, last) = (hosts.open("h"), hosts.open("h"));
        assert!(hosts.refused(&first, None).crowded);
        hosts.close(first, false);
        // Alone now, but it was opened among others: it waits, it does not fail.
        assert!(hosts.refused(&last, None).crowded);
        hosts.close(last, false);
    }

    #[test]
    fn a_crowded_refusal_holds_the_host_back_only_when_nothing_else_is_open() {
        let hosts = Hosts::new(4);
        let (a, b) = (hosts.open("h"), hosts.open("h"));
        // The other is still open: the server takes it; only the refused work waits.
        hosts.refused(&a, Some(Duration::from_secs(60)));
        hosts.close(a, false);
        assert_eq!(hosts.room("h", Instant::now()), Room::Full);
        hosts.close(b, true);
        assert_eq!(hosts.room("h", Instant::now()), Room::Now);
        // Refused with none of the others left open: no new connection before the wait.
        let (c, d) = (hosts.open("h"), hosts.open("h"));
        hosts.close(c, false);
        hosts.refused(&d, Some(Duration::from_secs(60)));
        hosts.close(d, false);
        assert!(matches!(hosts.room("h", Instant::now()), Room::At(_)));
        let later = Instant::now() + Duration::from_secs(61);
        assert_eq!(hosts.room("h", later), Room::Now);
    }
}
