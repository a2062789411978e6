//! Dossier-processing results: the overview (latest period first), a page per counter and per
//! field with its history, and a printable A4 report per period. Figures come from
//! `site.results` (computed once); charts are inline SVG from `charts`, each beside a table.

use serde::Serialize;
use tera::Context;

use super::{OutputFile, RenderContext, RenderError, run_jobs};
use crate::charts::{self, Bar, Point};
use crate::format::{self, Lang};
use crate::markdown;
use crate::model::Counts;
use crate::results::{PeriodTotals, Rate};
use crate::site::{id_segment, paths};
use crate::views::I18n;

#[derive(Clone, Copy)]
enum Job {
    Overview,
    Unit(usize),
    Field(usize),
    Report(usize),
}

pub fn unit_url(id: &str) -> String {
    format!("ket-qua/don-vi/{}.html", id_segment(id))
}

pub fn field_url(id: &str) -> String {
    format!("ket-qua/linh-vuc/{}.html", id_segment(id))
}

pub fn report_url(slug: &str) -> String {
    format!("ket-qua/ky/{slug}.html")
}

pub fn render(ctx: &RenderContext) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    let results = &ctx.site.results;
    if results.is_empty() {
        return Ok(Vec::new());
    }
    let mut jobs = vec![Job::Overview];
    jobs.extend(
        (0..results.unit_history.len())
            .filter(|&u| !results.unit_history[u].is_empty())
            .map(Job::Unit),
    );
    jobs.extend(
        (0..results.field_history.len())
            .filter(|&f| !results.field_history[f].is_empty())
            .map(Job::Field),
    );
    jobs.extend((0..results.periods.len()).map(Job::Report));
    run_jobs(ctx, &jobs, |job| render_job(ctx, *job))
}

/// The counts as printed, plus the rate.
#[derive(Serialize)]
pub struct CountsView {
    pub carried_over: String,
    pub received: String,
    pub total: String,
    pub resolved_early: String,
    pub resolved_on_time: String,
    pub on_time: String,
    pub resolved_late: String,
    pub resolved: String,
    pub in_progress: String,
    pub overdue: String,
    pub pending: String,
    pub withdrawn: String,
    pub returned: String,
    pub rate: String,
}

pub fn counts_view(c: &Counts, lang: Lang) -> CountsView {
    let n = |v: u64| format::number(v, lang);
    CountsView {
        carried_over: n(c.carried_over),
        received: n(c.received),
        total: n(c.total()),
        resolved_early: n(c.resolved_early),
        resolved_on_time: n(c.resolved_on_time),
        on_time: n(c.on_time()),
        resolved_late: n(c.resolved_late),
        resolved: n(c.resolved()),
        in_progress: n(c.in_progress),
        overdue: n(c.overdue),
        pending: n(c.pending()),
        withdrawn: n(c.withdrawn),
        returned: n(c.returned),
        rate: Rate::of(c).display(lang),
    }
}

#[derive(Serialize)]
struct Row {
    rank: usize,
    name: String,
    url: String,
    /// Empty: only period rows have dates (the table template reads both kinds).
    dates: String,
    c: CountsView,
}

#[derive(Serialize)]
struct PeriodView {
    slug: String,
    label: String,
    dates: String,
    short: String,
    report_url: String,
    total: CountsView,
    units: Vec<Row>,
    fields: Vec<Row>,
    notes_html: String,
    units_chart: String,
}

/// `01–06/2019`, or `07/2018–06/2019` across years: short enough for a chart's axis.
fn short_label(p: &crate::model::Period) -> String {
    let (f, t) = (p.from.value, p.to.value);
    if f.year() == t.year() {
        if f.month() == t.month() {
            format!("{:02}/{}", f.month(), f.year())
        } else {
            format!("{:02}–{:02}/{}", f.month(), t.month(), f.year())
        }
    } else {
        format!(
            "{:02}/{}–{:02}/{}",
            f.month(),
            f.year(),
            t.month(),
            t.year()
        )
    }
}

fn legend(i18n: &I18n) -> [&str; charts::KINDS] {
    [
        i18n.t("results.on_time"),
        i18n.t("results.late"),
        i18n.t("results.in_progress"),
        i18n.t("results.overdue"),
    ]
}

fn bar(label: String, c: &Counts, lang: Lang) -> Bar {
    Bar {
        label,
        values: [c.on_time(), c.resolved_late, c.in_progress, c.overdue],
        note: format::number(c.resolved() + c.pending(), lang),
    }
}

fn period_view(ctx: &RenderContext, p: &PeriodTotals, chart_id: &str) -> PeriodView {
    let site = ctx.site;
    let i18n = &ctx.engine.i18n;
    let lang = site.lang;
    let units: Vec<Row> = p
        .by_unit
        .iter()
        .enumerate()
        .map(|(rank, (u, c))| Row {
            rank: rank + 1,
            name: site.content.units[*u].name.clone(),
            url: unit_url(&site.content.units[*u].id),
            dates: String::new(),
            c: counts_view(c, lang),
        })
        .collect();
    let fields = p
        .by_field
        .iter()
        .map(|(f, c)| Row {
            rank: 0,
            name: site.content.fields[*f].name.clone(),
            url: field_url(&site.content.fields[*f].id),
            dates: String::new(),
            c: counts_view(c, lang),
        })
        .collect();
    let bars: Vec<Bar> = p
        .by_unit
        .iter()
        .enumerate()
        .map(|(rank, (u, c))| {
            bar(
                format!(
                    "{}. {}",
                    rank + 1,
                    short_unit_name(&site.content.units[*u].name)
                ),
                c,
                lang,
            )
        })
        .collect();
    let title = format!("{} – {}", i18n.t("results.chart_units"), p.period.label);
    let units_chart = charts::stacked_bars(
        chart_id,
        &title,
        i18n.t("results.chart_units_desc"),
        legend(i18n),
        &bars,
    );
    PeriodView {
        slug: p.period.slug.clone(),
        label: p.period.label.clone(),
        dates: format!(
            "{} – {}",
            format::date_dmy(p.period.from.value),
            format::date_dmy(p.period.to.value)
        ),
        short: short_label(p.period),
        report_url: report_url(&p.period.slug),
        total: counts_view(&p.total, lang),
        units,
        fields,
        notes_html: p
            .period
            .notes
            .as_deref()
            .map(markdown::to_html)
            .unwrap_or_default(),
        units_chart,
    }
}

