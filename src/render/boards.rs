//! The notice boards a one-stop counter posts on its wall (Decree 63/2010/NĐ-CP, Circular
//! 02/2017/TT-VPCP): for each counter a list board, a detail sheet per procedure and the
//! feedback notice, plus `print.html`, the whole set in one document for A4.
//!
//! Output, under `boards/`:
//! - `index.html`: every counter's set;
//! - `<unit>/index.html`, `<unit>/danh-muc.html` (list board), `<unit>/print.html`, and, for a
//!   counter with more than [`PRINT_SPLIT`] procedures (or when asked with `--field`),
//!   `<unit>/print-<field>.html`;
//! - `thu-tuc/<slug>.html`: one detail sheet per procedure, shared by every counter;
//! - `qr/<slug>.svg`: the QR code of the procedure's web page (only when `base_url` is set);
//! - `phan-anh-kien-nghi.html`: the feedback notice (site-wide, the same for every counter).
//!
//! Each sheet is rendered once as an HTML fragment; pages and print sets concatenate fragments,
//! so 99 communes sharing 150 procedures cost 150 renders, not 14,850.

use std::collections::HashSet;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use super::{OutputFile, RenderContext, RenderError, tera_message, unit_item};
use crate::format;
use crate::site::{SiteUnit, id_segment};
use crate::views::ProcedureView;

/// A counter with more procedures than this gets one print document per field instead of one
/// for everything: a browser cannot lay out tens of thousands of pages in one go.
pub const PRINT_SPLIT: usize = 300;

pub const INDEX: &str = "boards/index.html";
pub const FEEDBACK: &str = "boards/phan-anh-kien-nghi.html";
/// Every board page but the top index lives two folders down, so fragments rendered with
/// this root prefix work in any of them.
const FRAGMENT_ROOT: &str = "../../";
/// Folder names under `boards/` that a counter's folder must not take.
const RESERVED: [&str; 2] = ["thu-tuc", "qr"];

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

pub fn sheet_path(p: &ProcedureView) -> String {
    format!("boards/{}", p.url)
}

fn qr_path(slug: &str) -> String {
    format!("boards/qr/{slug}.svg")
}

/// Every board of the site (part of `niemyet build`).
pub fn render(ctx: &RenderContext) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    render_selected(ctx, &Selection::default())
}

/// Whether a partial rebuild (`serve`) must re-render counter `u`'s boards: its list changed,
/// or a sheet in its print set did.
fn unit_wanted(ctx: &RenderContext, u: usize) -> bool {
    match &ctx.scope {
        None => true,
        Some(scope) => {
            scope.units.contains(&u)
                || ctx.site.units[u]
                    .procedures
                    .iter()
                    .any(|i| scope.procedures.contains(i))
        }
    }
}

/// Every path [`render`] writes, without rendering (for partial rebuilds in `serve`).
pub fn paths(ctx: &RenderContext) -> Vec<String> {
    let site = ctx.site;
    let sel = Selection::default();
    let base_url = site.content.site.base_url.as_deref().unwrap_or("");
    let mut out = vec![INDEX.to_string(), FEEDBACK.to_string()];
    let mut needed = vec![false; site.procedures.len()];
    for u in &site.units {
        let groups = posted(ctx, u, &sel);
        let count: usize = groups.iter().map(|(_, v)| v.len()).sum();
        let dir = unit_dir(u);
        if count > PRINT_SPLIT {
            for (fi, _) in &groups {
                out.push(format!(
                    "{dir}/print-{}.html",
                    id_segment(&site.fields[*fi].f.id)
                ));
            }
        }
        for file in ["danh-muc.html", "print.html", "index.html"] {
            out.push(format!("{dir}/{file}"));
        }
        for (_, idx) in groups {
            for i in idx {
                needed[i] = true;
            }
        }
    }
    for (i, n) in needed.iter().enumerate() {
        if *n {
            out.push(sheet_path(&ctx.procedures[i]));
            if !base_url.is_empty() {
                out.push(qr_path(&site.procedures[i].slug));
            }
        }
    }
    out
}

