//! Dossier-processing results (`content/results/*.yaml`): reading a period file, and the
//! totals and on-time rates every renderer shows. Totals are computed once, here, so the
//! overview, the counter and field pages, the printed report and `data/results.csv` agree.
//!
//! **On-time rate** = dossiers resolved early or on time ÷ (dossiers resolved + dossiers still
//! open past their processing time). Overdue open dossiers count against the rate, so a counter
//! cannot raise it by leaving late dossiers unresolved. With nothing resolved and nothing
//! overdue the rate is undefined and shown as "–", never as 0 % or 100 %.

use std::path::Path;

use crate::model::*;
use crate::reader::{Obj, Reader};
use crate::yaml::{Node, Value};

/// Larger than any counter's yearly intake by orders of magnitude: a typo, and a guard
/// against sums overflowing.
pub const MAX_COUNT: u64 = 100_000_000;

/// Read one period file. Checks what one file can: whole non-negative counts, `from` ≤ `to`,
/// and that no row resolves more dossiers than it had. Ids are checked in `validate`.
pub fn load_period(r: &mut Reader, node: &Node, path: &Path) -> Option<Period> {
    let o = r.obj(
        node,
        "",
        crate::load::keys::RESULTS,
        crate::load::keys::RESULTS_REQUIRED,
    )?;
    let (from, to, label) = match o.get("period").and_then(|n| {
        r.obj(
            n,
            "period",
            crate::load::keys::PERIOD,
            crate::load::keys::PERIOD,
        )
    }) {
        Some(p) => (
            r.date(&p, "from"),
            r.date(&p, "to"),
            r.req_text(&p, "label").value,
        ),
        None => (None, None, String::new()),
    };
    if let (Some(f), Some(t)) = (&from, &to)
        && t.value < f.value
    {
        let d = r.error(
            t.pos,
            "period.to",
            format!(
                "the period ends ({}) before it starts ({})",
                crate::format::date_dmy(t.value),
                crate::format::date_dmy(f.value)
            ),
        );
        d.hint = Some("`from` is the first day of the period and `to` the last, e.g. from: 2019-01-01, to: 2019-06-30".into());
    }
    let mut rows = Vec::new();
    let items = r.list(&o, "rows", "a list of rows, one per counter and field");
    for (ipath, n) in items {
        if let Some(row) = result_row(r, n, &ipath) {
            rows.push(row);
        }
    }
    let slug = path
        .file_stem()
        .and_then(|s| s.to_str())
        .map(crate::text::slugify)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "ky".into());
    Some(Period {
        file: r.file.to_path_buf(),
        text: r.src.clone(),
        slug,
        from: from?,
        to: to?,
        label,
        notes: r.opt_text(&o, "notes"),
        rows,
        pos: o.pos,
    })
}

fn count(r: &mut Reader, o: &Obj, key: &str) -> u64 {
    if let Some(n) = o.get(key)
        && matches!(n.value, Value::Float(_))
    {
        let d = r.error(
            n.pos,
            &o.child(key),
            format!("`{key}` must be a whole number of dossiers, not a fraction"),
        );
        d.expected = Some("a whole number ≥ 0, digits only (e.g. 5343)".into());
        d.hint = Some("write counts without a decimal point or thousands separator: `5343`, not `5.343` or `12.5`".into());
        return 0;
    }
    let Some(v) = r.uint(o, key, &format!("`{key}` (a number of dossiers)")) else {
        return 0;
    };
    if v.value > MAX_COUNT {
        let d = r.error(
            v.pos,
            &o.child(key),
            format!("{} dossiers is not a plausible count", v.value),
        );
        d.hint = Some("write the number of dossiers without separators, e.g. 5343".into());
        return 0;
    }
    v.value
}

