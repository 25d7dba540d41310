//! The charts' sentences with numbers or names in them that came with the charts at scale
//! (the ideal time, so far), one `match` on the language each; the older chart sentences are
//! in `sentences.rs`.

use downpour::format;
use downpour::stats::Ideal;

use super::Lang;

impl Lang {
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

#[cfg(test)]
mod tests {
    use super::*;

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
