//! The notice boards a one-stop counter posts on its wall (Decree 63/2010/NĐ-CP, Circular
//! 02/2017/TT-VPCP): for each counter a list board, a detail sheet per procedure and the
//! feedback notice, in print documents for A4.
//!
//! Output, under `boards/`:
//! - `index.html`: every counter's set and the shared sheet sets;
//! - `<unit>/index.html` (which files make the counter's whole wall set), `<unit>/danh-muc.html`
//!   (list board), `<unit>/print.html` (list board, feedback notice, and the sheets of the
//!   procedures only this counter posts), and, when those are more than [`PRINT_SPLIT`] (or
//!   when asked with `--field`), `<unit>/print-<field>.html` for them instead;
//! - `phieu/<level>.html`: the shared sheet set of a level, the sheets of the procedures every
//!   counter of that level posts (all commune-level procedures for 99 communes), printed once
//!   for all of them; `phieu/<level>.<field>.html` instead, one per field, above
//!   [`PRINT_SPLIT`];
//! - `thu-tuc/<slug>.html`: one detail sheet per procedure, to reprint one alone;
//! - `phan-anh-kien-nghi.html`: the feedback notice (site-wide, the same for every counter).
//!
//! Each sheet is rendered once as an HTML fragment and written twice (its own page and the one
//! print document that holds it), so 99 communes sharing 150 procedures cost 150 renders and
//! 150 printed copies, not 14,850. A sheet carries the QR code of its procedure's web page
//! (when `base_url` is set) as inline SVG: a sheet file copied alone still prints whole, and
//! a 10,000-procedure site is spared 10,000 small files (about 0.2 s of the kernel's time).

use std::collections::HashSet;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use super::{OutputFile, RenderContext, RenderError, qr, unit_item};
use crate::format;
use crate::site::{Site, SiteUnit, id_segment};
use crate::views::{ProcedureFacts, ProcedureRow, ProcedureView};

/// A print document with more sheets than this is split into one per field: a browser cannot
/// lay out tens of thousands of pages in one go.
pub const PRINT_SPLIT: usize = 300;

pub const INDEX: &str = "boards/index.html";
pub const FEEDBACK: &str = "boards/phan-anh-kien-nghi.html";
/// Every board page but the top index lives two folders down, so fragments rendered with
/// this root prefix work in any of them.
const FRAGMENT_ROOT: &str = "../../";
/// Folder names under `boards/` that a counter's folder must not take.
const RESERVED: [&str; 2] = ["thu-tuc", "phieu"];

/// What to render; `None` means everything.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Indexes into `site.units`.
    pub units: Option<Vec<usize>>,
    /// Indexes into `site.fields`.
    pub fields: Option<Vec<usize>>,
}

impl Selection {
    fn all(&self) -> bool {
        self.units.is_none() && self.fields.is_none()
    }
    fn has_unit(&self, u: usize) -> bool {
        self.units.as_ref().is_none_or(|s| s.contains(&u))
    }
    fn has_field(&self, f: usize) -> bool {
        self.fields.as_ref().is_none_or(|s| s.contains(&f))
    }
}

/// The folder of a counter's boards, relative to the output root.
pub fn unit_dir(u: &SiteUnit) -> String {
    let seg = id_segment(&u.u.id);
    if RESERVED.contains(&seg.as_str()) {
        format!("boards/{seg}-don-vi")
    } else {
        format!("boards/{seg}")
    }
}

/// The detail sheet of the procedure whose page is at `url`.
pub fn sheet_path(url: &str) -> String {
    format!("boards/{url}")
}

/// The shared sheet set of level `level`, whole (`None`) or one field's part.
fn set_path(site: &Site, level: usize, field: Option<usize>) -> String {
    let l = id_segment(&site.levels[level].l.id);
    match field {
        None => format!("boards/phieu/{l}.html"),
        Some(f) => format!("boards/phieu/{l}.{}.html", id_segment(&site.fields[f].f.id)),
    }
}

/// The shared set of a level on the boards index.
fn set_anchor(site: &Site, level: usize) -> String {
    format!("phieu-{}", id_segment(&site.levels[level].l.id))
}

/// A counter's own print document for one field (when its own sheets are split).
fn part_file(site: &Site, field: usize) -> String {
    format!("print-{}.html", id_segment(&site.fields[field].f.id))
}

/// Whether `path` is a document staff print (what `niemyet boards` lists for them).
pub fn is_print_document(path: &str) -> bool {
    path.starts_with("boards/phieu/")
        || (path.starts_with("boards/")
            && path
                .rsplit('/')
                .next()
                .is_some_and(|n| n.starts_with("print")))
}

/// Every board of the site (part of `niemyet build`).
pub fn render(ctx: &RenderContext) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    render_selected(ctx, &Selection::default())
}