fn result_row(r: &mut Reader, node: &Node, path: &str) -> Option<ResultRow> {
    // A count that is missing, misspelt or unreadable is 0 here: the sum check would then
    // only repeat that mistake in other words.
    let errors_before = r.diags.items.len();
    let o = r.obj(
        node,
        path,
        crate::load::keys::RESULT_ROW,
        crate::load::keys::RESULT_ROW_REQUIRED,
    )?;
    let unit = r.req_text(&o, "unit");
    let field = r.req_text(&o, "field");
    let mut received_by = None;
    let received = match o.get("received") {
        Some(n) if matches!(n.value, Value::Map(_)) => {
            let rpath = o.child("received");
            let m = r.obj(n, &rpath, crate::load::keys::RECEIVED_BY, &[])?;
            let by = ReceivedBy {
                online: count(r, &m, "online"),
                in_person: count(r, &m, "in_person"),
                postal: count(r, &m, "postal"),
            };
            received_by = Some(by);
            by.online + by.in_person + by.postal
        }
        _ => count(r, &o, "received"),
    };
    let counts = Counts {
        carried_over: count(r, &o, "carried_over"),
        received,
        resolved_early: count(r, &o, "resolved_early"),
        resolved_on_time: count(r, &o, "resolved_on_time"),
        resolved_late: count(r, &o, "resolved_late"),
        in_progress: count(r, &o, "in_progress"),
        overdue: count(r, &o, "overdue"),
        withdrawn: count(r, &o, "withdrawn"),
        returned: count(r, &o, "returned"),
    };
    if r.diags.items.len() == errors_before && counts.accounted() > counts.total() {
        let d = r.error(
            o.pos,
            path,
            format!(
                "this row accounts for {} dossiers (resolved {}, pending {}, withdrawn or returned {}) but only {} were received or carried over",
                counts.accounted(),
                counts.resolved(),
                counts.pending(),
                counts.withdrawn + counts.returned,
                counts.total()
            ),
        );
        d.hint = Some(
            "resolved + in progress + overdue + withdrawn + returned cannot exceed received + carried_over; check the figures against the report"
                .into(),
        );
    }
    if r.diags.items.len() == errors_before && counts.accounted() < counts.total() {
        let d = r.warning(
            o.pos,
            path,
            format!(
                "{} of the {} dossiers received or carried over are not accounted for",
                counts.total() - counts.accounted(),
                counts.total()
            ),
        );
        d.hint = Some("every dossier ends the period resolved (early, on time, late), in progress, overdue, withdrawn or returned; add the missing ones to the right column".into());
    }
    Some(ResultRow {
        unit,
        field,
        counts,
        received_by,
        pos: o.pos,
    })
}

/// Share of dossiers handled on time; see the module documentation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rate {
    pub on_time: u64,
    pub base: u64,
}

impl Rate {
    pub fn of(c: &Counts) -> Rate {
        Rate {
            on_time: c.on_time(),
            base: c.resolved() + c.overdue,
        }
    }

    /// Percent, or `None` when nothing was resolved and nothing is overdue.
    pub fn percent(&self) -> Option<f64> {
        (self.base > 0).then(|| self.on_time as f64 * 100.0 / self.base as f64)
    }

    /// `98,5%` (vi) / `98.5%` (en), one decimal; `–` when undefined. A rate below 100 % never
    /// rounds up to `100%`, and a rate above 0 never rounds down to `0%`.
    pub fn display(&self, lang: crate::format::Lang) -> String {
        let Some(p) = self.percent() else {
            return "–".into();
        };
        let mut tenths = (p * 10.0).round() as u64;
        if self.on_time < self.base && tenths == 1000 {
            tenths = 999;
        }
        if self.on_time > 0 && tenths == 0 {
            tenths = 1;
        }
        let (int, frac) = (tenths / 10, tenths % 10);
        let sep = match lang {
            crate::format::Lang::Vi => ',',
            crate::format::Lang::En => '.',
        };
        if frac == 0 {
            format!("{int}%")
        } else {
            format!("{int}{sep}{frac}%")
        }
    }
}

/// One period with its totals.
pub struct PeriodTotals<'c> {
    pub period: &'c Period,
    pub total: Counts,
    /// `(unit index in content.units, counts)`, ranked: highest on-time rate first, then most
    /// dossiers, then unit order; counters whose rate is undefined come last.
    pub by_unit: Vec<(usize, Counts)>,
    /// `(field index in content.fields, counts)`, most dossiers first.
    pub by_field: Vec<(usize, Counts)>,
}

/// All periods, newest first, plus each counter's and field's history.
#[derive(Default)]
pub struct Results<'c> {
    pub periods: Vec<PeriodTotals<'c>>,
    /// Per unit (content.units order): `(period index in periods, counts)`, oldest first.
    pub unit_history: Vec<Vec<(usize, Counts)>>,
    /// Per field (content.fields order), same shape.
    pub field_history: Vec<Vec<(usize, Counts)>>,
}

