//! Incremental rebuilds for `niemyet serve`. The engine keeps the loaded content, the views
//! of every procedure and the last good outputs in memory. When procedure files change it
//! re-reads only those files, rebuilds only their views, and asks the renderers for only the
//! outputs the change touches (the procedure's page and the listings that hold it before or
//! after the change); outputs are then compared by bytes, so only those that really changed
//! are reported. Any other change (site, fields, units, pages, forms, theme) or a change of
//! the site-wide numbers every page can show reloads and re-renders everything.
//!
//! The result after every update is byte-identical to a clean full build
//! (`tests/incremental.rs` checks that).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Content;
use crate::render::{Engine, Fragments, RENDERERS, RenderContext, Scope, SiteView};
use crate::site::{Site, TitleKeys};
use crate::theme::Theme;
use crate::views::{self, ProcedureRow, ProcedureView};
use crate::{Paths, format, load, validate};

/// The views and listing memberships of one procedure in the last good build.
struct Cached {
    url: String,
    view: ProcedureView,
    row: ProcedureRow,
    field: usize,
    level: usize,
    units: Vec<usize>,
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
    /// By procedure file, as of the last good build.
    cache: HashMap<OsString, Cached>,
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
            cache: HashMap::new(),
            site_view: String::new(),
            pending: HashSet::new(),
            pending_full: true,
            outputs: RENDERERS.iter().map(|_| BTreeMap::new()).collect(),
            titles: TitleKeys::default(),
            engine: None,
            fragments: Fragments::default(),
            today: None,
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
        self.content = content;
        self.load_diags = diags;
        self.cache.clear();
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
        content.procedures.retain(|p| p.file != shown);
        self.load_diags.items.retain(|d| d.file != shown);
        if file.is_file() {
            let (p, d) = load::procedure_file(file, &self.paths.root);
            if let Some(p) = p {
                let at = content.procedures.partition_point(|q| q.file < p.file);
                content.procedures.insert(at, p);
            }
            self.load_diags.extend(d);
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
        let mut diags = self.load_diags.clone();
        diags.extend(validate::validate(
            content,
            &validate::Rules {
                today: format::today_vietnam(),
            },
        ));
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
        // Boards print the posting date: a new day (a long `serve` session) renders anew.
        let today = format::today_vietnam();
        if self.today != Some(today) {
            self.fragments.clear();
            self.pending_full = true;
            self.today = Some(today);
        }
        let site = Site::build_cached(content, &mut self.titles);
        let site_view = serde_json::to_string(&SiteView::new(&site)).unwrap_or_default();
        let full = self.pending_full || site_view != self.site_view;
        // The compiled templates hold the site-wide values; rebuilt only when those change.
        if full || self.engine.is_none() {
            self.engine = None;
            match Engine::new(theme, &site) {
                Ok(e) => self.engine = Some(e),
                Err(e) => {
                    diags.push(Diagnostic::error(Path::new("theme"), e.to_string()));
                    outcome.diagnostics = diags;
                    return outcome;
                }
            }
        }
        let engine = self.engine.as_ref().expect("built above");
        phases.mark("site + engine");

        // Views: reuse those of unchanged procedures whose page did not move.
        let reuse: Vec<Option<Cached>> = site
            .procedures
            .iter()
            .map(|sp| {
                if self.pending_full || self.pending.contains(sp.p.file.as_os_str()) {
                    return None;
                }
                self.cache
                    .remove(sp.p.file.as_os_str())
                    .filter(|c| c.url == sp.url)
            })
            .collect();
        let built: Vec<(ProcedureView, ProcedureRow, bool)> = reuse
            .into_par_iter()
            .zip(site.procedures.par_iter())
            .map(|(cached, sp)| match cached {
                Some(c) => (c.view, c.row, false),
                None => {
                    let view = views::procedure_view(&site, sp, &engine.i18n);
                    let row = views::procedure_row(&view);
                    (view, row, true)
                }
            })
            .collect();
        // What the change touches: the pages of new views, and the listings that hold a
        // changed listing row now or held it before.
        struct Old {
            row: ProcedureRow,
            forms: Vec<String>,
            field: usize,
            level: usize,
            units: Vec<usize>,
        }
        let forms_of = |v: &ProcedureView| -> Vec<String> {
            v.documents.iter().map(|d| d.form_url.clone()).collect()
        };
        let mut old: HashMap<OsString, Old> = HashMap::new();
        for file in &self.pending {
            if let Some(c) = self.cache.remove(file) {
                let forms = forms_of(&c.view);
                old.insert(
                    file.clone(),
                    Old {
                        row: c.row,
                        forms,
                        field: c.field,
                        level: c.level,
                        units: c.units,
                    },
                );
            }
        }
        let mut scope = Scope::default();
        let touch = |scope: &mut Scope, field: usize, level: usize, units: &[usize]| {
            scope.fields.insert(field);
            scope.levels.insert(level);
            scope.units.extend(units.iter().copied());
            scope.rows = true;
            scope.forms = true;
        };
        let mut procedures = Vec::with_capacity(built.len());
        let mut rows = Vec::with_capacity(built.len());
        for (i, (view, row, fresh)) in built.into_iter().enumerate() {
            if fresh {
                let sp = &site.procedures[i];
                self.fragments.forget(&sp.p.file);
                scope.procedures.insert(i);
                match old.remove(sp.p.file.as_os_str()) {
                    // Same row in the same listings: only its own outputs change.
                    Some(o)
                        if o.row == row
                            && o.field == sp.field
                            && o.level == sp.level
                            && o.units == sp.units =>
                    {
                        scope.forms |= o.forms != forms_of(&view);
                    }
                    Some(o) => {
                        touch(&mut scope, o.field, o.level, &o.units);
                        touch(&mut scope, sp.field, sp.level, &sp.units);
                    }
                    None => touch(&mut scope, sp.field, sp.level, &sp.units),
                }
            }
            procedures.push(view);
            rows.push(row);
        }
        // Procedures that are gone.
        for file in old.keys() {
            self.fragments.forget(Path::new(file));
        }
        for o in old.values() {
            touch(&mut scope, o.field, o.level, &o.units);
        }
        phases.mark("views");
        let ctx = RenderContext {
            site: &site,
            engine,
            theme,
            content_dir: &self.paths.content,
            procedures,
            rows,
            scope: (!full).then_some(scope),
            fragments: Some(&self.fragments),
            posting_date: today,
            sink: None,
            written: Default::default(),
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
        if !errors.is_empty() {
            for e in errors {
                diags.push(Diagnostic::error(Path::new("theme"), e.to_string()));
            }
            outcome.diagnostics = diags;
            // This attempt's views are dropped: the next good build starts afresh.
            self.cache.clear();
            self.pending_full = true;
            return outcome;
        }
        for ((r, files), outputs) in RENDERERS.iter().zip(rendered).zip(&mut self.outputs) {
            // A renderer that rendered only the scope: its other outputs stand, unless they
            // are no longer part of the site. Any other: its outputs are replaced whole.
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
            for f in files {
                if outputs
                    .get(&f.path)
                    .is_some_and(|old| old[..] == f.data[..])
                {
                    continue;
                }
                outcome.changed.push(f.path.clone());
                outputs.insert(f.path, Arc::new(f.data));
            }
        }
        phases.mark("merge outputs");

        let RenderContext {
            procedures, rows, ..
        } = ctx;
        for (sp, (view, row)) in site.procedures.iter().zip(procedures.into_iter().zip(rows)) {
            self.cache.insert(
                sp.p.file.as_os_str().to_os_string(),
                Cached {
                    url: sp.url.clone(),
                    view,
                    row,
                    field: sp.field,
                    level: sp.level,
                    units: sp.units.clone(),
                },
            );
        }
        phases.mark("cache");
        self.site_view = site_view;
        self.pending.clear();
        self.pending_full = false;
        outcome.ok = true;
        outcome.full = full;
        outcome.diagnostics = diags;
        outcome
    }
}

enum Change {
    Procedure(PathBuf),
    Other,
    Ignored,
}