/// Procedures by field, in `fields.yaml` order, alphabetical within.
type Groups = Vec<(usize, Vec<usize>)>;

/// Which print document holds each posted procedure's sheet.
struct Plan {
    units: Vec<UnitPlan>,
    /// The shared sheet set of each level (empty when no procedure is posted by every counter
    /// of the level).
    sets: Vec<SheetSet>,
}

struct UnitPlan {
    /// Everything the counter posts, as its list board shows it.
    posted: Groups,
    count: usize,
    /// What the counter's own print documents hold: the procedures it posts that are not in
    /// its level's shared set.
    own: Groups,
    own_count: usize,
    /// Own sheets in one document per field.
    split: bool,
    /// The fields of those documents: those of its own sheets, or with `--field`, every
    /// selected field it posts (each document then starts with that field's list).
    parts: Vec<usize>,
}

struct SheetSet {
    groups: Groups,
    count: usize,
    split: bool,
}

/// The level whose shared set holds procedure `i`'s sheet: the one whose counters are exactly
/// the counters that post it.
fn shared_level(site: &Site, i: usize) -> Option<usize> {
    let units = &site.procedures[i].units;
    let level = site.units.get(*units.first()?)?.level;
    let all = &site.levels.get(level)?.units;
    if units == all {
        return Some(level);
    }
    let mut sorted = units.clone();
    sorted.sort_unstable();
    sorted.dedup();
    (sorted == *all).then_some(level)
}

fn by_field(site: &Site, idx: impl Iterator<Item = usize>) -> Groups {
    let mut by_field: Vec<Vec<usize>> = vec![Vec::new(); site.fields.len()];
    for i in idx {
        by_field[site.procedures[i].field].push(i);
    }
    by_field
        .into_iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn count(groups: &Groups) -> usize {
    groups.iter().map(|(_, v)| v.len()).sum()
}

impl Plan {
    fn new(ctx: &RenderContext, sel: &Selection) -> Plan {
        let site = ctx.site;
        let shared: Vec<Option<usize>> = (0..site.procedures.len())
            .map(|i| shared_level(site, i))
            .collect();
        let split = |n: usize| n > PRINT_SPLIT || sel.fields.is_some();
        let units = site
            .units
            .iter()
            .map(|u| {
                let posted = posted(ctx, u, sel);
                let own = by_field(
                    site,
                    posted
                        .iter()
                        .flat_map(|(_, v)| v.iter().copied())
                        .filter(|&i| shared[i].is_none()),
                );
                let own_count = count(&own);
                let parts = if sel.fields.is_some() { &posted } else { &own };
                UnitPlan {
                    count: count(&posted),
                    parts: parts.iter().map(|(f, _)| *f).collect(),
                    posted,
                    own,
                    own_count,
                    split: split(own_count),
                }
            })
            .collect();
        let sets = (0..site.levels.len())
            .map(|l| {
                let groups = by_field(
                    site,
                    (0..site.procedures.len()).filter(|&i| {
                        shared[i] == Some(l)
                            && !ctx.rows[i].abolished
                            && sel.has_field(site.procedures[i].field)
                    }),
                );
                let count = count(&groups);
                SheetSet {
                    groups,
                    count,
                    split: split(count),
                }
            })
            .collect();
        Plan { units, sets }
    }

    /// Whether the shared set of `level` serves a selected counter.
    fn set_selected(&self, ctx: &RenderContext, sel: &Selection, level: usize) -> bool {
        self.sets[level].count > 0
            && ctx.site.levels[level]
                .units
                .iter()
                .any(|&u| sel.has_unit(u))
    }

    /// The print documents of the shared set of `level`: (its field, or `None` for the whole
    /// set; the procedures it holds, in list order).
    fn set_documents(&self, level: usize) -> Vec<(Option<usize>, Vec<usize>)> {
        let set = &self.sets[level];
        if set.split {
            set.groups
                .iter()
                .map(|(f, v)| (Some(*f), v.clone()))
                .collect()
        } else if set.count > 0 {
            let all = set.groups.iter().flat_map(|(_, v)| v.iter().copied());
            vec![(None, all.collect())]
        } else {
            Vec::new()
        }
    }
}

/// Whether a partial rebuild (`serve`) must re-render a print document that holds `idx` and
/// names, or is shared by, `units`: one of its sheets changed, or one of its counters' lists
/// did (a procedure joined or left it).
fn document_wanted<'a>(
    ctx: &RenderContext,
    mut idx: impl Iterator<Item = &'a usize>,
    units: &[usize],
) -> bool {
    match &ctx.scope {
        None => true,
        Some(scope) => {
            units.iter().any(|u| scope.units.contains(u))
                || idx.any(|i| scope.procedures.contains(i))
        }
    }
}

