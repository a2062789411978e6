//! Incremental rebuilds for `niemyet serve`. The engine keeps the loaded content, the views
//! of every procedure and the last good outputs in memory. When procedure files change it
//! re-reads only those files, rebuilds only their views, and asks the renderers for only the
//! outputs the change touches (the procedure's page and the listings that hold it before or
//! after the change); outputs are then compared by bytes, so only those that really changed
//! are reported. Any other change (site, fields, units, pages, forms, theme) or a change of
//! the site-wide numbers every page can show reloads and re-renders everything.
//!
//! Most edits keep every procedure in its place (same files; the changed ones keep their title,
//! code, field, level, counters and status): then the site model is rebuilt from the last
//! one's places, only the changed files are checked and get new views, renderers are told so
//! ([`Scope::stable`]) and their lists of paths are not asked for. The cost of such an edit
//! does not grow with the other procedures, but for the few outputs that hold them all (the
//! open-data files, compared and re-joined).
//!
//! The result after every update is byte-identical to a clean full build
//! (`tests/incremental.rs` checks that).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Content, Procedure, Status};
use crate::render::{Engine, Fragments, RENDERERS, RenderContext, Scope, SiteView};
use crate::site::{Place, Site, TitleKeys};
use crate::theme::Theme;
use crate::views::{self, ProcedureFacts, ProcedureRow, ProcedureView};
use crate::{Paths, format, load, validate};

/// What the order of procedures, their pages and the lists of outputs depend on: while an
/// edit leaves these alone, every procedure keeps its place, page and listings.
#[derive(PartialEq)]
struct Key {
    title: String,
    code: String,
    field: String,
    level: String,
    units: Vec<String>,
    abolished: bool,
}

impl Key {
    fn of(p: &Procedure) -> Key {
        Key {
            title: p.title.clone(),
            code: p.code.value.clone(),
            field: p.field.value.clone(),
            level: p.level.value.clone(),
            units: p.units.iter().map(|u| u.value.clone()).collect(),
            abolished: p.status == Status::Abolished,
        }
    }
}

/// The file and key of a procedure of the last good build.
struct Placed {
    file: OsString,
    key: Key,
}

/// A procedure's view, listing row and facts.
type Made = (ProcedureView, ProcedureRow, ProcedureFacts);

/// The last good build's procedures, by place in the site order.
struct Last {
    places: Vec<Place>,
    placed: Vec<Placed>,
    views: Vec<ProcedureView>,
    rows: Vec<ProcedureRow>,
    facts: Vec<ProcedureFacts>,
}

/// What one update did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// True when the content and theme built; false keeps the previous outputs.
    pub ok: bool,
    /// Every diagnostic of the current content (errors and warnings).
    pub diagnostics: Diagnostics,
    /// Outputs whose bytes are new or changed.
    pub changed: Vec<String>,
    /// Outputs that no longer exist.
    pub removed: Vec<String>,
    /// Whether everything was re-rendered (as opposed to what the change touches).
    pub full: bool,
    pub millis: f64,
}

pub struct Incremental {
    paths: Paths,
    /// The content folder and theme folder, resolved, to classify watched paths.
    content_abs: PathBuf,
    theme_abs: Option<PathBuf>,
    content: Option<Content>,
    /// Diagnostics of loading (per file), kept so one file can be re-read alone.
    load_diags: Diagnostics,
    theme: Option<Theme>,
    /// Each procedure's own checks (all but the uniqueness of its code), aligned with
    /// `content.procedures`; `None` until checked after a change.
    checks: Vec<Option<Vec<Diagnostic>>>,
    /// The checks of everything but procedures; `None` until checked after a change.
    site_checks: Option<Diagnostics>,
    /// The site order and views of the last good build.
    last: Option<Last>,
    /// The site-wide values of the last good build (counts show on many pages).
    site_view: String,
    /// Procedure files changed since the last good build.
    pending: HashSet<OsString>,
    /// A full rebuild is owed (first build, or a non-procedure change since the last good one).
    pending_full: bool,
    /// Last good outputs, per renderer.
    outputs: Vec<BTreeMap<String, Arc<Vec<u8>>>>,
    /// Sort keys and slugs of titles.
    titles: TitleKeys,
    /// The compiled templates, kept while the theme and the site-wide values stay the same.
    engine: Option<Engine>,
    /// Renderers' per-procedure fragments (search postings, data records, detail sheets).
    fragments: Fragments,
    /// The posting date of the last build.
    today: Option<jiff::civil::Date>,
    /// The 404 page as `serve` shows it (see [`Incremental::not_found_page`]).
    not_found: Option<Arc<Vec<u8>>>,
}

