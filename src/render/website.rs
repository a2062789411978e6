//! The citizens' website: home, a page per procedure, per field, per level and per counter,
//! the A–Z list, the forms index, free pages, 404 and the sitemap.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;
use tera::{Context, Value};

use super::{Engine, OutputFile, RenderContext, RenderError, run_jobs, unit_item};
use crate::markdown;
use crate::site::paths;

#[derive(Clone, Copy)]
enum Job {
    Home,
    AToZ,
    Forms,
    NotFound,
    Sitemap,
    Procedure(usize),
    Field(usize),
    Level(usize),
    Unit(usize),
    Page(usize),
}

fn jobs(ctx: &RenderContext) -> Vec<Job> {
    let site = ctx.site;
    // The long listings first (A–Z, a level's or a provincial counter's thousands of rows):
    // started last, one of them would leave the other cores idle at the end.
    let mut jobs = vec![Job::AToZ, Job::Home];
    jobs.extend((0..site.levels.len()).map(Job::Level));
    jobs.extend((0..site.units.len()).map(Job::Unit));
    jobs.extend((0..site.fields.len()).map(Job::Field));
    jobs.extend([Job::Forms, Job::NotFound]);
    if site.content.site.base_url.is_some() {
        jobs.push(Job::Sitemap);
    }
    jobs.extend((0..site.procedures.len()).map(Job::Procedure));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs
}

fn job_path(ctx: &RenderContext, job: Job) -> String {
    let site = ctx.site;
    match job {
        Job::Home => paths::HOME.into(),
        Job::AToZ => paths::A_Z.into(),
        Job::Forms => paths::FORMS.into(),
        Job::NotFound => paths::NOT_FOUND.into(),
        Job::Sitemap => paths::SITEMAP.into(),
        Job::Procedure(i) => site.procedures[i].url.clone(),
        Job::Field(i) => site.fields[i].url.clone(),
        Job::Level(i) => site.levels[i].url.clone(),
        Job::Unit(i) => site.units[i].url.clone(),
        Job::Page(i) => site.pages[i].url.clone(),
    }
}

/// Whether a partial rebuild must render `job` (a full build renders all).
fn wanted(ctx: &RenderContext, job: Job) -> bool {
    match job {
        Job::Home | Job::AToZ | Job::Sitemap => ctx.wants_all_rows(),
        Job::Forms => ctx.wants_forms(),
        Job::NotFound | Job::Page(_) => ctx.is_full(),
        Job::Procedure(i) => ctx.wants_procedure(i) && !ctx.pages_with_sheets(),
        Job::Field(i) => ctx.wants_field(i),
        Job::Level(i) => ctx.wants_level(i),
        Job::Unit(i) => ctx.wants_unit(i),
    }
}

pub fn render(ctx: &RenderContext) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    let jobs: Vec<Job> = jobs(ctx).into_iter().filter(|&j| wanted(ctx, j)).collect();
    let rows = Rows {
        ctx,
        values: (0..ctx.rows.len()).map(|_| OnceLock::new()).collect(),
    };
    run_jobs(ctx, &jobs, |job| render_job(ctx, &rows, *job))
}

/// The listing rows as template values, each converted once for every listing that shows it
/// (a commune procedure is on its field's, its level's and 99 counters' pages; Tera values
/// clone by reference count), and dropped with the website's render.
struct Rows<'a> {
    ctx: &'a RenderContext<'a>,
    values: Vec<OnceLock<Value>>,
}

impl Rows<'_> {
    fn get(&self, i: usize) -> Value {
        self.values[i]
            .get_or_init(|| Value::from_serializable(&self.ctx.rows[i]))
            .clone()
    }

    fn of(&self, idx: &[usize]) -> Vec<Value> {
        idx.iter().map(|&i| self.get(i)).collect()
    }
}