/// Every path [`render`] writes, without rendering (for partial rebuilds in `serve`).
pub fn paths(ctx: &RenderContext) -> Vec<String> {
    let site = ctx.site;
    let sel = Selection::default();
    let plan = Plan::new(ctx, &sel);
    let mut out = vec![INDEX.to_string(), FEEDBACK.to_string()];
    let mut needed = vec![false; site.procedures.len()];
    for (u, up) in site.units.iter().zip(&plan.units) {
        let dir = unit_dir(u);
        if up.split {
            for fi in &up.parts {
                out.push(format!("{dir}/{}", part_file(site, *fi)));
            }
        }
        for file in ["danh-muc.html", "print.html", "index.html"] {
            out.push(format!("{dir}/{file}"));
        }
        for (_, idx) in &up.posted {
            for &i in idx {
                needed[i] = true;
            }
        }
    }
    for level in 0..site.levels.len() {
        for (f, _) in plan.set_documents(level) {
            out.push(set_path(site, level, f));
        }
    }
    for (i, n) in needed.iter().enumerate() {
        if *n {
            out.push(sheet_path(&ctx.rows[i].url));
        }
    }
    out
}

/// A row of a list board (the same fields as [`RowCells`], numbered; not `serde(flatten)`:
/// Tera would allocate every key of a flattened map).
#[derive(Serialize)]
struct BoardRow<'a> {
    no: usize,
    code: &'a Value,
    title: &'a Value,
    duration: &'a Value,
    fee: &'a Value,
    channels: &'a Value,
    online: &'a Value,
    sheet: &'a Value,
}

/// The cells of a procedure's row on every list board that shows it, as template values made
/// once (a commune procedure is on 99 counters' lists; values clone by reference count).
struct RowCells {
    code: Value,
    title: Value,
    duration: Value,
    fee: Value,
    channels: Value,
    online: Value,
    sheet: Value,
}

impl RowCells {
    fn new(row: &ProcedureRow, facts: &ProcedureFacts) -> RowCells {
        RowCells {
            code: row.code.as_str().into(),
            title: row.title.as_str().into(),
            duration: row.duration.as_str().into(),
            fee: row.fee.as_str().into(),
            channels: facts.channels.as_str().into(),
            online: facts.online_level.as_str().into(),
            sheet: sheet_path(&row.url).into(),
        }
    }
}

#[derive(Serialize)]
struct FieldGroup<'a> {
    id: String,
    numeral: String,
    name: &'a str,
    rows: Vec<BoardRow<'a>>,
}

/// A counter's procedures as posted: by field (in `fields.yaml` order), alphabetical within,
/// abolished ones left off the wall. Returns `(field index, procedure indexes)`.
fn posted(ctx: &RenderContext, u: &SiteUnit, sel: &Selection) -> Vec<(usize, Vec<usize>)> {
    let mut by_field: Vec<Vec<usize>> = vec![Vec::new(); ctx.site.fields.len()];
    for &i in &u.procedures {
        let sp = &ctx.site.procedures[i];
        if !ctx.rows[i].abolished && sel.has_field(sp.field) {
            by_field[sp.field].push(i);
        }
    }
    by_field
        .into_iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn field_group<'a>(run: &'a Run, n: usize, fi: usize, idx: &[usize]) -> FieldGroup<'a> {
    let ctx = run.ctx;
    let f = &ctx.site.fields[fi];
    FieldGroup {
        id: id_segment(&f.f.id),
        numeral: roman(n),
        name: &f.f.name,
        rows: idx
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let c = run.cells[i].get_or_init(|| RowCells::new(&ctx.rows[i], &ctx.facts[i]));
                BoardRow {
                    no: k + 1,
                    code: &c.code,
                    title: &c.title,
                    duration: &c.duration,
                    fee: &c.fee,
                    channels: &c.channels,
                    online: &c.online,
                    sheet: &c.sheet,
                }
            })
            .collect(),
    }
}

