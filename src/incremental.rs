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
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Content;
use crate::render::{Engine, RENDERERS, RenderContext, Scope, SiteView};
use crate::site::Site;
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
    cache: HashMap<PathBuf, Cached>,
    /// The site-wide values of the last good build (counts show on many pages).
    site_view: String,
    /// Procedure files changed since the last good build.
    pending: HashSet<PathBuf>,
    /// A full rebuild is owed (first build, or a non-procedure change since the last good one).
    pending_full: bool,
    /// Last good outputs, per renderer.
    outputs: Vec<BTreeMap<String, Vec<u8>>>,
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
        }
    }

    /// The last good outputs, by path.
    pub fn outputs(&self) -> BTreeMap<&str, &[u8]> {
        self.outputs
            .iter()
            .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v.as_slice())))
            .collect()
    }

    /// One output of the last good build.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.outputs
            .iter()
            .find_map(|m| m.get(path))
            .map(Vec::as_slice)
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
                self.pending.insert(shown);
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
        if rel.starts_with("procedures") && is_yaml && !name.starts_with('.') {
            Change::Procedure(self.paths.content.join(rel))
        } else if name.starts_with('.') || name.ends_with('~') || rel.as_os_str().is_empty() {
            // Editors' swap and backup files.
            Change::Ignored
        } else {
            Change::Other
        }
    }

    fn reload_all(&mut self) {
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
        if diags.has_errors() {
            outcome.diagnostics = diags;
            return outcome;
        }
        if self.theme.is_none() {
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
        let site = Site::build(content);
        let engine = match Engine::new(theme, &site) {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(Path::new("theme"), e.to_string()));
                outcome.diagnostics = diags;
                return outcome;
            }
        };
        let site_view = serde_json::to_string(&SiteView::new(&site)).unwrap_or_default();
        let full = self.pending_full || site_view != self.site_view;

        // Views: reuse those of unchanged procedures whose page did not move.
        let reuse: Vec<Option<Cached>> = site
            .procedures
            .iter()
            .map(|sp| {
                if self.pending_full || self.pending.contains(&sp.p.file) {
                    return None;
                }
                self.cache.remove(&sp.p.file).filter(|c| c.url == sp.url)
            })
            .collect();
        let mut scope = Scope::default();
        // Listings that held a changed procedure before the change.
        for file in &self.pending {
            if let Some(old) = self.cache.get(file) {
                scope.fields.insert(old.field);
                scope.levels.insert(old.level);
                scope.units.extend(old.units.iter().copied());
            }
        }
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
        let mut procedures = Vec::with_capacity(built.len());
        let mut rows = Vec::with_capacity(built.len());
        for (i, (view, row, fresh)) in built.into_iter().enumerate() {
            if fresh {
                let sp = &site.procedures[i];
                scope.procedures.insert(i);
                scope.fields.insert(sp.field);
                scope.levels.insert(sp.level);
                scope.units.extend(sp.units.iter().copied());
            }
            procedures.push(view);
            rows.push(row);
        }
        let ctx = RenderContext {
            site: &site,
            engine: &engine,
            theme,
            content_dir: &self.paths.content,
            procedures,
            rows,
            scope: (!full).then_some(scope),
        };

        let mut errors = Vec::new();
        let mut next: Vec<BTreeMap<String, Vec<u8>>> = Vec::with_capacity(RENDERERS.len());
        for (r, previous) in RENDERERS.iter().zip(&self.outputs) {
            let files = match (r.render)(&ctx) {
                Ok(files) => files,
                Err(e) => {
                    errors.extend(e);
                    continue;
                }
            };
            let mut map: BTreeMap<String, Vec<u8>> = BTreeMap::new();
            if let (Some(paths), false) = (r.paths, full) {
                // Outputs this update did not render stand as they were.
                for p in paths(&ctx) {
                    if let Some(old) = previous.get(&p) {
                        map.insert(p, old.clone());
                    }
                }
            }
            for f in files {
                map.insert(f.path, f.data);
            }
            next.push(map);
        }
        if !errors.is_empty() {
            for e in errors {
                diags.push(Diagnostic::error(Path::new("theme"), e.to_string()));
            }
            outcome.diagnostics = diags;
            // The views of this attempt are dropped: the next good build recomputes them.
            self.cache.clear();
            self.pending_full = true;
            return outcome;
        }
        for (old, new) in self.outputs.iter().zip(&next) {
            for (path, data) in new {
                if old.get(path) != Some(data) {
                    outcome.changed.push(path.clone());
                }
            }
            outcome
                .removed
                .extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
        }
        self.outputs = next;

        let RenderContext {
            procedures, rows, ..
        } = ctx;
        self.cache = site
            .procedures
            .iter()
            .zip(procedures.into_iter().zip(rows))
            .map(|(sp, (view, row))| {
                (
                    sp.p.file.clone(),
                    Cached {
                        url: sp.url.clone(),
                        view,
                        row,
                        field: sp.field,
                        level: sp.level,
                        units: sp.units.clone(),
                    },
                )
            })
            .collect();
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
