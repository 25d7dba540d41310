//! The charts' sentences with numbers or names in them that came with the charts at scale
//! (pieces of split files, held-back results, moves, the ideal time), one `match` on the
//! language each; the older chart sentences are in `sentences.rs`.

use downpour::format;
use downpour::stats::{Ideal, MoveGroup};

use super::Lang;

/// What the tooltip of one piece of a file fetched over several connections names.
#[derive(Debug, Clone, Copy)]
pub struct PieceItem<'a> {
    /// The item's index.
    pub index: usize,
    /// Its file name.
    pub name: &'a str,
    /// The first byte the piece fetched.
    pub from: u64,
    /// One past its last byte.
    pub to: u64,
    /// The worker that fetched it.
    pub worker: usize,
    /// When it began, in seconds since the start.
    pub start: f64,
    /// When it ended.
    pub end: f64,
}

impl Lang {
    /// A piece's tooltip in the timeline: `#3 big.iso · bytes 0–4.0 MiB · worker 2 ·
    /// 0.00–1.20 s`.
    pub fn piece_tooltip(self, piece: &PieceItem<'_>) -> String {
        let PieceItem {
            index,
            name,
            from,
            to,
            worker,
            start,
            end,
        } = *piece;
        let (from, to) = (offset(from), format::bytes(to));
        match self {
            Lang::En => {
                format!(
                    "#{index} {name} · bytes {from}–{to} · worker {worker} · {start:.2}–{end:.2} s"
                )
            }
            Lang::Zh => {
                format!(
                    "#{index} {name} · 字节 {from}–{to} · 线程 {worker} · {start:.2}–{end:.2} s"
                )
            }
        }
    }

    /// A held-back bar of one item: `#4 photo.jpg` then `held back 0.45 s: finished at
    /// 0.51 s, reported at 0.96 s`.
    pub fn held_back_tooltip(
        self,
        index: usize,
        name: &str,
        finished_ms: u64,
        reported_ms: u64,
    ) -> String {
        let held = reported_ms.saturating_sub(finished_ms) as f64 / 1000.0;
        let (finished, reported) = (finished_ms as f64 / 1000.0, reported_ms as f64 / 1000.0);
        match self {
            Lang::En => format!(
                "#{index} {name}\nheld back {held:.2} s: finished at {finished:.2} s, reported at {reported:.2} s"
            ),
            Lang::Zh => format!(
                "#{index} {name}\n等待报告 {held:.2} s：{finished:.2} s 完成，{reported:.2} s 报告"
            ),
        }
    }

    /// A held-back bar of several items: `positions 26–50` then `longest held back 1.20 s
    /// (#31 big.iso) · average 0.40 s`.
    pub fn held_back_group_tooltip(
        self,
        group: &downpour::stats::HeldBackGroup,
        name: &str,
    ) -> String {
        let (first, last, index) = (group.first, group.last, group.longest_index);
        let longest = group.longest_ms as f64 / 1000.0;
        let mean = group.mean_ms / 1000.0;
        match self {
            Lang::En => format!(
                "positions {first}–{last}\nlongest held back {longest:.2} s (#{index} {name}) · average {mean:.2} s"
            ),
            Lang::Zh => format!(
                "位置 {first}–{last}\n最长等待 {longest:.2} s（#{index} {name}）· 平均 {mean:.2} s"
            ),
        }
    }

    /// A result's bar in the chart of moves: `#1 photo.jpg` then `moved +4 places: result 5,
    /// position 1 in the list`.
    pub fn moved_item_tooltip(
        self,
        index: usize,
        name: &str,
        places: i64,
        position: usize,
    ) -> String {
        let (moved, rank) = (signed(places), position as i64 + places);
        match self {
            Lang::En => format!(
                "#{index} {name}\nmoved {moved} places: result {rank}, position {position} in the list"
            ),
            Lang::Zh => format!(
                "#{index} {name}\n移动 {moved} 个位置：第 {rank} 个结果，列表中第 {position} 个"
            ),
        }
    }