/// `I`, `II`, … for the field headings of a list board, as announcing decisions number them.
pub fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// A CSS string literal that cannot end the string or the `<style>` element it sits in.
fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3C "),
            '>' => out.push_str("\\3E "),
            '\n' | '\r' => out.push_str("\\A "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The running footer of every printed page of one sheet: a named page with margin boxes
/// (Chromium 131+); in a print set each sheet brings its own, so each page names its own
/// procedure code.
fn page_style(element_id: &str, left: &str, right: &str) -> String {
    format!(
        "<style>#{element_id}{{page:{element_id}}}@page {element_id}{{@bottom-left{{content:{}}}@bottom-right{{content:{} counter(page)}}}}</style>",
        css_string(left),
        css_string(right)
    )
}

/// A part of board pages, as bytes: they are only ever written out (`render` would check the
/// UTF-8 of every sheet again; Tera only writes valid UTF-8).
fn fragment(ctx: &RenderContext, template: &str, c: Context) -> Result<Vec<u8>, RenderError> {
    sized_fragment(ctx, template, c, 8 * 1024)
}

/// [`fragment`] into a buffer of `capacity` bytes (a list board's rows, sized once).
fn sized_fragment(
    ctx: &RenderContext,
    template: &str,
    mut c: Context,
    capacity: usize,
) -> Result<Vec<u8>, RenderError> {
    c.insert("root", FRAGMENT_ROOT);
    ctx.engine.add_globals(&mut c);
    let mut out = Vec::with_capacity(capacity);
    ctx.engine
        .render_to(template, &c, &mut out)
        .map_err(|message| RenderError {
            what: format!("{template} (a board)"),
            message,
        })?;
    Ok(out)
}

/// Wrap already rendered fragments in the board page skeleton without copying them through the
/// template engine: the skeleton is rendered around a marker and the fragments spliced in as
/// they are written.
fn page(
    ctx: &RenderContext,
    path: &str,
    title: &str,
    parts: &[&[u8]],
) -> Result<Vec<OutputFile>, RenderError> {
    const MARK: &str = "\u{1}niemyet-board-body\u{1}";
    let mut c = Context::new();
    c.insert("title", title);
    c.insert("body_class", "print");
    c.insert("head", "");
    c.insert("body", MARK);
    let shell = ctx.engine.render("boards/page.html", path, c)?.data;
    let at = shell.windows(MARK.len()).position(|w| w == MARK.as_bytes());
    let Some((before, after)) = at.map(|at| (&shell[..at], &shell[at + MARK.len()..])) else {
        return Err(RenderError {
            what: path.to_string(),
            message: "the theme's boards/page.html must output `{{ body | safe }}`".into(),
        });
    };
    let mut all = Vec::with_capacity(parts.len() + 2);
    all.push(before);
    all.extend_from_slice(parts);
    all.push(after);
    ctx.emit_parts(path, &all)
}

/// A rendered detail sheet, or the error (what, message) that stopped it.
type SheetResult = Result<Vec<u8>, (String, String)>;
type Sheets = Vec<Option<std::sync::Arc<SheetResult>>>;

/// The detail sheet of procedure `i` (shared by every counter that posts it).
/// `value`: the procedure's view as Tera values, when the caller has converted it already.
fn sheet_fragment(
    ctx: &RenderContext,
    i: usize,
    p: &ProcedureView,
    value: Option<&Value>,
    base_url: &str,
    footer_right: &str,
    posting_date: &str,
) -> Result<Vec<u8>, RenderError> {
    let site = ctx.site;
    let t = |k: &str| ctx.engine.i18n.t(k).to_string();
    let slug = &site.procedures[i].slug;
    let id = format!("p-{slug}");
    let mut c = Context::new();
    match value {
        Some(v) => c.insert("p", v),
        None => c.insert("p", p),
    }
    c.insert("id", &id);
    let forms: Vec<(&str, &str)> = p
        .documents
        .iter()
        .filter(|d| !d.form_url.is_empty())
        .map(|d| (d.name.as_str(), d.form_name.as_str()))
        .collect();
    c.insert("forms", &forms);
    c.insert(
        "page_style",
        &page_style(
            &id,
            &format!("{}: {}", t("proc.code"), p.code),
            footer_right,
        ),
    );
    let web_url = format!("{base_url}{}", p.url);
    let qr = if base_url.is_empty() {
        String::new()
    } else {
        qr::qr_svg(&web_url).map_err(|message| RenderError {
            what: sheet_path(&p.url),
            message,
        })?
    };
    // Not `qr`, which held the path of an image file before: a site's older sheet template
    // then shows no code rather than markup inside `src`.
    c.insert("qr_svg", &qr);
    c.insert("web_url", &web_url);
    c.insert("posting_date", &posting_date);
    fragment(ctx, "boards/sheet.html", c)
}

/// One print document a clerk prints for a counter's wall, as the index pages list it.
#[derive(Serialize)]
struct PrintDocument {
    /// Relative to the output root.
    path: String,
    name: String,
    count: usize,
}

/// What every job of a run shares.
struct Run<'a> {
    ctx: &'a RenderContext<'a>,
    plan: Plan,
    posting_date: String,
    base_url: &'a str,
    /// The right-hand footer of every printed page: posting date and page number.
    footer_right: String,
    feedback: Vec<u8>,
    /// Each procedure's list board cells, made when a list first shows it.
    cells: Vec<std::sync::OnceLock<RowCells>>,
}