impl Incremental {
    pub fn new(paths: Paths) -> Incremental {
        let resolve = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        Incremental {
            content_abs: resolve(&paths.content),
            theme_abs: paths.theme.as_deref().map(resolve),
            paths,
            content: None,
            load_diags: Diagnostics::default(),
            theme: None,
            checks: Vec::new(),
            site_checks: None,
            last: None,
            site_view: String::new(),
            pending: HashSet::new(),
            pending_full: true,
            outputs: RENDERERS.iter().map(|_| BTreeMap::new()).collect(),
            titles: TitleKeys::default(),
            engine: None,
            fragments: Fragments::default(),
            today: None,
            not_found: None,
        }
    }

    /// The last good outputs, by path.
    pub fn outputs(&self) -> BTreeMap<&str, &[u8]> {
        self.outputs
            .iter()
            .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), &v[..])))
            .collect()
    }

    /// One output of the last good build.
    pub fn get(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        self.outputs.iter().find_map(|m| m.get(path)).cloned()
    }

    /// The 404 page of the last good build as `serve` shows it, for any unknown path: its
    /// links start from `/`, where `serve` puts the site, so they resolve at any depth
    /// whatever the path of `base_url` (the built `404.html` links from that path, where the
    /// site is deployed).
    pub fn not_found_page(&self) -> Option<Arc<Vec<u8>>> {
        self.not_found.clone()
    }

    /// Build everything from scratch.
    pub fn build_full(&mut self) -> Outcome {
        self.pending_full = true;
        self.update(&[])
    }

    /// Rebuild after the files at `changed` were written, created or deleted (paths as the
    /// file watcher reports them). Paths outside the content and theme folders are ignored.
    pub fn update(&mut self, changed: &[PathBuf]) -> Outcome {
        let start = Instant::now();
        let mut procedure_files = Vec::new();
        for path in changed {
            match self.classify(path) {
                Change::Procedure(p) => procedure_files.push(p),
                Change::Other => self.pending_full = true,
                Change::Ignored => {}
            }
        }
        if self.pending_full {
            self.reload_all();
        } else {
            for file in &procedure_files {
                let shown = self.reload_procedure(file);
                self.pending.insert(shown.into_os_string());
            }
        }
        let mut outcome = self.rebuild();
        outcome.millis = start.elapsed().as_secs_f64() * 1e3;
        outcome
    }

    fn classify(&self, path: &Path) -> Change {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(path)
        };
        // Deleted files cannot be resolved; their folder can.
        let abs = match (abs.parent(), abs.file_name()) {
            (Some(dir), Some(name)) => std::fs::canonicalize(dir)
                .map(|d| d.join(name))
                .unwrap_or(abs.clone()),
            _ => abs,
        };
        if let Some(theme) = &self.theme_abs
            && abs.starts_with(theme)
        {
            return Change::Other;
        }
        let Ok(rel) = abs.strip_prefix(&self.content_abs) else {
            return Change::Ignored;
        };
        let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        if name.starts_with('.') || name.ends_with('~') || rel.as_os_str().is_empty() {
            // Hidden files, editors' swap and backup files: never read by a build.
            Change::Ignored
        } else if rel.starts_with("procedures") {
            // Only YAML files there are procedures; other files are editors' temporary files,
            // but a folder moved in or out holds procedures.
            let path = self.paths.content.join(rel);
            let shown = path.strip_prefix(&self.paths.root).unwrap_or(&path);
            let held_procedures = self
                .content
                .as_ref()
                .is_some_and(|c| c.procedures.iter().any(|p| p.file.starts_with(shown)));
            if is_yaml {
                Change::Procedure(path)
            } else if abs.is_dir() || held_procedures {
                Change::Other
            } else {
                Change::Ignored
            }
        } else {
            Change::Other
        }
    }

    fn reload_all(&mut self) {
        self.fragments.clear();
        let (content, diags) = load::load(&self.paths.content, &self.paths.root);
        self.checks = vec![None; content.as_ref().map_or(0, |c| c.procedures.len())];
        self.site_checks = None;
        self.content = content;
        self.load_diags = diags;
        self.last = None;
        self.theme = None;
    }

    /// Re-read one procedure file (or drop it when it is gone), keeping the file order of a
    /// full load. Returns the file's path as procedures and diagnostics show it.
    fn reload_procedure(&mut self, file: &Path) -> PathBuf {
        let shown = file
            .strip_prefix(&self.paths.root)
            .unwrap_or(file)
            .to_path_buf();
        let Some(content) = &mut self.content else {
            self.pending_full = true;
            return shown;
        };
        self.load_diags.items.retain(|d| d.file != shown);
        // Content keeps the file order of a full load (a code used twice is an error in the
        // later file); `checks` stays aligned with it.
        let at = content
            .procedures
            .binary_search_by(|q| q.file.as_path().cmp(shown.as_path()));
        let loaded = if file.is_file() {
            let (p, d) = load::procedure_file(file, &self.paths.root);
            self.load_diags.extend(d);
            p
        } else {
            None
        };
        match (at, loaded) {
            (Ok(i), Some(p)) => {
                content.procedures[i] = p;
                self.checks[i] = None;
            }
            (Ok(i), None) => {
                content.procedures.remove(i);
                self.checks.remove(i);
            }
            (Err(i), Some(p)) => {
                content.procedures.insert(i, p);
                self.checks.insert(i, None);
            }
            (Err(_), None) => {}
        }
        shown
    }

    fn rebuild(&mut self) -> Outcome {
        let mut outcome = Outcome::default();
        let mut phases = crate::Phases::new();
        let Some(content) = &self.content else {
            outcome.diagnostics = self.load_diags.clone();
            if !outcome.diagnostics.has_errors() {
                outcome.diagnostics.push(Diagnostic::error(
                    &self.paths.content,
                    "the content folder could not be loaded",
                ));
            }
            outcome.diagnostics.sort();
            return outcome;
        };
        // Boards print the posting date and checks compare dates with today: a new day (a long
        // `serve` session) checks and renders anew.
        let today = format::today_vietnam();
        if self.today != Some(today) {
            self.fragments.clear();
            self.pending_full = true;
            self.checks.iter_mut().for_each(|c| *c = None);
            self.site_checks = None;
            self.today = Some(today);
        }

        // Checks: those of unchanged procedures are kept; codes are compared across all.
        let rules = validate::Rules { today };
        let mut diags = self.load_diags.clone();
        diags.extend(
            self.site_checks
                .get_or_insert_with(|| validate::site(content))
                .clone(),
        );
        let checker = validate::Checker::new(content, &rules);
        let unchecked: Vec<usize> = (0..self.checks.len())
            .filter(|&i| self.checks[i].is_none())
            .collect();
        let checked: Vec<Vec<Diagnostic>> = unchecked
            .par_iter()
            .map(|&i| checker.procedure(&content.procedures[i]))
            .collect();
        for (i, c) in unchecked.into_iter().zip(checked) {
            self.checks[i] = Some(c);
        }
        for c in self.checks.iter().flatten() {
            diags.items.extend(c.iter().cloned());
        }
        diags.extend(validate::codes(content.procedures.iter()));
        diags.sort();
        phases.mark("validate");
        if diags.has_errors() {
            outcome.diagnostics = diags;
            return outcome;
        }
        if self.theme.is_none() {
            self.engine = None;
            match Theme::load(self.paths.theme.as_deref()) {
                Ok(t) => self.theme = Some(t),
                Err(e) => {
                    diags.push(Diagnostic::error(Path::new("theme"), e.0));
                    outcome.diagnostics = diags;
                    return outcome;
                }
            }
        }
        let theme = self.theme.as_ref().expect("loaded above");

        // The site model: in the last build's order when no procedure's place can have moved.
        let last = if self.pending_full {
            None
        } else {
            self.last.take()
        };
        let stable_places = last
            .as_ref()
            .and_then(|l| stable_places(l, content, &self.pending));
        let mut last = last;
        let site = match (&mut last, &stable_places) {
            (Some(l), Some(_)) => Site::with_places(content, std::mem::take(&mut l.places)),
            _ => Site::assemble(content, &Site::order(content, &mut self.titles)),
        };
        // The site-wide values (counts by field, level and counter…) cannot change while every
        // procedure keeps its place and listings.
        let site_view = match stable_places {
            Some(_) => None,
            None => Some(serde_json::to_string(&SiteView::new(&site)).unwrap_or_default()),
        };
        let full = self.pending_full || site_view.as_ref().is_some_and(|v| *v != self.site_view);
        // The compiled templates hold the site-wide values; rebuilt only when those change.
        if full || self.engine.is_none() {
            self.engine = None;
            match Engine::new(theme, &site) {
                Ok(e) => self.engine = Some(e),
                Err(e) => {
                    diags.push(Diagnostic::error(Path::new("theme"), e.to_string()));
                    outcome.diagnostics = diags;
                    self.pending_full = true;
                    return outcome;
                }
            }
        }
        let engine = self.engine.as_ref().expect("built above");
        phases.mark("site + engine");

        let mut scope = Scope::default();
        let mut last = match (last, stable_places) {
            // Every procedure in its place: only the changed ones get new views.
            (Some(mut last), Some(places)) => {
                scope.stable = true;
                for s in places {
                    let sp = &site.procedures[s];
                    self.fragments.forget(&sp.p.file);
                    scope.procedures.insert(s);
                    let facts = ProcedureFacts::of(sp, &engine.i18n);
                    let row = views::procedure_row(&site, sp, &engine.i18n);
                    let view = views::procedure_view(&site, sp, &row, &facts, &engine.i18n);
                    if row != last.rows[s] {
                        touch(&mut scope, sp.field, sp.level, &sp.units);
                    } else if forms_of(&view) != forms_of(&last.views[s]) {
                        scope.forms = true;
                    }
                    last.facts[s] = facts;
                    last.views[s] = view;
                    last.rows[s] = row;
                }
                last
            }
            (last, _) => self.rearrange(&site, engine, last, &mut scope),
        };
        phases.mark("views");
        let ctx = RenderContext {
            site: &site,
            engine,
            theme,
            content_dir: &self.paths.content,
            views: Some(std::mem::take(&mut last.views)),
            rows: std::mem::take(&mut last.rows),
            facts: std::mem::take(&mut last.facts),
            scope: (!full).then_some(scope),
            fragments: Some(&self.fragments),
            posting_date: today,
            sink: None,
            written: Default::default(),
            // Each sheet is kept apart from its page, to reuse while its view is unchanged.
            pages_with_sheets: Default::default(),
        };

        // Render everything first: a failing renderer leaves the last good outputs intact.
        let mut rendered = Vec::with_capacity(RENDERERS.len());
        let mut errors = Vec::new();
        for r in RENDERERS {
            match (r.render)(&ctx) {
                Ok(files) => rendered.push(files),
                Err(e) => errors.extend(e),
            }
            phases.mark(r.name);
        }
        // Like the built 404.html, re-rendered only by full builds.
        let not_found = match full.then(|| crate::render::website::not_found(engine, "/")) {
            Some(Ok(page)) => Some(page.data),
            Some(Err(e)) => {
                errors.push(e);
                None
            }
            None => None,
        };
        if !errors.is_empty() {
            for d in crate::render_diagnostics(errors, Path::new("theme")) {
                diags.push(d);
            }
            outcome.diagnostics = diags;
            // This attempt's views are dropped: the next good build starts afresh.
            self.pending_full = true;
            return outcome;
        }
        let stable = ctx.scope.as_ref().is_some_and(|s| s.stable);
        for ((r, files), outputs) in RENDERERS.iter().zip(rendered).zip(&mut self.outputs) {
            match r.paths {
                // Every procedure in its place: the renderer's list of paths is the same, so its
                // other outputs all stand.
                Some(_) if stable => {}
                // A renderer that rendered only the scope: its other outputs stand, unless they
                // are no longer part of the site. Any other: its outputs are replaced whole.
                _ => {
                    let keep: HashSet<String> = match r.paths {
                        Some(paths) if !full => paths(&ctx).into_iter().collect(),
                        _ => files.iter().map(|f| f.path.clone()).collect(),
                    };
                    // A renderer's list of paths must be exactly what it renders in a full build.
                    if cfg!(debug_assertions)
                        && full
                        && let Some(paths) = r.paths
                    {
                        let listed: HashSet<String> = paths(&ctx).into_iter().collect();
                        assert_eq!(
                            listed, keep,
                            "{}::paths differs from what it renders",
                            r.name
                        );
                    }
                    outputs.retain(|p, _| {
                        let stays = keep.contains(p);
                        if !stays {
                            outcome.removed.push(p.clone());
                        }
                        stays
                    });
                }
            }
            // Compared in parallel: a counter's print sets are megabytes each.
            let same: Vec<bool> = files
                .par_iter()
                .map(|f| {
                    outputs
                        .get(&f.path)
                        .is_some_and(|old| old[..] == f.data[..])
                })
                .collect();
            for (f, same) in files.into_iter().zip(same) {
                if !same {
                    outcome.changed.push(f.path.clone());
                    outputs.insert(f.path, Arc::new(f.data));
                }
            }
            // With every procedure in its place, the list of paths must not have changed.
            if cfg!(debug_assertions)
                && stable
                && let Some(paths) = r.paths
            {
                let listed: HashSet<String> = paths(&ctx).into_iter().collect();
                let held: HashSet<String> = outputs.keys().cloned().collect();
                assert_eq!(
                    listed, held,
                    "{}::paths changed in a stable rebuild",
                    r.name
                );
            }
        }
        phases.mark("merge outputs");

        let RenderContext {
            views, rows, facts, ..
        } = ctx;
        last.views = views.unwrap_or_default();
        last.rows = rows;
        last.facts = facts;
        last.places = site.into_places();
        self.last = Some(last);
        if let Some(v) = site_view {
            self.site_view = v;
        }
        if let Some(page) = not_found {
            self.not_found = Some(Arc::new(page));
        }
        self.pending.clear();
        self.pending_full = false;
        outcome.ok = true;
        outcome.full = full;
        outcome.diagnostics = diags;
        outcome
    }

    /// The views of the procedures in the new site order: those of unchanged procedures whose
    /// page did not move are taken from `last`, the others built anew. Records in `scope` what
    /// the change touches: the pages of new views, and the listings that hold a changed
    /// listing row now or held it before.
    fn rearrange(
        &self,
        site: &Site,
        engine: &Engine,
        last: Option<Last>,
        scope: &mut Scope,
    ) -> Last {
        type Old = (Vec<Option<Made>>, Vec<Placed>, Vec<Place>);
        let (mut old_views, old_placed, old_places): Old = match last {
            Some(l) => (
                l.views
                    .into_iter()
                    .zip(l.rows)
                    .zip(l.facts)
                    .map(|((v, r), f)| Some((v, r, f)))
                    .collect(),
                l.placed,
                l.places,
            ),
            None => Default::default(),
        };
        let old_at: HashMap<&OsStr, usize> = old_placed
            .iter()
            .enumerate()
            .map(|(i, p)| (p.file.as_os_str(), i))
            .collect();
        let mut views: Vec<Option<Made>> = site
            .procedures
            .iter()
            .map(|sp| {
                let file = sp.p.file.as_os_str();
                if self.pending.contains(file) {
                    return None;
                }
                let &o = old_at.get(file)?;
                if old_places[o].url != sp.url {
                    return None;
                }
                old_views[o].take()
            })
            .collect();
        let fresh: Vec<usize> = (0..views.len()).filter(|&i| views[i].is_none()).collect();
        let built: Vec<Made> = fresh
            .par_iter()
            .map(|&i| {
                let sp = &site.procedures[i];
                let facts = ProcedureFacts::of(sp, &engine.i18n);
                let row = views::procedure_row(site, sp, &engine.i18n);
                let view = views::procedure_view(site, sp, &row, &facts, &engine.i18n);
                (view, row, facts)
            })
            .collect();
        for (i, (view, row, facts)) in fresh.into_iter().zip(built) {
            let sp = &site.procedures[i];
            self.fragments.forget(&sp.p.file);
            scope.procedures.insert(i);
            let before = old_at
                .get(sp.p.file.as_os_str())
                .and_then(|&o| Some((&old_places[o], old_views[o].take()?)));
            match before {
                // Same row in the same listings: only its own outputs change.
                Some((o, (old_view, old_row, _)))
                    if old_row == row
                        && o.field == sp.field
                        && o.level == sp.level
                        && o.units == sp.units =>
                {
                    scope.forms |= forms_of(&old_view) != forms_of(&view);
                }
                Some((o, _)) => {
                    touch(scope, o.field, o.level, &o.units);
                    touch(scope, sp.field, sp.level, &sp.units);
                }
                None => touch(scope, sp.field, sp.level, &sp.units),
            }
            views[i] = Some((view, row, facts));
        }
        // Procedures that are gone.
        for (o, _) in old_views.iter().enumerate().filter(|(_, v)| v.is_some()) {
            self.fragments.forget(Path::new(&old_placed[o].file));
            let o = &old_places[o];
            touch(scope, o.field, o.level, &o.units);
        }
        let made = views;
        let (mut views, mut rows, mut facts) = (Vec::new(), Vec::new(), Vec::new());
        for (v, r, f) in made.into_iter().map(|m| m.expect("every place has a view")) {
            views.push(v);
            rows.push(r);
            facts.push(f);
        }
        let placed = site
            .procedures
            .iter()
            .map(|sp| Placed {
                file: sp.p.file.as_os_str().to_os_string(),
                key: Key::of(sp.p),
            })
            .collect();
        Last {
            places: Vec::new(),
            placed,
            views,
            rows,
            facts,
        }
    }
}