    /// The bars of several results in the chart of moves: `positions 26–50`, then `12
    /// reported later, up to +150 (#31 big.iso)` and `30 earlier, up to −8 (#40 a.zip)` (each
    /// only if any), given the names of those two items.
    pub fn moved_group_tooltip(self, group: &MoveGroup, later: &str, earlier: &str) -> String {
        let (first, last) = (group.first, group.last);
        let mut text = match self {
            Lang::En => format!("positions {first}–{last}"),
            Lang::Zh => format!("位置 {first}–{last}"),
        };
        let (count, (places, index)) = (group.later, group.latest);
        let places = signed(places);
        if count > 0 {
            text.push_str(&match self {
                Lang::En => format!("\n{count} reported later, up to {places} (#{index} {later})"),
                Lang::Zh => format!("\n{count} 个晚于其位置，最多 {places}（#{index} {later}）"),
            });
        }
        let (count, (places, index)) = (group.earlier, group.earliest);
        let places = signed(places);
        if count > 0 {
            text.push_str(&match self {
                Lang::En => {
                    format!("\n{count} reported earlier, up to {places} (#{index} {earlier})")
                }
                Lang::Zh => format!("\n{count} 个早于其位置，最多 {places}（#{index} {earlier}）"),
            });
        }
        text
    }

    /// A bar of the moves: `moved +3 places: 12 results`, `moved −7 to −3 places: 1 result`.
    pub fn moved_tooltip(self, from: i64, to: i64, count: usize) -> String {
        let (from, to, one) = (signed(from), signed(to), from == to);
        match self {
            Lang::En => {
                let places = if one { from } else { format!("{from} to {to}") };
                let results = if count == 1 { "result" } else { "results" };
                format!("moved {places} places: {count} {results}")
            }
            Lang::Zh => {
                let places = if one {
                    from
                } else {
                    format!("{from} 至 {to}")
                };
                format!("移动 {places} 个位置：{count} 个结果")
            }
        }
    }

    /// What the ideal time of a run is made of, after the run's tooltip in the comparison:
    /// `ideal ≥ 1.595 s: the slowest file alone took 0.950 s, and 6.380 s of downloading ÷ 4
    /// workers = 1.595 s`.
    pub fn ideal_tooltip(self, ideal: &Ideal) -> String {
        let (total, slowest, work) = (
            format::seconds(ideal.ms),
            format::seconds(ideal.slowest_ms),
            format::seconds(ideal.work_ms),
        );
        let shared = format::seconds(ideal.work_ms.div_ceil(ideal.workers.max(1) as u64));
        let workers = ideal.workers;
        match self {
            Lang::En => format!(
                "ideal ≥ {total}: the slowest file alone took {slowest}, and {work} of downloading ÷ {workers} {} = {shared}",
                if workers == 1 { "worker" } else { "workers" }
            ),
            Lang::Zh => format!(
                "理想耗时 ≥ {total}：最慢的文件单独就用了 {slowest}，下载总用时 {work} ÷ {workers} 个线程 = {shared}"
            ),
        }
    }
}

/// A byte offset in a piece's range: `0`, or a size such as `4.0 MiB`.
fn offset(bytes: u64) -> String {
    if bytes == 0 {
        "0".to_owned()
    } else {
        format::bytes(bytes)
    }
}

/// A number of places with its sign, the minus a real one: `+3`, `0`, `−7`.
fn signed(places: i64) -> String {
    match places {
        0 => "0".to_owned(),
        p if p > 0 => format!("+{p}"),
        p => format!("−{}", p.unsigned_abs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piece_names_its_item_bytes_worker_and_times() {
        let piece = PieceItem {
            index: 3,
            name: "big.iso",
            from: 0,
            to: 4 * 1024 * 1024,
            worker: 2,
            start: 0.0,
            end: 1.2,
        };
        assert_eq!(
            Lang::En.piece_tooltip(&piece),
            "#3 big.iso · bytes 0–4.0 MiB · worker 2 · 0.00–1.20 s"
        );
        assert_eq!(
            Lang::Zh.piece_tooltip(&piece),
            "#3 big.iso · 字节 0–4.0 MiB · 线程 2 · 0.00–1.20 s"
        );
    }

    #[test]
    fn moves_and_the_ideal_read_naturally() {
        assert_eq!(
            Lang::En.moved_tooltip(3, 3, 12),
            "moved +3 places: 12 results"
        );
        assert_eq!(
            Lang::En.moved_tooltip(-7, -3, 1),
            "moved −7 to −3 places: 1 result"
        );
        assert_eq!(Lang::Zh.moved_tooltip(0, 0, 2), "移动 0 个位置：2 个结果");
        let ideal = Ideal {
            ms: 2000,
            slowest_ms: 2000,
            work_ms: 5000,
            workers: 4,
        };
        assert_eq!(
            Lang::En.ideal_tooltip(&ideal),
            "ideal ≥ 2.000 s: the slowest file alone took 2.000 s, and 5.000 s of downloading ÷ 4 \
             workers = 1.250 s"
        );
    }
}