enum Job {
    Index,
    Feedback,
    Sheet(usize),
    /// A counter's list board, print.html and index.
    Unit(usize),
    /// A split counter's own print document for one field.
    Part(usize, usize),
    /// The shared sheet set of a level, whole or one field's part.
    Set(usize, Option<usize>),
}

/// The boards of the selected counters and fields, with the shared sheet sets they print.
/// The top index is written only when everything is selected; per-field print documents are
/// written for sets and counters above [`PRINT_SPLIT`], and for all when fields are selected.
pub fn render_selected(
    ctx: &RenderContext,
    sel: &Selection,
) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    let site = ctx.site;
    let posting_date = format::date_dmy(ctx.posting_date);
    let t = |k: &str| ctx.engine.i18n.t(k).to_string();
    let footer_right = format!(
        "{}: {posting_date} · {} ",
        t("boards.posted"),
        t("boards.page")
    );
    let mut run = Run {
        ctx,
        plan: Plan::new(ctx, sel),
        base_url: site.content.site.base_url.as_deref().unwrap_or(""),
        posting_date,
        footer_right,
        feedback: Vec::new(),
        cells: (0..site.procedures.len())
            .map(|_| std::sync::OnceLock::new())
            .collect(),
    };
    let plan = &run.plan;
    let n = site.procedures.len();

    // Which documents this run writes (a partial rebuild only those its scope touches, see
    // `document_wanted`), and which sheets they need: those of whole documents are rendered
    // first and kept to the end; the others a field at a time, dropped when the field is done
    // (detail sheets are the bulk of the boards' memory).
    let mut sheet_needed = vec![false; n];
    let mut kept = vec![false; n];
    let mut jobs: Vec<Job> = Vec::new();
    let mut field_jobs: Vec<Vec<Job>> = (0..site.fields.len()).map(|_| Vec::new()).collect();
    let mut needed = vec![false; n];
    for (ui, up) in plan.units.iter().enumerate() {
        if !sel.has_unit(ui) {
            continue;
        }
        for (_, idx) in &up.posted {
            for &i in idx {
                needed[i] = true;
            }
        }
        if up.split {
            for &fi in &up.parts {
                let own: &[usize] = up
                    .own
                    .iter()
                    .find(|(f, _)| *f == fi)
                    .map_or(&[], |(_, v)| v);
                if document_wanted(ctx, own.iter(), &[ui]) {
                    own.iter().for_each(|&i| sheet_needed[i] = true);
                    field_jobs[fi].push(Job::Part(ui, fi));
                }
            }
        }
        let own = up.own.iter().flat_map(|(_, v)| v.iter());
        if sel.fields.is_none() && document_wanted(ctx, own.clone(), &[ui]) {
            if !up.split {
                own.for_each(|&i| {
                    sheet_needed[i] = true;
                    kept[i] = true;
                });
            }
            jobs.push(Job::Unit(ui));
        }
    }
    for level in 0..site.levels.len() {
        if !plan.set_selected(ctx, sel, level) {
            continue;
        }
        for (field, idx) in plan.set_documents(level) {
            if !document_wanted(ctx, idx.iter(), &site.levels[level].units) {
                continue;
            }
            for &i in &idx {
                sheet_needed[i] = true;
                kept[i] |= field.is_none();
            }
            match field {
                Some(fi) => field_jobs[fi].push(Job::Set(level, Some(fi))),
                None => jobs.push(Job::Set(level, None)),
            }
        }
    }
    for i in 0..n {
        if needed[i] && ctx.wants_procedure(i) {
            sheet_needed[i] = true;
            let fi = site.procedures[i].field;
            field_jobs[fi].push(Job::Sheet(i));
        }
    }
    if sel.all() && ctx.wants_all_rows() {
        jobs.push(Job::Index);
    }
    if sel.fields.is_none() && ctx.is_full() {
        jobs.push(Job::Feedback);
    }

    // Every procedure is in exactly one call (the kept ones, or those of one field), so with
    // `pages_with_sheets` each page is rendered once, here, from the values of its sheet.
    let pages = ctx.pages_with_sheets();
    let page_results: std::sync::Mutex<(Vec<OutputFile>, Vec<RenderError>)> = Default::default();
    let render_sheets = |run: &Run, want: &(dyn Fn(usize) -> bool + Sync)| -> Sheets {
        (0..n)
            .into_par_iter()
            .with_max_len(crate::WORK_PIECE)
            .map(|i| {
                if !want(i) || !(pages || sheet_needed[i]) {
                    return None;
                }
                let view = ctx.view(i);
                let value = pages.then(|| Value::from_serializable(&*view));
                if let Some(v) = &value {
                    let page =
                        super::website::procedure_page(ctx, i, v).and_then(|f| ctx.emit(vec![f]));
                    let mut done = page_results.lock().unwrap_or_else(|e| e.into_inner());
                    match page {
                        Ok(files) => done.0.extend(files),
                        Err(e) => done.1.push(e),
                    }
                }
                sheet_needed[i].then(|| {
                    ctx.fragment("boards.sheet", i, || {
                        sheet_fragment(
                            ctx,
                            i,
                            &view,
                            value.as_ref(),
                            run.base_url,
                            &run.footer_right,
                            &run.posting_date,
                        )
                        .map_err(|e| (e.what, e.message))
                    })
                })
            })
            .collect()
    };
    let sheet_errors = |sheets: &Sheets| -> Vec<RenderError> {
        sheets
            .iter()
            .filter_map(|s| match s.as_deref() {
                Some(Err((what, message))) => Some(RenderError {
                    what: what.clone(),
                    message: message.clone(),
                }),
                _ => None,
            })
            .collect()
    };
    let mut errors = Vec::new();
    {
        let mut c = Context::new();
        c.insert("id", "feedback");
        c.insert(
            "page_style",
            &page_style("feedback", &site.content.site.authority, &run.footer_right),
        );
        c.insert("posting_date", &run.posting_date);
        match fragment(ctx, "boards/feedback.html", c) {
            Ok(f) => run.feedback = f,
            Err(e) => errors.push(e),
        }
    }
    let run = run;
    let kept_sheets = render_sheets(&run, &|i| kept[i]);
    errors.extend(sheet_errors(&kept_sheets));

    let exec = |sheets: &Sheets, jobs: &[Job], errors: &mut Vec<RenderError>| {
        let results: Vec<Result<Vec<OutputFile>, RenderError>> = jobs
            .par_iter()
            .with_max_len(crate::WORK_PIECE)
            .map(|job| render_job(&run, sheets, job).and_then(|f| ctx.emit(f)))
            .collect();
        let mut out = Vec::new();
        for r in results {
            match r {
                Ok(files) => out.extend(files),
                Err(e) => errors.push(e),
            }
        }
        out
    };
    let mut out = Vec::new();
    let failed_before = !errors.is_empty();
    // Fields in parallel: with work stealing only a few are in flight at once. Beside them
    // from the start, the documents of kept sheets: a provincial counter's list board and
    // index (thousands of rows each), left to the end, kept one core busy alone.
    let by_field = || -> Vec<(Vec<OutputFile>, Vec<RenderError>)> {
        field_jobs
            .par_iter()
            .enumerate()
            .map(|(fi, jobs)| {
                let batch = render_sheets(&run, &|i| site.procedures[i].field == fi && !kept[i]);
                let mut errors = sheet_errors(&batch);
                // After an error, sheets are still rendered to report every error, but nothing
                // is written.
                if failed_before || !errors.is_empty() {
                    return (Vec::new(), errors);
                }
                let sheets: Sheets = batch
                    .into_iter()
                    .zip(&kept_sheets)
                    .map(|(b, k)| b.or_else(|| k.clone()))
                    .collect();
                let out = exec(&sheets, jobs, &mut errors);
                (out, errors)
            })
            .collect()
    };
    let whole = || {
        let mut errors = Vec::new();
        // After an error in the kept sheets nothing is rendered. One found meanwhile in a
        // field's sheets fails the run all the same, and a failed run's outputs are never
        // put in place (a build drops its staging folder).
        let out = if failed_before {
            Vec::new()
        } else {
            exec(&kept_sheets, &jobs, &mut errors)
        };
        (out, errors)
    };
    let (by_field, whole) = rayon::join(by_field, whole);
    let page_results = page_results.into_inner().unwrap_or_else(|e| e.into_inner());
    for (files, errs) in by_field.into_iter().chain([whole, page_results]) {
        out.extend(files);
        errors.extend(errs);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn sheets_of<'s>(sheets: &'s Sheets, idx: &[usize]) -> Vec<&'s [u8]> {
    idx.iter()
        .filter_map(|&i| sheets[i].as_deref()?.as_deref().ok())
        .collect()
}