/// Counter names repeat "Bộ phận tiếp nhận và trả kết quả"; a chart row shows the rest.
fn short_unit_name(name: &str) -> String {
    for prefix in [
        "Bộ phận tiếp nhận và trả kết quả ",
        "Bộ phận một cửa ",
        "One-stop counter of ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return rest.to_string();
        }
    }
    name.to_string()
}

/// One row per period of a counter's, a field's or the site's history, newest first.
#[derive(Serialize)]
struct HistoryRow {
    rank: usize,
    /// The period's label; `url` is its printable report.
    name: String,
    url: String,
    dates: String,
    c: CountsView,
}

/// Charts and table of a history (`(period index, counts)`, oldest first).
/// A counter's or a field's page: its periods as a table, bars and the on-time line.
fn history_page(
    ctx: &RenderContext,
    mut c: Context,
    title: &str,
    (rows, bars, line): (Vec<HistoryRow>, String, String),
    path: &str,
) -> Result<OutputFile, RenderError> {
    c.insert("title", title);
    c.insert("rows", &rows);
    c.insert("bars_chart", &bars);
    c.insert("rate_chart", &line);
    ctx.engine.render("results_history.html", path, c)
}

fn history(
    ctx: &RenderContext,
    id: &str,
    name: &str,
    entries: &[(usize, Counts)],
) -> (Vec<HistoryRow>, String, String) {
    let site = ctx.site;
    let i18n = &ctx.engine.i18n;
    let lang = site.lang;
    let periods = &site.results.periods;
    let points: Vec<Point> = entries
        .iter()
        .map(|(pi, c)| {
            let rate = Rate::of(c);
            Point {
                label: short_label(periods[*pi].period),
                percent: rate.percent(),
                text: rate.display(lang),
            }
        })
        .collect();
    let line = charts::rate_line(
        &format!("{id}-rate"),
        &format!("{} – {name}", i18n.t("results.chart_rate")),
        i18n.t("results.chart_rate_desc"),
        &points,
    );
    let bars: Vec<Bar> = entries
        .iter()
        .rev()
        .map(|(pi, c)| bar(periods[*pi].period.label.clone(), c, lang))
        .collect();
    let stacked = charts::stacked_bars(
        &format!("{id}-bars"),
        &format!("{} – {name}", i18n.t("results.chart_periods")),
        i18n.t("results.chart_units_desc"),
        legend(i18n),
        &bars,
    );
    let rows = entries
        .iter()
        .rev()
        .map(|(pi, c)| {
            let p = periods[*pi].period;
            HistoryRow {
                rank: 0,
                name: p.label.clone(),
                url: report_url(&p.slug),
                dates: format!(
                    "{} – {}",
                    format::date_dmy(p.from.value),
                    format::date_dmy(p.to.value)
                ),
                c: counts_view(c, lang),
            }
        })
        .collect();
    (rows, stacked, line)
}

fn render_job(ctx: &RenderContext, job: Job) -> Result<OutputFile, RenderError> {
    let site = ctx.site;
    let engine = ctx.engine;
    let t = |k: &str| engine.i18n.t(k).to_string();
    let results = &site.results;
    let mut c = Context::new();
    match job {
        Job::Overview => {
            let latest = period_view(ctx, &results.periods[0], "latest");
            let site_history: Vec<(usize, Counts)> = (0..results.periods.len())
                .rev()
                .map(|pi| (pi, results.periods[pi].total))
                .collect();
            let (rows, _, line) = history(ctx, "all", &t("results.all_units"), &site_history);
            let fields: Vec<(String, String)> = site
                .content
                .fields
                .iter()
                .enumerate()
                .filter(|(f, _)| !results.field_history[*f].is_empty())
                .map(|(_, f)| (f.name.clone(), field_url(&f.id)))
                .collect();
            c.insert("title", &t("results.title"));
            c.insert("latest", &latest);
            c.insert("history", &rows);
            c.insert("rate_chart", &line);
            c.insert("fields", &fields);
            engine.render("results.html", paths::RESULTS, c)
        }
        Job::Unit(u) => {
            let unit = &site.content.units[u];
            let (rows, bars, line) = history(ctx, "u", &unit.name, &results.unit_history[u]);
            c.insert("kind", "unit");
            c.insert("page_url", &site.units[u].url);
            history_page(ctx, c, &unit.name, (rows, bars, line), &unit_url(&unit.id))
        }
        Job::Field(f) => {
            let field = &site.content.fields[f];
            let (rows, bars, line) = history(ctx, "f", &field.name, &results.field_history[f]);
            c.insert("kind", "field");
            c.insert("page_url", &site.fields[f].url);
            history_page(
                ctx,
                c,
                &field.name,
                (rows, bars, line),
                &field_url(&field.id),
            )
        }
        Job::Report(pi) => {
            let view = period_view(ctx, &results.periods[pi], "report");
            c.insert(
                "title",
                &format!("{} – {}", t("results.report"), view.label),
            );
            c.insert("p", &view);
            engine.render("results_report.html", &report_url(&view.slug), c)
        }
    }
}