/// A row of a list board.
#[derive(Serialize)]
struct BoardRow<'a> {
    no: usize,
    code: &'a str,
    title: &'a str,
    duration: &'a str,
    fee: &'a str,
    channels: String,
    online: &'a str,
    sheet: String,
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
        if !ctx.procedures[i].abolished && sel.has_field(sp.field) {
            by_field[sp.field].push(i);
        }
    }
    by_field
        .into_iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn field_group<'a>(ctx: &'a RenderContext, n: usize, fi: usize, idx: &[usize]) -> FieldGroup<'a> {
    let f = &ctx.site.fields[fi];
    FieldGroup {
        id: id_segment(&f.f.id),
        numeral: roman(n),
        name: &f.f.name,
        rows: idx
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let p = &ctx.procedures[i];
                let mut channels: Vec<&str> = Vec::new();
                for c in &p.channels {
                    if !channels.contains(&c.method_name.as_str()) {
                        channels.push(&c.method_name);
                    }
                }
                BoardRow {
                    no: k + 1,
                    code: &p.code,
                    title: &p.title,
                    duration: &p.duration_short,
                    fee: &p.fee_short,
                    channels: channels.join(", "),
                    online: &p.online_level,
                    sheet: sheet_path(p),
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

struct Fragments {
    /// Detail sheets by procedure index (`None` when not needed for this run).
    sheets: Vec<Option<std::sync::Arc<SheetResult>>>,
    feedback: String,
    /// The right-hand footer of every printed page: posting date and page number.
    footer_right: String,
}

fn fragment(ctx: &RenderContext, template: &str, mut c: Context) -> Result<String, RenderError> {
    c.insert("root", FRAGMENT_ROOT);
    ctx.engine
        .tera
        .render(template, &c)
        .map_err(|e| RenderError {
            what: format!("{template} (a board)"),
            message: tera_message(&e),
        })
}

/// Wrap already rendered fragments in the board page skeleton without copying them through the
/// template engine: the skeleton is rendered around a marker and the fragments spliced in.
fn page(
    ctx: &RenderContext,
    path: &str,
    title: &str,
    class: &str,
    head: &str,
    parts: &[&str],
) -> Result<Vec<OutputFile>, RenderError> {
    const MARK: &str = "\u{1}niemyet-board-body\u{1}";
    let mut c = Context::new();
    c.insert("title", title);
    c.insert("body_class", class);
    c.insert("head", head);
    c.insert("body", MARK);
    let shell = ctx.engine.render("boards/page.html", path, c)?;
    let shell = String::from_utf8(shell.data).unwrap_or_default();
    let Some((before, after)) = shell.split_once(MARK) else {
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
type SheetResult = Result<String, (String, String)>;

/// The detail sheet of procedure `i` (shared by every counter that posts it).
fn sheet_fragment(
    ctx: &RenderContext,
    i: usize,
    base_url: &str,
    footer_right: &str,
    posting_date: &str,
) -> Result<String, RenderError> {
    let site = ctx.site;
    let t = |k: &str| ctx.engine.i18n.t(k).to_string();
    let p = &ctx.procedures[i];
    let slug = &site.procedures[i].slug;
    let id = format!("p-{slug}");
    let mut c = Context::new();
    c.insert("p", p);
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
    c.insert(
        "qr",
        &if base_url.is_empty() {
            String::new()
        } else {
            qr_path(slug)
        },
    );
    c.insert("web_url", &format!("{base_url}{}", p.url));
    c.insert("posting_date", &posting_date);
    fragment(ctx, "boards/sheet.html", c)
}

enum Job {
    Index,
    Feedback,
    Sheet(usize),
    Qr(usize),
    Unit(usize),
    /// The print set of a split counter for one field.
    Part(usize, usize),
}

/// The boards of the selected counters and fields. The top index is written only when
/// everything is selected; per-field print sets are written for split counters and for every
/// selected counter when fields are selected.
pub fn render_selected(
    ctx: &RenderContext,
    sel: &Selection,
) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    let site = ctx.site;
    let posting_date = format::date_dmy(ctx.posting_date);

    // The procedures on the selected counters' walls.
    let mut needed = vec![false; site.procedures.len()];
    for (ui, u) in site.units.iter().enumerate() {
        if sel.has_unit(ui) {
            for (_, idx) in posted(ctx, u, sel) {
                for i in idx {
                    needed[i] = true;
                }
            }
        }
    }

    let base_url = site.content.site.base_url.as_deref().unwrap_or("");
    let t = |k: &str| ctx.engine.i18n.t(k).to_string();
    let footer_right = format!(
        "{}: {posting_date} · {} ",
        t("boards.posted"),
        t("boards.page")
    );
    // A partial rebuild (`serve`) needs the sheets of the counters it re-renders: each is kept
    // between rebuilds while its procedure's view is unchanged.
    let wanted_units: Vec<bool> = (0..site.units.len())
        .map(|u| sel.has_unit(u) && unit_wanted(ctx, u))
        .collect();
    let mut sheet_needed = vec![false; site.procedures.len()];
    for (ui, u) in site.units.iter().enumerate() {
        if wanted_units[ui] {
            for (_, idx) in posted(ctx, u, sel) {
                for i in idx {
                    sheet_needed[i] = true;
                }
            }
        }
    }
    for (i, n) in needed.iter().enumerate() {
        if *n && ctx.wants_procedure(i) {
            sheet_needed[i] = true;
        }
    }
    // Detail sheets are the bulk of the boards' memory. Those a counter's single print set
    // (`print.html`) holds are rendered first and kept to the end; the others (their own page,
    // split print sets) are rendered a field at a time and dropped when the field is done.
    let split_units: Vec<bool> = site
        .units
        .iter()
        .enumerate()
        .map(|(ui, u)| {
            let count: usize = posted(ctx, u, sel).iter().map(|(_, v)| v.len()).sum();
            wanted_units[ui] && (count > PRINT_SPLIT || sel.fields.is_some())
        })
        .collect();
    let mut kept = vec![false; site.procedures.len()];
    for (ui, u) in site.units.iter().enumerate() {
        if wanted_units[ui] && !split_units[ui] {
            for (_, idx) in posted(ctx, u, sel) {
                for i in idx {
                    kept[i] = true;
                }
            }
        }
    }
    let render_sheets =
        |want: &(dyn Fn(usize) -> bool + Sync)| -> Vec<Option<std::sync::Arc<SheetResult>>> {
            (0..site.procedures.len())
                .into_par_iter()
                .map(|i| {
                    (sheet_needed[i] && want(i)).then(|| {
                        ctx.fragment("boards.sheet", i, || {
                            sheet_fragment(ctx, i, base_url, &footer_right, &posting_date)
                                .map_err(|e| (e.what, e.message))
                        })
                    })
                })
                .collect()
        };
    let sheet_errors = |sheets: &[Option<std::sync::Arc<SheetResult>>]| -> Vec<RenderError> {
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
    let mut frag = Fragments {
        sheets: render_sheets(&|i| kept[i]),
        feedback: String::new(),
        footer_right: footer_right.clone(),
    };
    errors.extend(sheet_errors(&frag.sheets));
    {
        let mut c = Context::new();
        c.insert("id", "feedback");
        c.insert(
            "page_style",
            &page_style("feedback", &site.content.site.authority, &footer_right),
        );
        c.insert("posting_date", &posting_date);
        match fragment(ctx, "boards/feedback.html", c) {
            Ok(f) => frag.feedback = f,
            Err(e) => errors.push(e),
        }
    }

    let run = |frag: &Fragments, jobs: &[Job], errors: &mut Vec<RenderError>| {
        let results: Vec<Result<Vec<OutputFile>, RenderError>> = jobs
            .par_iter()
            .map(|job| render_job(ctx, sel, frag, &posting_date, job).and_then(|f| ctx.emit(f)))
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
    // A partial rebuild renders only what its scope touches (see `unit_wanted`).
    // Fields in parallel: with work stealing only a few are in flight at once.
    let failed_before = !errors.is_empty();
    let by_field: Vec<(Vec<OutputFile>, Vec<RenderError>)> = (0..site.fields.len())
        .into_par_iter()
        .map(|fi| {
            let in_field = |i: usize| site.procedures[i].field == fi;
            let batch = render_sheets(&|i| in_field(i) && !kept[i]);
            let mut errors = sheet_errors(&batch);
            // After an error, sheets are still rendered to report every error, but nothing
            // is written.
            if failed_before || !errors.is_empty() {
                return (Vec::new(), errors);
            }
            let field_frag = Fragments {
                sheets: batch
                    .into_iter()
                    .zip(&frag.sheets)
                    .map(|(b, k)| b.or_else(|| k.clone()))
                    .collect(),
                feedback: String::new(),
                footer_right: footer_right.clone(),
            };
            let mut jobs: Vec<Job> = Vec::new();
            for (i, n) in needed.iter().enumerate() {
                if *n && in_field(i) && ctx.wants_procedure(i) {
                    jobs.push(Job::Sheet(i));
                    if !base_url.is_empty() {
                        jobs.push(Job::Qr(i));
                    }
                }
            }
            jobs.extend(
                (0..site.units.len())
                    .filter(|&u| split_units[u])
                    .map(|u| Job::Part(u, fi)),
            );
            let out = run(&field_frag, &jobs, &mut errors);
            (out, errors)
        })
        .collect();
    for (files, errs) in by_field {
        out.extend(files);
        errors.extend(errs);
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut jobs: Vec<Job> = Vec::new();
    if sel.all() && ctx.wants_all_rows() {
        jobs.push(Job::Index);
    }
    if sel.fields.is_none() && ctx.is_full() {
        jobs.push(Job::Feedback);
    }
    jobs.extend(
        (0..site.units.len())
            .filter(|&u| wanted_units[u])
            .map(Job::Unit),
    );
    out.extend(run(&frag, &jobs, &mut errors));
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn render_job(
    ctx: &RenderContext,
    sel: &Selection,
    frag: &Fragments,
    posting_date: &str,
    job: &Job,
) -> Result<Vec<OutputFile>, RenderError> {
    let site = ctx.site;
    let t = |k: &str| ctx.engine.i18n.t(k).to_string();
    match *job {
        Job::Index => {
            #[derive(Serialize)]
            struct Counter {
                name: String,
                level: String,
                dir: String,
                count: usize,
            }
            let counters: Vec<Counter> = site
                .units
                .iter()
                .map(|u| Counter {
                    name: u.u.name.clone(),
                    level: unit_item(site, u).level,
                    dir: unit_dir(u),
                    count: posted(ctx, u, sel).iter().map(|(_, v)| v.len()).sum(),
                })
                .collect();
            let mut c = Context::new();
            c.insert("title", &t("boards.index_title"));
            c.insert("counters", &counters);
            c.insert("posting_date", posting_date);
            Ok(vec![ctx.engine.render("boards/index.html", INDEX, c)?])
        }
        Job::Feedback => page(
            ctx,
            FEEDBACK,
            &t("feedback.title"),
            "print",
            "",
            &[&frag.feedback],
        ),
        Job::Sheet(i) => {
            let p = &ctx.procedures[i];
            let sheet = frag.sheets[i]
                .as_deref()
                .and_then(|s| s.as_deref().ok())
                .unwrap_or("");
            page(
                ctx,
                &sheet_path(p),
                &format!("{} – {}", p.code, p.title),
                "print",
                "",
                &[sheet],
            )
        }
        Job::Qr(i) => {
            let p = &ctx.procedures[i];
            let base = site.content.site.base_url.as_deref().unwrap_or("");
            let url = format!("{base}{}", p.url);
            let svg = qr_svg(&url).map_err(|message| RenderError {
                what: qr_path(&site.procedures[i].slug),
                message,
            })?;
            Ok(vec![OutputFile {
                path: qr_path(&site.procedures[i].slug),
                data: svg.into_bytes(),
            }])
        }
        Job::Unit(ui) => render_unit(ctx, sel, frag, posting_date, ui, None),
        Job::Part(ui, fi) => render_unit(ctx, sel, frag, posting_date, ui, Some(fi)),
    }
}

fn render_unit(
    ctx: &RenderContext,
    sel: &Selection,
    frag: &Fragments,
    posting_date: &str,
    ui: usize,
    part: Option<usize>,
) -> Result<Vec<OutputFile>, RenderError> {
    let site = ctx.site;
    let u = &site.units[ui];
    let t = |k: &str| ctx.engine.i18n.t(k).to_string();
    let dir = unit_dir(u);
    let groups_idx = posted(ctx, u, sel);
    let count: usize = groups_idx.iter().map(|(_, v)| v.len()).sum();
    let unit = unit_item(site, u);
    let list_title = format!("{} – {}", t("boards.list_title"), u.u.name);
    let split = count > PRINT_SPLIT || sel.fields.is_some();

    // The list board (all selected fields), or one list part per field for split print sets.
    let list_fragment = |groups: &[FieldGroup], id: &str| -> Result<String, RenderError> {
        let mut c = Context::new();
        c.insert("unit", &unit);
        c.insert("groups", groups);
        c.insert("id", id);
        c.insert("page_style", &page_style(id, &u.u.name, &frag.footer_right));
        c.insert("posting_date", posting_date);
        fragment(ctx, "boards/list.html", c)
    };
    let groups: Vec<FieldGroup> = groups_idx
        .iter()
        .enumerate()
        .map(|(n, (fi, idx))| field_group(ctx, n + 1, *fi, idx))
        .collect();
    let sheets_of = |idx: &[usize]| -> Vec<&str> {
        idx.iter()
            .filter_map(|&i| frag.sheets[i].as_deref()?.as_deref().ok())
            .collect()
    };

    #[derive(Serialize)]
    struct PrintPart {
        file: String,
        name: String,
        count: usize,
    }
    let mut out = Vec::new();
    let mut parts: Vec<PrintPart> = Vec::new();
    if split {
        for (n, (fi, idx)) in groups_idx.iter().enumerate() {
            let f = &site.fields[*fi];
            let file = format!("print-{}.html", id_segment(&f.f.id));
            parts.push(PrintPart {
                file: file.clone(),
                name: f.f.name.clone(),
                count: idx.len(),
            });
            // `part`: only that field's print set; `None`: everything but the print sets.
            if part != Some(*fi) {
                continue;
            }
            let list = list_fragment(&[field_group(ctx, n + 1, *fi, idx)], "list")?;
            let mut body: Vec<&str> = vec![&list];
            body.extend(sheets_of(idx));
            out.extend(page(
                ctx,
                &format!("{dir}/{file}"),
                &format!("{} – {}", f.f.name, u.u.name),
                "print",
                "",
                &body,
            )?);
        }
    }
    if part.is_some() || sel.fields.is_some() {
        return Ok(out);
    }

    let list = list_fragment(&groups, "list")?;
    out.extend(page(
        ctx,
        &format!("{dir}/danh-muc.html"),
        &list_title,
        "print",
        "",
        &[&list],
    )?);
    // print.html: the list board, the feedback notice, then every sheet in list order.
    let mut body: Vec<&str> = vec![&list, &frag.feedback];
    let parts_note;
    if split {
        let mut c = Context::new();
        c.insert("parts", &parts);
        parts_note = fragment(ctx, "boards/parts.html", c)?;
        body.insert(0, &parts_note);
    } else {
        for (_, idx) in &groups_idx {
            body.extend(sheets_of(idx));
        }
    }
    out.extend(page(
        ctx,
        &format!("{dir}/print.html"),
        &format!("{} – {}", t("boards.print_title"), u.u.name),
        "print",
        "",
        &body,
    )?);

    let mut c = Context::new();
    c.insert(
        "title",
        &format!("{} – {}", t("boards.unit_title"), u.u.name),
    );
    c.insert("unit", &unit);
    c.insert("groups", &groups);
    c.insert("count", &count);
    c.insert("parts", &parts);
    c.insert("posting_date", posting_date);
    out.push(
        ctx.engine
            .render("boards/unit.html", &format!("{dir}/index.html"), c)?,
    );
    Ok(out)
}

/// The QR code of `text` as a small SVG, with the 4-module quiet zone the standard asks for:
/// one stroked path, a row of modules a line, each run of dark modules a relative
/// `m<gap> 0h<len>` (about 2 KB for a procedure's address, a third of one rectangle a module).
pub fn qr_svg(text: &str) -> Result<String, String> {
    use qrcode::canvas::{Canvas, MaskPattern};
    use qrcode::{Color, EcLevel};
    use std::fmt::Write;
    let fail = |e: qrcode::types::QrError| format!("cannot make a QR code of {text}: {e}");
    let bits = qrcode::bits::encode_auto(text.as_bytes(), EcLevel::M).map_err(fail)?;
    let version = bits.version();
    let (data, ec) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).map_err(fail)?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    // One fixed mask: scoring all eight (what `QrCode::new` does) cost 0.6 ms a code, most of
    // the boards' time on a 10,000-procedure site. Every reader decodes any mask; the tests
    // decode every code of the example.
    canvas.apply_mask(MaskPattern::Checkerboard);
    let colors = canvas.into_colors();
    let w = version.width() as usize;
    let size = w + 8;
    let mut d = String::with_capacity(w * w / 2);
    for (y, row) in colors.chunks(w).enumerate() {
        // Where the pen is on this row; `None` until the row's first run.
        let mut pen: Option<usize> = None;
        let mut x = 0;
        while x < w {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < w && row[x] == Color::Dark {
                x += 1;
            }
            let _ = match pen {
                None => write!(d, "M{} {}.5h{}", start + 4, y + 4, x - start),
                Some(p) => write!(d, "m{} 0h{}", start - p, x - start),
            };
            pen = Some(x);
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path stroke=\"#000\" d=\"{d}\"/></svg>\n"
    ))
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

    #[test]
    fn qr_svg_has_a_quiet_zone_and_only_dark_runs() {
        let svg = qr_svg("https://thutuc.example.vn/thu-tuc/a.html").unwrap();
        assert!(svg.starts_with("<svg"));
        // Version 3 or 4 for a URL this long: 29 or 33 modules plus 8 of quiet zone.
        assert!(svg.contains("viewBox=\"0 0 37 37\"") || svg.contains("viewBox=\"0 0 41 41\""));
        assert!(!svg.contains("M0 ") && !svg.contains("M1 "));
        assert!(svg.len() < 2500, "{} bytes", svg.len());
    }
}