impl Run<'_> {
    fn t(&self, k: &str) -> String {
        self.ctx.engine.i18n.t(k).to_string()
    }

    /// The name of a shared set's document, as the index pages and its own title show it.
    fn set_name(&self, level: usize, field: Option<usize>) -> String {
        let site = self.ctx.site;
        let mut name = format!(
            "{} – {}",
            self.t("boards.shared_set"),
            site.levels[level].l.name
        );
        if let Some(f) = field {
            name.push_str(" – ");
            name.push_str(&site.fields[f].f.name);
        }
        name
    }

    /// The shared documents a counter prints: its level's set.
    fn shared_documents(&self, ui: usize) -> Vec<PrintDocument> {
        let level = self.ctx.site.units[ui].level;
        if self.plan.sets.get(level).is_none_or(|s| s.count == 0) {
            return Vec::new();
        }
        self.plan
            .set_documents(level)
            .into_iter()
            .map(|(f, idx)| PrintDocument {
                path: set_path(self.ctx.site, level, f),
                name: self.set_name(level, f),
                count: idx.len(),
            })
            .collect()
    }

    /// A counter's own per-field documents (when its own sheets are split).
    fn own_parts(&self, ui: usize) -> Vec<PrintDocument> {
        let site = self.ctx.site;
        let up = &self.plan.units[ui];
        if !up.split {
            return Vec::new();
        }
        let dir = unit_dir(&site.units[ui]);
        up.parts
            .iter()
            .map(|&fi| PrintDocument {
                path: format!("{dir}/{}", part_file(site, fi)),
                name: format!("{} – {}", self.t("boards.own_part"), site.fields[fi].f.name),
                count: up
                    .own
                    .iter()
                    .find(|(f, _)| *f == fi)
                    .map_or(0, |(_, v)| v.len()),
            })
            .collect()
    }

    /// A counter's list board of `groups` (a list of [`FieldGroup`] values).
    fn list_fragment(&self, ui: usize, groups: Value) -> Result<Vec<u8>, RenderError> {
        let u = &self.ctx.site.units[ui];
        let mut c = Context::new();
        c.insert("unit", &unit_item(self.ctx.site, u));
        c.insert_value("groups", groups);
        c.insert("id", "list");
        c.insert(
            "page_style",
            &page_style("list", &u.u.name, &self.footer_right),
        );
        c.insert("posting_date", &self.posting_date);
        let rows = self.plan.units[ui].count;
        sized_fragment(
            self.ctx,
            "boards/list.html",
            c,
            8 * 1024 + rows * super::ROW_BYTES,
        )
    }
}