/// Procedure `i`'s page from its view already converted into Tera values (`p`): what
/// `render_job` makes of `Job::Procedure(i)`. The boards call it with the values they made for
/// the procedure's detail sheet (see `RenderContext::pages_with_sheets`).
pub fn procedure_page(ctx: &RenderContext, i: usize, p: &Value) -> Result<OutputFile, RenderError> {
    let row = &ctx.rows[i];
    let mut c = Context::new();
    c.insert("p", p);
    c.insert("title", &row.title);
    ctx.engine.render("procedure.html", &row.url, c)
}

/// Every path a full build writes.
pub fn paths(ctx: &RenderContext) -> Vec<String> {
    jobs(ctx).into_iter().map(|j| job_path(ctx, j)).collect()
}

/// The 404 page, its links starting with `root`: the build's links from the path of
/// `base_url`, where the site is deployed; `serve`'s from `/`, where it serves the site.
pub fn not_found(engine: &Engine, root: &str) -> Result<OutputFile, RenderError> {
    let mut c = Context::new();
    c.insert("title", engine.i18n.t("notfound.title"));
    engine.render_with_root("404.html", paths::NOT_FOUND, root, c)
}

/// Rows (`ProcedureRow` values) grouped under a heading (a field, or a letter of the alphabet).
#[derive(Serialize)]
struct Group {
    id: String,
    name: String,
    rows: Vec<Value>,
}

fn by_field(ctx: &RenderContext, rows: &Rows, idx: &[usize]) -> Vec<Group> {
    ctx.site
        .fields
        .iter()
        .enumerate()
        .filter_map(|(fi, f)| {
            let rows: Vec<Value> = idx
                .iter()
                .filter(|&&i| ctx.site.procedures[i].field == fi)
                .map(|&i| rows.get(i))
                .collect();
            (!rows.is_empty()).then(|| Group {
                id: f.f.id.clone(),
                name: f.f.name.clone(),
                rows,
            })
        })
        .collect()
}