/// Record that the listings of a procedure in `field`, `level` and `units` must re-render.
fn touch(scope: &mut Scope, field: usize, level: usize, units: &[usize]) {
    scope.fields.insert(field);
    scope.levels.insert(level);
    scope.units.extend(units.iter().copied());
    scope.rows = true;
    scope.forms = true;
}

/// The form files a procedure links to.
fn forms_of(v: &ProcedureView) -> Vec<String> {
    v.documents.iter().map(|d| d.form_url.clone()).collect()
}

/// When every procedure of the content keeps its place of the last build (the same files, and
/// the changed ones keep their title, code, field, level, counters and status): the places
/// of the changed ones.
fn stable_places(
    last: &Last,
    content: &Content,
    pending: &HashSet<OsString>,
) -> Option<Vec<usize>> {
    let procedures = &content.procedures;
    if last.places.len() != procedures.len()
        || last
            .places
            .iter()
            .zip(&last.placed)
            .any(|(p, placed)| procedures[p.index].file.as_os_str() != placed.file)
    {
        return None;
    }
    let mut place = vec![0; procedures.len()];
    for (s, p) in last.places.iter().enumerate() {
        place[p.index] = s;
    }
    let mut places = Vec::with_capacity(pending.len());
    for file in pending {
        let i = procedures
            .binary_search_by(|p| p.file.as_path().cmp(Path::new(file)))
            .ok()?;
        let s = place[i];
        if Key::of(&procedures[i]) != last.placed[s].key {
            return None;
        }
        places.push(s);
    }
    Some(places)
}

enum Change {
    Procedure(PathBuf),
    Other,
    Ignored,
}