fn render_job(run: &Run, sheets: &Sheets, job: &Job) -> Result<Vec<OutputFile>, RenderError> {
    let ctx = run.ctx;
    let site = ctx.site;
    let plan = &run.plan;
    match *job {
        Job::Index => {
            #[derive(Serialize)]
            struct Counter {
                name: String,
                level: String,
                dir: String,
                count: usize,
                /// The anchor of its level's shared set on this page, its name and size.
                set_id: String,
                set_name: String,
                set_count: usize,
            }
            #[derive(Serialize)]
            struct Set {
                id: String,
                level: String,
                counters: usize,
                count: usize,
                documents: Vec<PrintDocument>,
            }
            let counters: Vec<Counter> = site
                .units
                .iter()
                .enumerate()
                .map(|(ui, u)| {
                    let has_set = plan.sets[u.level].count > 0;
                    Counter {
                        name: u.u.name.clone(),
                        level: unit_item(site, u).level,
                        dir: unit_dir(u),
                        count: plan.units[ui].count,
                        set_id: if has_set {
                            set_anchor(site, u.level)
                        } else {
                            String::new()
                        },
                        set_name: if has_set {
                            run.set_name(u.level, None)
                        } else {
                            String::new()
                        },
                        set_count: plan.sets[u.level].count,
                    }
                })
                .collect();
            let sets: Vec<Set> = (0..site.levels.len())
                .filter(|&l| plan.sets[l].count > 0)
                .map(|l| Set {
                    id: set_anchor(site, l),
                    level: site.levels[l].l.name.clone(),
                    counters: site.levels[l].units.len(),
                    count: plan.sets[l].count,
                    documents: plan
                        .set_documents(l)
                        .into_iter()
                        .map(|(f, idx)| PrintDocument {
                            path: set_path(site, l, f),
                            name: run.set_name(l, f),
                            count: idx.len(),
                        })
                        .collect(),
                })
                .collect();
            let mut c = Context::new();
            c.insert("title", &run.t("boards.index_title"));
            c.insert("counters", &counters);
            c.insert("sets", &sets);
            c.insert("posting_date", &run.posting_date);
            Ok(vec![ctx.engine.render("boards/index.html", INDEX, c)?])
        }
        Job::Feedback => page(ctx, FEEDBACK, &run.t("feedback.title"), &[&run.feedback]),
        Job::Sheet(i) => {
            let p = &ctx.rows[i];
            page(
                ctx,
                &sheet_path(&p.url),
                &format!("{} – {}", p.code, p.title),
                &sheets_of(sheets, &[i]),
            )
        }
        Job::Set(level, field) => {
            let docs = plan.set_documents(level);
            let idx = docs
                .iter()
                .find(|(f, _)| *f == field)
                .map_or(&[][..], |(_, v)| v);
            let name = run.set_name(level, field);
            let mut c = Context::new();
            c.insert("name", &name);
            c.insert("level", &site.levels[level].l.name);
            c.insert("counters", &site.levels[level].units.len());
            c.insert("count", &idx.len());
            let note = fragment(ctx, "boards/set.html", c)?;
            let mut body = vec![note.as_slice()];
            body.extend(sheets_of(sheets, idx));
            page(ctx, &set_path(site, level, field), &name, &body)
        }
        Job::Unit(ui) => render_unit(run, sheets, ui),
        Job::Part(ui, fi) => {
            let u = &site.units[ui];
            let up = &plan.units[ui];
            let n = up.posted.iter().position(|(f, _)| *f == fi).unwrap_or(0);
            let listed = up
                .posted
                .iter()
                .find(|(f, _)| *f == fi)
                .map_or(&[][..], |(_, v)| v);
            let own = up
                .own
                .iter()
                .find(|(f, _)| *f == fi)
                .map_or(&[][..], |(_, v)| v);
            let groups = Value::from_serializable(&[field_group(run, n + 1, fi, listed)]);
            let list = run.list_fragment(ui, groups)?;
            let mut body = vec![list.as_slice()];
            body.extend(sheets_of(sheets, own));
            page(
                ctx,
                &format!("{}/{}", unit_dir(u), part_file(site, fi)),
                &format!("{} – {}", site.fields[fi].f.name, u.u.name),
                &body,
            )
        }
    }
}