fn render_job(ctx: &RenderContext, rows: &Rows, job: Job) -> Result<OutputFile, RenderError> {
    let site = ctx.site;
    let engine = ctx.engine;
    let t = |k: &str| engine.i18n.t(k).to_string();
    let mut c = Context::new();
    match job {
        Job::Home => {
            let recent = rows.of(&site.recently_updated(8));
            c.insert("recent", &recent);
            engine.render("index.html", paths::HOME, c)
        }
        Job::AToZ => {
            let mut groups: Vec<Group> = Vec::new();
            for (i, row) in ctx.rows.iter().enumerate() {
                match groups.last_mut() {
                    Some(g) if g.name == row.letter => g.rows.push(rows.get(i)),
                    _ => groups.push(Group {
                        id: crate::text::slugify(&row.letter),
                        name: row.letter.clone(),
                        rows: vec![rows.get(i)],
                    }),
                }
            }
            // Letters that fold alike (`D`, `Đ`) need distinct anchors.
            for i in 1..groups.len() {
                if groups[..i].iter().any(|g| g.id == groups[i].id) {
                    groups[i].id = format!("{}-{i}", groups[i].id);
                }
            }
            c.insert("title", &t("az.title"));
            c.insert("groups", &groups);
            engine.render_listing("a-z.html", paths::A_Z, ctx.rows.len(), c)
        }
        Job::Forms => {
            #[derive(Serialize)]
            struct FormRow<'a> {
                name: &'a str,
                url: String,
                kind: String,
                size: String,
                used_by: Vec<(&'a str, &'a str)>,
            }
            // The procedures linking to each form, by the form's address as a view writes it.
            let mut users: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, sp) in site.procedures.iter().enumerate() {
                for d in &sp.p.documents {
                    if let Some(form) = &d.form {
                        let url = crate::views::url_path(&form.value.replace('\\', "/"));
                        let list = users.entry(url).or_default();
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                }
            }
            let forms: Vec<FormRow> = site
                .content
                .forms
                .iter()
                .map(|f| {
                    let (kind, size) = crate::views::form_label(&f.path, f.size);
                    let url = crate::views::url_path(&f.path);
                    let used_by = users
                        .get(&url)
                        .into_iter()
                        .flatten()
                        .map(|&i| (ctx.rows[i].title.as_str(), ctx.rows[i].url.as_str()))
                        .collect();
                    FormRow {
                        name: f.path.rsplit('/').next().unwrap_or(&f.path),
                        url,
                        kind,
                        size,
                        used_by,
                    }
                })
                .collect();
            c.insert("title", &t("forms.title"));
            c.insert("forms", &forms);
            engine.render("forms.html", paths::FORMS, c)
        }
        Job::NotFound => {
            let root = match &site.content.site.base_url {
                // Path-absolute (`/thutuc/…`), not `https://…`: same origin for the CSP, and
                // right at any depth the server shows it.
                Some(base) => base
                    .split_once("://")
                    .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
                    .unwrap_or("/")
                    .to_string(),
                None => super::root_prefix(paths::NOT_FOUND),
            };
            not_found(engine, &root)
        }
        Job::Sitemap => {
            let base = site.content.site.base_url.clone().unwrap_or_default();
            let mut urls: Vec<(String, String)> = vec![
                (format!("{base}{}", paths::HOME), String::new()),
                (format!("{base}{}", paths::A_Z), String::new()),
                (format!("{base}{}", paths::CHANGES), String::new()),
                (format!("{base}{}", paths::DATA), String::new()),
            ];
            if !site.results.is_empty() {
                urls.push((format!("{base}{}", paths::RESULTS), String::new()));
            }
            urls.extend(
                ctx.rows
                    .iter()
                    .zip(&ctx.facts)
                    .map(|(r, f)| (format!("{base}{}", r.url), f.updated_iso.clone())),
            );
            urls.extend(
                site.fields
                    .iter()
                    .map(|f| (format!("{base}{}", f.url), String::new())),
            );
            urls.extend(
                site.levels
                    .iter()
                    .map(|l| (format!("{base}{}", l.url), String::new())),
            );
            urls.extend(
                site.units
                    .iter()
                    .map(|u| (format!("{base}{}", u.url), String::new())),
            );
            urls.extend(
                site.pages
                    .iter()
                    .map(|p| (format!("{base}{}", p.url), String::new())),
            );
            c.insert("urls", &urls);
            engine.render("sitemap.xml", paths::SITEMAP, c)
        }
        Job::Procedure(i) => procedure_page(ctx, i, &Value::from_serializable(&*ctx.view(i))),
        Job::Field(i) => {
            let f = &site.fields[i];
            c.insert("title", &f.f.name);
            c.insert("kind", "field");
            c.insert("intro", &f.f.description.clone().unwrap_or_default());
            c.insert(
                "groups",
                &[Group {
                    id: f.f.id.clone(),
                    name: String::new(),
                    rows: rows.of(&f.procedures),
                }],
            );
            engine.render_listing("list.html", &f.url, f.procedures.len(), c)
        }
        Job::Level(i) => {
            let l = &site.levels[i];
            let units: Vec<_> = l
                .units
                .iter()
                .map(|&u| unit_item(site, &site.units[u]))
                .collect();
            c.insert("title", &l.l.name);
            c.insert("kind", "level");
            c.insert("intro", "");
            c.insert("units", &units);
            c.insert("groups", &by_field(ctx, rows, &l.procedures));
            engine.render_listing("list.html", &l.url, l.procedures.len(), c)
        }
        Job::Unit(i) => {
            let u = &site.units[i];
            c.insert("title", &u.u.name);
            c.insert("kind", "unit");
            c.insert("intro", "");
            c.insert("unit", &unit_item(site, u));
            c.insert("groups", &by_field(ctx, rows, &u.procedures));
            engine.render_listing("list.html", &u.url, u.procedures.len(), c)
        }
        Job::Page(i) => {
            let p = &site.pages[i];
            c.insert("title", &p.page.title);
            c.insert("body_html", &markdown::to_html(&p.page.body));
            engine.render("page.html", &p.url, c)
        }
    }
}
