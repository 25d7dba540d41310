//! Politeness towards each server across the whole run: at most so many connections to one
//! host at a time (items and pieces alike), a limit that halves when the host refuses a
//! connection while Downpour holds several, honours the wait it asked for, and climbs back
//! one at a time after a run of successes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use url::Url;

/// Successes, at a lowered limit, before it is first raised by one; each raise that the
/// server answers with a refusal doubles the successes the next raise needs (up to
/// [`MOST_CLIMB_AFTER`]), so a server whose limit was found is probed ever more rarely.
const CLIMB_AFTER: usize = 8;

/// The most successes a raise needs.
const MOST_CLIMB_AFTER: usize = 256;

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
    /// Counts the times the limit was lowered: a refusal of a connection opened before the
    /// last step down does not lower it again.
    generation: u64,
    /// Successes since the limit last changed.
    successes: usize,
    /// Successes the next raise needs.
    climb_after: usize,
    /// Whether the last change of the limit raised it.
    raised: bool,
    /// No new connection before this instant (the wait the host asked for).
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
    generation: u64,
    /// Whether other connections to the host were open when this one opened.
    among_others: bool,
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
        match known.not_before {
            Some(at) if at > now => Room::At(at),
            _ if known.busy >= known.limit => Room::Full,
            _ => Room::Now,
        }
    }

    /// Counts a connection to `host` from now until its ticket is given back.
    pub(crate) fn open(&self, host: &str) -> Ticket {
        let mut table = lock(&self.table);
        let known = table.entry(host.to_owned()).or_insert_with(|| Host {
            limit: self.most,
            busy: 0,
            generation: 0,
            successes: 0,
            climb_after: CLIMB_AFTER,
            raised: false,
            not_before: None,
        });
        let among_others = known.busy > 0;
        known.busy += 1;
        Ticket {
            host: host.to_owned(),
            generation: known.generation,
            among_others,
        }
    }

    /// The connection of `ticket` ended, having fetched what it was asked (`success`) or not.
    pub(crate) fn close(&self, ticket: Ticket, success: bool) {
        let mut table = lock(&self.table);
        let Some(known) = table.get_mut(&ticket.host) else {
            return;
        };
        known.busy = known.busy.saturating_sub(1);
        if success {
            known.successes += 1;
            if known.limit < self.most && known.successes >= known.climb_after {
                known.limit += 1;
                known.successes = 0;
                known.raised = true;
            }
        }
    }

    /// The host refused the connection of `ticket` (429, 503, a refused connection), asking
    /// to wait `wait`: what that taught. The connection still counts until it is closed.
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
        let crowded = known.busy > 1 || ticket.among_others;
        if crowded && ticket.generation == known.generation {
            known.limit = known.limit.min(known.busy).div_ceil(2).max(1);
            known.generation += 1;
            known.successes = 0;
            if known.raised {
                known.climb_after = (known.climb_after * 2).min(MOST_CLIMB_AFTER);
            }
            known.raised = false;
        }
        if crowded && let Some(wait) = wait {
            let at = Instant::now() + wait;
            known.not_before = Some(known.not_before.map_or(at, |old| old.max(at)));
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

    #[test]
    fn a_refusal_among_several_halves_the_limit_once_and_successes_raise_it_slowly() {
        let hosts = Hosts::new(8);
        let tickets: Vec<Ticket> = (0..8).map(|_| hosts.open("h")).collect();
        let mut tickets = tickets.into_iter();
        let refused = |t: Ticket| {
            let learned = hosts.refused(&t, None);
            hosts.close(t, false);
            learned
        };
        assert_eq!(
            refused(tickets.next().unwrap()),
            Refusal {
                crowded: true,
                limit: 4
            }
        );
        // Opened before the step down: no second halving for the same crowd.
        assert_eq!(refused(tickets.next().unwrap()).limit, 4);
        for ticket in tickets.by_ref().take(3) {
            hosts.close(ticket, true);
        }
        let last = tickets.next().unwrap();
        let after = hosts.open("h");
        assert_eq!(refused(after).limit, 2, "halved from 4 (4 busy)");
        for _ in 0..CLIMB_AFTER - 1 {
            let t = hosts.open("h");
            hosts.close(t, true);
        }
        assert_eq!(hosts.lowered(), [("h".to_owned(), 2)]);
        hosts.close(last, true);
        assert_eq!(hosts.lowered(), [("h".to_owned(), 3)], "climbs by one");
        // A raise answered with a refusal: the next one waits twice as long.
        let (a, b, c) = (hosts.open("h"), hosts.open("h"), hosts.open("h"));
        assert_eq!(refused(a).limit, 2);
        hosts.close(b, true);
        hosts.close(c, true);
        for _ in 0..2 * CLIMB_AFTER - 3 {
            let t = hosts.open("h");
            hosts.close(t, true);
        }
        assert_eq!(hosts.lowered(), [("h".to_owned(), 2)]);
        let t = hosts.open("h");
        hosts.close(t, true);
        assert_eq!(hosts.lowered(), [("h".to_owned(), 3)]);
        for ticket in tickets {
            hosts.close(ticket, false);
        }
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
    fn a_crowded_refusal_keeps_new_connections_back_for_the_wait_asked() {
        let hosts = Hosts::new(4);
        let (a, b) = (hosts.open("h"), hosts.open("h"));
        hosts.refused(&a, Some(Duration::from_secs(60)));
        hosts.close(a, false);
        hosts.close(b, false);
        assert!(matches!(hosts.room("h", Instant::now()), Room::At(_)));
        let later = Instant::now() + Duration::from_secs(61);
        assert_eq!(hosts.room("h", later), Room::Now);
    }
}