/// A counter's list board, its `print.html` (list board, feedback notice, its own sheets) and
/// its index, which names every document of its wall set.
fn render_unit(run: &Run, sheets: &Sheets, ui: usize) -> Result<Vec<OutputFile>, RenderError> {
    let ctx = run.ctx;
    let site = ctx.site;
    let u = &site.units[ui];
    let up = &run.plan.units[ui];
    let dir = unit_dir(u);
    // Converted once for the list board and the index.
    let groups: Vec<FieldGroup> = up
        .posted
        .iter()
        .enumerate()
        .map(|(n, (fi, idx))| field_group(run, n + 1, *fi, idx))
        .collect();
    let groups = Value::from_serializable(&groups);
    let parts = run.own_parts(ui);
    let shared = run.shared_documents(ui);

    let mut out = Vec::new();
    let list = run.list_fragment(ui, groups.clone())?;
    out.extend(page(
        ctx,
        &format!("{dir}/danh-muc.html"),
        &format!("{} – {}", run.t("boards.list_title"), u.u.name),
        &[&list],
    )?);
    // print.html: a screen-only note naming the wall set's other documents, the list board,
    // the feedback notice, then the counter's own sheets in list order.
    let others: Vec<&PrintDocument> = parts.iter().chain(&shared).collect();
    let note;
    let mut body: Vec<&[u8]> = Vec::new();
    if !others.is_empty() {
        let mut c = Context::new();
        c.insert("documents", &others);
        note = fragment(ctx, "boards/parts.html", c)?;
        body.push(&note);
    }
    body.push(&list);
    body.push(&run.feedback);
    if !up.split {
        for (_, idx) in &up.own {
            body.extend(sheets_of(sheets, idx));
        }
    }
    out.extend(page(
        ctx,
        &format!("{dir}/print.html"),
        &format!("{} – {}", run.t("boards.print_title"), u.u.name),
        &body,
    )?);

    let mut c = Context::new();
    c.insert(
        "title",
        &format!("{} – {}", run.t("boards.unit_title"), u.u.name),
    );
    c.insert("unit", &unit_item(site, u));
    c.insert_value("groups", groups);
    c.insert("count", &up.count);
    c.insert("own_count", &if up.split { 0 } else { up.own_count });
    c.insert("parts", &parts);
    c.insert("shared", &shared);
    c.insert("posting_date", &run.posting_date);
    out.push(ctx.engine.render_listing(
        "boards/unit.html",
        &format!("{dir}/index.html"),
        up.count,
        c,
    )?);
    Ok(out)
}

/// Which counters and fields exist, for messages about unknown ids.
pub fn known_ids<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let mut seen = HashSet::new();
    ids.filter(|i| seen.insert(*i))
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals_number_the_fields() {
        for (n, r) in [
            (1, "I"),
            (4, "IV"),
            (9, "IX"),
            (14, "XIV"),
            (20, "XX"),
            (49, "XLIX"),
        ] {
            assert_eq!(roman(n), r);
        }
    }

    #[test]
    fn footer_text_cannot_break_out_of_its_style_element() {
        assert_eq!(css_string("1.001193"), "\"1.001193\"");
        assert_eq!(css_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert!(!css_string("</style><script>").contains('<'));
    }
}
