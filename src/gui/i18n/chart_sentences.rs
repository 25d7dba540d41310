//! The charts' sentences with numbers or names in them that came with the charts at scale
//! (pieces of split files, the ideal time), one `match` on the language each; the older
//! chart sentences are in `sentences.rs`.

use downpour::format;
use downpour::stats::Ideal;

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
    fn the_ideal_says_what_it_is_made_of() {
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