impl<'c> Results<'c> {
    /// Totals of validated content; rows naming unknown ids are skipped.
    pub fn build(content: &'c Content) -> Results<'c> {
        let units: std::collections::HashMap<&str, usize> = content
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str(), i))
            .collect();
        let fields: std::collections::HashMap<&str, usize> = content
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.as_str(), i))
            .collect();
        let unit_index = |id: &str| units.get(id).copied();
        let field_index = |id: &str| fields.get(id).copied();
        let mut periods: Vec<PeriodTotals> = Vec::with_capacity(content.results.len());
        for period in &content.results {
            let mut total = Counts::default();
            let mut by_unit = vec![Counts::default(); content.units.len()];
            let mut unit_seen = vec![false; content.units.len()];
            let mut by_field = vec![Counts::default(); content.fields.len()];
            let mut field_seen = vec![false; content.fields.len()];
            for row in &period.rows {
                let (Some(u), Some(f)) = (unit_index(&row.unit), field_index(&row.field)) else {
                    continue;
                };
                total.add(&row.counts);
                by_unit[u].add(&row.counts);
                unit_seen[u] = true;
                by_field[f].add(&row.counts);
                field_seen[f] = true;
            }
            let mut by_unit: Vec<(usize, Counts)> = by_unit
                .into_iter()
                .enumerate()
                .filter(|(i, _)| unit_seen[*i])
                .collect();
            by_unit.sort_by(|(ia, a), (ib, b)| {
                let (ra, rb) = (Rate::of(a), Rate::of(b));
                // Compare on_time/base exactly by cross-multiplying (no float ties).
                let rate_order = match (ra.base > 0, rb.base > 0) {
                    (true, true) => (rb.on_time as u128 * ra.base as u128)
                        .cmp(&(ra.on_time as u128 * rb.base as u128)),
                    (true, false) => std::cmp::Ordering::Less,
                    (false, true) => std::cmp::Ordering::Greater,
                    (false, false) => std::cmp::Ordering::Equal,
                };
                rate_order.then(b.total().cmp(&a.total())).then(ia.cmp(ib))
            });
            let mut by_field: Vec<(usize, Counts)> = by_field
                .into_iter()
                .enumerate()
                .filter(|(i, _)| field_seen[*i])
                .collect();
            by_field.sort_by(|(ia, a), (ib, b)| b.total().cmp(&a.total()).then(ia.cmp(ib)));
            periods.push(PeriodTotals {
                period,
                total,
                by_unit,
                by_field,
            });
        }
        // Content keeps periods oldest first; pages show the latest first.
        periods.reverse();
        let n = periods.len();
        let mut unit_history = vec![Vec::new(); content.units.len()];
        let mut field_history = vec![Vec::new(); content.fields.len()];
        for (pi, p) in periods.iter().enumerate().rev() {
            for (u, c) in &p.by_unit {
                unit_history[*u].push((pi, *c));
            }
            for (f, c) in &p.by_field {
                field_history[*f].push((pi, *c));
            }
        }
        debug_assert!(unit_history.iter().flatten().all(|(pi, _)| *pi < n));
        Results {
            periods,
            unit_history,
            field_history,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.periods.is_empty()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_row_keys_are_the_unit_the_field_and_the_counts_in_order() {
        assert_eq!(&crate::load::keys::RESULT_ROW[..2], &["unit", "field"]);
        assert_eq!(&crate::load::keys::RESULT_ROW[2..], &Counts::NAMES[..]);
    }

    use super::*;
    use crate::format::Lang;

    fn counts(on_time: u64, late: u64, in_progress: u64, overdue: u64) -> Counts {
        Counts {
            received: on_time + late + in_progress + overdue,
            resolved_on_time: on_time,
            resolved_late: late,
            in_progress,
            overdue,
            ..Counts::default()
        }
    }

    #[test]
    fn on_time_rate_reads_as_specified() {
        // (on time, late, in progress, overdue) → shown rate
        let table = [
            ((4817, 0, 526, 0), "100%"), // Ngã Năm town counter, 2019 H1
            ((90, 10, 0, 0), "90%"),
            ((90, 5, 0, 5), "90%"), // overdue open dossiers count against the rate
            ((2, 1, 0, 0), "66,7%"),
            ((1999, 1, 0, 0), "99,9%"), // 99.95 never shows as 100 %
            ((1, 2999, 0, 0), "0,1%"),  // 0.03 never shows as 0 %
            ((0, 0, 12, 0), "–"),       // nothing resolved yet: undefined
            ((0, 0, 0, 0), "–"),        // a period with no dossiers at all
            ((0, 3, 0, 0), "0%"),
        ];
        for ((a, b, c, d), want) in table {
            let rate = Rate::of(&counts(a, b, c, d));
            assert_eq!(rate.display(Lang::Vi), want, "{a} {b} {c} {d}");
        }
        assert_eq!(Rate::of(&counts(2, 1, 0, 0)).display(Lang::En), "66.7%");
        assert_eq!(Rate::of(&Counts::default()).percent(), None);
    }

    #[test]
    fn counts_add_up() {
        let mut c = Counts {
            carried_over: 5,
            received: 100,
            resolved_early: 10,
            resolved_on_time: 70,
            resolved_late: 5,
            in_progress: 10,
            overdue: 2,
            withdrawn: 1,
            returned: 2,
        };
        assert_eq!(c.total(), 105);
        assert_eq!(c.on_time(), 80);
        assert_eq!(c.resolved(), 85);
        assert_eq!(c.pending(), 12);
        assert_eq!(c.accounted(), 100);
        let copy = c;
        c.add(&copy);
        assert_eq!(c.accounted(), 200);
        assert_eq!(c.values().iter().sum::<u64>(), 2 * 205);
    }
}
