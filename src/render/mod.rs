//! Stage 4: render. Every output of a build is a [`Job`]; jobs render in parallel into
//! [`OutputFile`]s that `output` writes. Renderers (website, boards, search, feeds, data) are
//! modules that list their jobs over the same site model and views.

use std::any::Any;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::output::Staging;
use crate::site::Site;
use crate::theme::Theme;
use crate::views::{self, I18n, ProcedureFacts, ProcedureRow, ProcedureView};

pub mod assets;
pub mod boards;
pub mod changes;
pub mod data;
pub mod qr;
pub mod results;
pub mod search;
mod ui_text;
pub mod website;

/// Seeds for the hash maps Tera makes (one a struct or map of every template context), taken
/// from a counter of each thread. ahash's default takes each seed from one global atomic
/// counter: the two cores, each making thousands of maps a page, fought over its cache line
/// (1 % of a build's samples in `gen_hasher_seed`). Each thread's counter starts from the
/// standard library's random keys, so seeds stay unpredictable. Call it before any template
/// work: once a map exists, ahash keeps its own source (still correct, only slower).
pub fn use_thread_hash_seeds() {
    struct ThreadSeeds;
    impl ahash::random_state::RandomSource for ThreadSeeds {
        fn gen_hasher_seed(&self) -> usize {
            thread_local! {
                static NEXT: std::cell::Cell<usize> = std::cell::Cell::new({
                    use std::hash::{BuildHasher, Hasher};
                    std::hash::RandomState::new().build_hasher().finish() as usize
                });
            }
            NEXT.with(|n| {
                let seed = n.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
                n.set(seed);
                seed
            })
        }
    }
    let _ = ahash::random_state::set_random_source(ThreadSeeds);
}

/// One file of the built site, path relative to the output root with `/` separators.
pub struct OutputFile {
    pub path: String,
    pub data: Vec<u8>,
}

#[derive(Debug)]
pub struct RenderError {
    pub what: String,
    pub message: String,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            self.what,
            self.message.trim_start_matches("error: ")
        )
    }
}

/// The compiled templates and the UI strings: made once per build.
pub struct Engine {
    /// Render through [`Engine::render_to`], which locates errors in the templates as written.
    tera: Tera,
    pub i18n: I18n,
    site: SiteView,
    /// `t` and `site` as template values, one copy per worker thread (see
    /// [`Engine::add_globals`]).
    globals: Box<[OnceLock<(Value, Value)>]>,
    /// The theme's templates as written, when `tera` compiled them with constants written in
    /// (`ui_text`): a failed render is repeated with these, compiled on first need, so that
    /// Tera's message points at the column the theme's author sees.
    as_written: Option<AsWritten>,
}

/// The theme's templates before `ui_text` wrote constants into them, and their compilation.
struct AsWritten {
    sources: Vec<(String, String)>,
    tera: OnceLock<Option<Tera>>,
}

/// Every template that produces HTML or XML escapes by default.
const ESCAPED: [&str; 3] = [".html", ".xml", ".svg"];

/// The templates compiled, with the build's globals: `t`, `lang` and `site`.
fn compile<'a>(
    templates: impl IntoIterator<Item = (&'a str, &'a str)>,
    i18n: &I18n,
    site: &SiteView,
) -> Result<Tera, tera::Error> {
    let mut tera = Tera::new();
    tera.autoescape_on(ESCAPED);
    tera.add_raw_templates(templates)?;
    let globals = tera.global_context();
    globals.insert("t", &TemplateStrings(&i18n.strings));
    globals.insert("lang", i18n.lang.code());
    globals.insert("site", site);
    Ok(tera)
}

impl Engine {
    pub fn new(theme: &Theme, site: &Site) -> Result<Engine, RenderError> {
        let strings = theme.translations(site.lang).map_err(|e| RenderError {
            what: "in the theme's translations".into(),
            message: e.0,
        })?;
        let i18n = I18n {
            lang: site.lang,
            strings,
        };
        let site = SiteView::new(site);
        let constants = ui_text::constants(&i18n.strings, i18n.lang.code(), &site);
        let templates = ui_text::inline(theme.templates().collect(), &constants, |name| {
            ESCAPED.iter().any(|s| name.ends_with(s))
        });
        let tera = compile(
            templates.iter().map(|(n, s)| (*n, s.as_ref())),
            &i18n,
            &site,
        )
        .map_err(|e| RenderError {
            what: "in the theme's templates".into(),
            // A template that does not compile: the message from the templates as written.
            message: tera_message(&compile(theme.templates(), &i18n, &site).err().unwrap_or(e)),
        })?;
        let changed = templates.iter().any(|(_, s)| matches!(s, Cow::Owned(_)));
        let as_written = changed.then(|| {
            let sources = theme
                .templates()
                .map(|(n, s)| (n.to_string(), s.to_string()))
                .collect();
            AsWritten {
                sources,
                tera: OnceLock::new(),
            }
        });
        Ok(Engine {
            tera,
            i18n,
            site,
            // One per pool thread, and one for any other thread.
            globals: (0..=rayon::current_num_threads())
                .map(|_| OnceLock::new())
                .collect(),
            as_written,
        })
    }

    /// Render `template` with `context` (globals added) into `out`; on failure, Tera's message
    /// for the templates as the theme's author wrote them.
    pub fn render_to(
        &self,
        template: &str,
        context: &Context,
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        let Err(e) = self.tera.render_to(template, context, &mut *out) else {
            return Ok(());
        };
        let as_written = self.as_written.as_ref().and_then(|w| {
            let tera = w.tera.get_or_init(|| {
                compile(
                    w.sources.iter().map(|(n, s)| (n.as_str(), s.as_str())),
                    &self.i18n,
                    &self.site,
                )
                .ok()
            });
            tera.as_ref()?
                .render_to(template, context, Vec::new())
                .err()
        });
        Err(tera_message(as_written.as_ref().unwrap_or(&e)))
    }

    /// Put this thread's own copy of `t` and `site` in `context`, in front of the global
    /// context's. Every lookup clones the value it reads (an atomic count on a shared map and
    /// its strings): with one copy for all threads, their cores fought over those counts on
    /// every `t["…"]`, a fifth of a page's render.
    pub fn add_globals(&self, context: &mut Context) {
        let last = self.globals.len() - 1;
        let slot = rayon::current_thread_index().map_or(last, |i| i.min(last));
        let (t, site) = self.globals[slot].get_or_init(|| {
            (
                Value::from_serializable(&TemplateStrings(&self.i18n.strings)),
                Value::from_serializable(&self.site),
            )
        });
        context.insert_value("t", t.clone());
        context.insert_value("site", site.clone());
    }

    /// Render `template` for the page at `path`; `root` in the template is the relative prefix
    /// back to the site root, so every link works from `file://`.
    pub fn render(
        &self,
        template: &str,
        path: &str,
        context: Context,
    ) -> Result<OutputFile, RenderError> {
        self.render_with_root(template, path, &root_prefix(path), context)
    }

    /// Like [`Engine::render`] for a page of about `rows` listing rows: its buffer is sized
    /// once (a national catalogue's A–Z page is 4 MB, which doubling from 16 KB copied over
    /// eight times, each into memory touched for the first time).
    pub fn render_listing(
        &self,
        template: &str,
        path: &str,
        rows: usize,
        context: Context,
    ) -> Result<OutputFile, RenderError> {
        let capacity = PAGE_BYTES + rows * ROW_BYTES;
        self.render_into(template, path, &root_prefix(path), context, capacity)
    }

    /// Like [`Engine::render`] with an explicit `root`: web servers show the 404 page at any
    /// depth, so it links from the path of `base_url` when there is one.
    pub fn render_with_root(
        &self,
        template: &str,
        path: &str,
        root: &str,
        context: Context,
    ) -> Result<OutputFile, RenderError> {
        self.render_into(template, path, root, context, PAGE_BYTES)
    }

    fn render_into(
        &self,
        template: &str,
        path: &str,
        root: &str,
        mut context: Context,
        capacity: usize,
    ) -> Result<OutputFile, RenderError> {
        context.insert("root", root);
        context.insert("path", path);
        self.add_globals(&mut context);
        // render_to into bytes: `render` would re-validate the whole page as UTF-8 (6% of a
        // 10k build); Tera only writes valid UTF-8.
        let mut data = Vec::with_capacity(capacity);
        self.render_to(template, &context, &mut data)
            .map_err(|message| RenderError {
                what: format!("in the theme, rendering {path} with {template}"),
                message,
            })?;
        Ok(OutputFile {
            path: path.to_string(),
            data,
        })
    }
}

/// The first buffer of a page: most pages (a procedure's is ≈ 10 KB) fit.
const PAGE_BYTES: usize = 16 * 1024;
/// About what one listing row takes (430–440 bytes on the default theme's lists); a little
/// over, so a listing's buffer does not grow at its end.
pub const ROW_BYTES: usize = 512;

/// The UI strings as templates see them: `t.proc.code` (each `group.key` also as a map of
/// maps) besides `t["proc.code"]`. The dotted form is the one to use: Tera turns a string
/// subscript into a freshly allocated map key on every lookup, and the default theme's
/// pages make hundreds of lookups each (a tenth of their render).
struct TemplateStrings<'a>(&'a HashMap<String, String>);

impl Serialize for TemplateStrings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut groups: HashMap<&str, HashMap<&str, &str>> = HashMap::new();
        for (k, v) in self.0 {
            if let Some((group, key)) = k.split_once('.') {
                groups.entry(group).or_default().insert(key, v);
            }
        }
        let mut map = s.serialize_map(Some(self.0.len() + groups.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        // `Theme::translations` refuses a key that is also a group's name.
        for (group, entries) in &groups {
            map.serialize_entry(group, entries)?;
        }
        map.end()
    }
}

/// Tera's errors chain their causes; show all of them (the cause holds the template position).
pub fn tera_message(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str("\n  caused by: ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    shorten_field_list(&msg)
}

/// Tera lists every field of a map when a template asks for one it lacks: all 300 UI strings
/// for a mistyped `t.proc.kode`. Keep a dozen, and name the closest (`code`).
fn shorten_field_list(msg: &str) -> String {
    const LIST: &str = "Available fields: ";
    let Some(at) = msg.find(LIST) else {
        return msg.to_string();
    };
    let start = at + LIST.len();
    let end = msg[start..].find('\n').map_or(msg.len(), |n| start + n);
    let fields: Vec<&str> = msg[start..end].split(", ").collect();
    let asked = msg[..at]
        .rsplit_once("Field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name);
    let mut shown = crate::diagnostics::list_some(fields.iter().copied(), 12);
    if let Some(close) =
        asked.and_then(|a| crate::diagnostics::did_you_mean(a, fields.iter().copied()))
    {
        shown.push_str(&format!(" (did you mean `{close}`?)"));
    }
    format!("{}{LIST}{shown}{}", &msg[..at], &msg[end..])
}

/// `""` for `index.html`, `"../"` for `thu-tuc/x.html`, `"../../"` for `boards/u/x.html`.
pub fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The site-wide values every template can read as `site`.
#[derive(Serialize)]
pub struct SiteView {
    pub title: String,
    pub authority: String,
    pub description: String,
    pub base_url: String,
    pub contact: crate::model::Contact,
    pub feedback: crate::model::Feedback,
    pub fields: Vec<NavItem>,
    pub levels: Vec<NavItem>,
    pub units: Vec<UnitItem>,
    pub pages: Vec<NavItem>,
    pub procedure_count: usize,
    /// Whether `ket-qua/index.html` exists (there are results files).
    pub has_results: bool,
    /// The latest period's headline, for the home page: label, dossiers, on-time rate.
    pub results_headline: Option<(String, String, String)>,
}

#[derive(Serialize)]
pub struct NavItem {
    pub id: String,
    pub name: String,
    pub url: String,
    pub count: usize,
    pub description: String,
}

#[derive(Serialize)]
pub struct UnitItem {
    pub id: String,
    pub name: String,
    pub url: String,
    pub level: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub hours: String,
    pub count: usize,
    /// The counter's notice boards (`boards/<unit>/index.html`).
    pub boards: String,
}

impl SiteView {
    pub fn new(site: &Site) -> SiteView {
        let c = &site.content.site;
        SiteView {
            title: c.title.clone(),
            authority: c.authority.clone(),
            description: c.description.clone().unwrap_or_default(),
            base_url: c.base_url.clone().unwrap_or_default(),
            contact: c.contact.clone(),
            feedback: c.feedback.clone(),
            fields: site
                .fields
                .iter()
                .map(|f| NavItem {
                    id: f.f.id.clone(),
                    name: f.f.name.clone(),
                    url: f.url.clone(),
                    count: f.procedures.len(),
                    description: f.f.description.clone().unwrap_or_default(),
                })
                .collect(),
            levels: site
                .levels
                .iter()
                .map(|l| NavItem {
                    id: l.l.id.clone(),
                    name: l.l.name.clone(),
                    url: l.url.clone(),
                    count: l.procedures.len(),
                    description: String::new(),
                })
                .collect(),
            units: site.units.iter().map(|u| unit_item(site, u)).collect(),
            pages: site
                .pages
                .iter()
                .map(|p| NavItem {
                    id: p.page.slug.clone(),
                    name: p.page.title.clone(),
                    url: p.url.clone(),
                    count: 0,
                    description: String::new(),
                })
                .collect(),
            procedure_count: site.procedures.len(),
            has_results: !site.results.is_empty(),
            results_headline: site.results.periods.first().map(|p| {
                (
                    p.period.label.clone(),
                    crate::format::number(p.total.total(), site.lang),
                    crate::results::Rate::of(&p.total).display(site.lang),
                )
            }),
        }
    }
}

pub fn unit_item(site: &Site, u: &crate::site::SiteUnit) -> UnitItem {
    UnitItem {
        id: u.u.id.clone(),
        name: u.u.name.clone(),
        url: u.url.clone(),
        level: site
            .levels
            .get(u.level)
            .map(|l| l.l.name.clone())
            .unwrap_or_default(),
        address: u.u.address.clone(),
        phone: u.u.phone.clone().unwrap_or_default(),
        email: u.u.email.clone().unwrap_or_default(),
        hours: u.u.hours.clone().unwrap_or_default(),
        count: u.procedures.len(),
        boards: format!("{}/index.html", boards::unit_dir(u)),
    }
}

/// Everything renderers share, built once per build.
pub struct RenderContext<'a> {
    pub site: &'a Site<'a>,
    pub engine: &'a Engine,
    pub theme: &'a Theme,
    pub content_dir: &'a Path,
    /// Views of `site.procedures`, same order, when kept: `serve` keeps them to compare with
    /// the next rebuild's. A build makes each where the procedure's page and sheet are
    /// rendered and drops it after (see [`RenderContext::view`]): a 10,000 site's views held
    /// 72 MB, which every build touched for the first time.
    pub views: Option<Vec<ProcedureView>>,
    /// Listing rows of `site.procedures`, same order.
    pub rows: Vec<ProcedureRow>,
    /// What else the index, data files and list boards show, same order.
    pub facts: Vec<ProcedureFacts>,
    /// `None` in a full build. In a partial rebuild (`serve` after a procedure file changed):
    /// what the change touches; renderers that honour it render only those outputs.
    pub scope: Option<Scope>,
    /// Per-procedure fragments kept between `serve` rebuilds (see [`RenderContext::fragment`]).
    pub fragments: Option<&'a Fragments>,
    /// The date printed on the notice boards (today in Vietnam unless set for a reproducible
    /// build).
    pub posting_date: jiff::civil::Date,
    /// Where a build writes each file as soon as it is rendered (see [`RenderContext::emit`]);
    /// `None`: outputs are returned in memory (`serve` compares them with the previous ones).
    pub sink: Option<&'a Staging>,
    /// Paths of the files written to `sink`.
    pub written: Mutex<Vec<String>>,
    /// Set by [`render_all`] in a full build without `serve`'s fragments: the boards, which
    /// convert every procedure's view into Tera values for its detail sheet, render the
    /// procedure's page from the same values, and the website leaves those pages to them (one
    /// conversion instead of two: ≈ 4 % of a build's CPU).
    pub pages_with_sheets: std::sync::atomic::AtomicBool,
}

/// A procedure's view, kept by `serve` or made for one render (see [`RenderContext::view`]).
pub enum ViewRef<'a> {
    Kept(&'a ProcedureView),
    Made(Box<ProcedureView>),
}

impl std::ops::Deref for ViewRef<'_> {
    type Target = ProcedureView;
    fn deref(&self) -> &ProcedureView {
        match self {
            ViewRef::Kept(v) => v,
            ViewRef::Made(v) => v,
        }
    }
}

/// Fragments by procedure file (its path as bytes: cheaper to hash than a `Path`), then kind.
type FragmentMap = HashMap<std::ffi::OsString, HashMap<&'static str, Arc<dyn Any + Send + Sync>>>;

/// Per-procedure fragments that renderers compute from one procedure's view alone (its search
/// postings, its data record). `serve` keeps them between rebuilds and forgets those of the
/// procedures whose view is rebuilt; a plain build keeps none.
#[derive(Default)]
pub struct Fragments {
    by_file: Mutex<FragmentMap>,
    /// What renderers keep by place in the site order (see [`RenderContext::take_state`]).
    state: Mutex<HashMap<&'static str, Box<dyn Any + Send>>>,
}

impl Fragments {
    /// Forget the fragments of the procedure from `file` (its view changed, or it is gone).
    pub fn forget(&self, file: &Path) {
        self.lock().remove(file.as_os_str());
    }

    pub fn clear(&self) {
        self.lock().clear();
        self.state.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FragmentMap> {
        // A panic while holding the lock leaves a map that is still valid.
        self.by_file.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a partial rebuild must re-render, as indexes into the new site model.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Procedures whose own outputs (page, detail sheet, search entry) must be rendered.
    pub procedures: HashSet<usize>,
    /// Listings that hold, or held, a procedure whose listing row changed, appeared or went.
    pub fields: HashSet<usize>,
    pub levels: HashSet<usize>,
    pub units: HashSet<usize>,
    /// Whether any listing row changed: lists of every procedure (home, A–Z, sitemap) re-render.
    pub rows: bool,
    /// Whether the form files some procedure links to changed: the forms index re-renders.
    pub forms: bool,
    /// The procedures are those of the previous build at the same places, with the same pages,
    /// fields, levels, counters and status: only the text of those in `procedures` changed, and
    /// every renderer's list of paths stays. A renderer may patch what it kept from the
    /// previous build (see [`RenderContext::take_state`]).
    pub stable: bool,
}

impl<'a> RenderContext<'a> {
    pub fn new(
        site: &'a Site<'a>,
        engine: &'a Engine,
        theme: &'a Theme,
        content_dir: &'a Path,
    ) -> RenderContext<'a> {
        let i18n = &engine.i18n;
        let (rows, facts) = site
            .procedures
            .par_iter()
            .with_max_len(crate::WORK_PIECE)
            .map(|sp| {
                (
                    views::procedure_row(site, sp, i18n),
                    ProcedureFacts::of(sp, i18n),
                )
            })
            .unzip();
        RenderContext {
            site,
            engine,
            theme,
            content_dir,
            views: None,
            rows,
            facts,
            scope: None,
            fragments: None,
            posting_date: crate::format::today_vietnam(),
            sink: None,
            written: Mutex::new(Vec::new()),
            pages_with_sheets: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Procedure `i`'s view: the kept one, or made now.
    pub fn view(&self, i: usize) -> ViewRef<'_> {
        match &self.views {
            Some(views) => ViewRef::Kept(&views[i]),
            None => ViewRef::Made(Box::new(views::procedure_view(
                self.site,
                &self.site.procedures[i],
                &self.rows[i],
                &self.facts[i],
                &self.engine.i18n,
            ))),
        }
    }

    /// Whether the boards render the procedures' pages (see `pages_with_sheets`).
    pub fn pages_with_sheets(&self) -> bool {
        self.pages_with_sheets
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Hand rendered files on: with a sink, write them now and keep only their paths (a build
    /// never holds the whole site in memory); without, return them.
    pub fn emit(&self, mut files: Vec<OutputFile>) -> Result<Vec<OutputFile>, RenderError> {
        let Some(sink) = self.sink else {
            // Rendering grows buffers by doubling; outputs kept in memory give the slack back.
            for f in &mut files {
                f.data.shrink_to_fit();
            }
            return Ok(files);
        };
        let mut paths = Vec::with_capacity(files.len());
        for f in files {
            sink.write(&f).map_err(|e| RenderError {
                what: format!("writing {}", f.path),
                message: e.0,
            })?;
            paths.push(f.path);
        }
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(paths);
        Ok(Vec::new())
    }

    /// Hand on the file at `path` made of `parts` in order: with a sink, written without
    /// joining them first; without, joined into one file.
    pub fn emit_parts<P: AsRef<[u8]>>(
        &self,
        path: &str,
        parts: &[P],
    ) -> Result<Vec<OutputFile>, RenderError> {
        let Some(sink) = self.sink else {
            let mut data = Vec::with_capacity(parts.iter().map(|p| p.as_ref().len()).sum());
            for p in parts {
                data.extend_from_slice(p.as_ref());
            }
            return Ok(vec![OutputFile {
                path: path.to_string(),
                data,
            }]);
        };
        let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_ref()).collect();
        sink.write_parts(path, &bytes).map_err(|e| RenderError {
            what: format!("writing {path}"),
            message: e.0,
        })?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
        Ok(Vec::new())
    }

    /// Whether files can be written piece by piece ([`RenderContext::stream`]): in a build that
    /// writes as it renders, not where outputs are kept in memory or fragments kept for the
    /// next rebuild (`serve`).
    pub fn streams(&self) -> bool {
        self.sink.is_some() && self.fragments.is_none()
    }

    /// The file at `path`, to be written piece by piece (only when [`RenderContext::streams`]).
    pub fn stream(&self, path: &str) -> Result<Streamed<'_>, RenderError> {
        let error = |message: String| RenderError {
            what: format!("writing {path}"),
            message,
        };
        let sink = self
            .sink
            .filter(|_| self.streams())
            .ok_or_else(|| error("this build keeps its files in memory".into()))?;
        let file = sink.stream(path).map_err(|e| error(e.0))?;
        Ok(Streamed {
            ctx: self,
            path: path.to_string(),
            file,
        })
    }

    /// The paths of every file written to the sink so far.
    pub fn take_written(&self) -> Vec<String> {
        std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// What `compute` gives for procedure `i` (computed from its view alone), or the value an
    /// earlier `serve` rebuild computed while that view has not changed.
    pub fn fragment<T: Any + Send + Sync>(
        &self,
        kind: &'static str,
        i: usize,
        compute: impl FnOnce() -> T,
    ) -> Arc<T> {
        let Some(fragments) = self.fragments else {
            return Arc::new(compute());
        };
        let file = &self.site.procedures[i].p.file;
        let cached = fragments
            .lock()
            .get(file.as_os_str())
            .and_then(|m| m.get(kind))
            .cloned()
            .and_then(|v| v.downcast::<T>().ok());
        if let Some(v) = cached {
            return v;
        }
        let v = Arc::new(compute());
        fragments
            .lock()
            .entry(file.as_os_str().to_os_string())
            .or_default()
            .insert(kind, v.clone());
        v
    }

    /// Every procedure's fragment of `kind` that an earlier `serve` rebuild kept (`None` where
    /// there is none), looked up at once; see [`RenderContext::keep_fragments`].
    pub fn cached_fragments<T: Any + Send + Sync>(
        &self,
        kind: &'static str,
    ) -> Vec<Option<Arc<T>>> {
        let Some(fragments) = self.fragments else {
            return vec![None; self.site.procedures.len()];
        };
        let map = fragments.lock();
        let cached = |sp: &crate::site::SiteProcedure| {
            let v = map.get(sp.p.file.as_os_str())?.get(kind)?.clone();
            v.downcast::<T>().ok()
        };
        self.site.procedures.iter().map(cached).collect()
    }

    /// Keep fragments of `kind` computed from procedures' views (by procedure index) for later
    /// rebuilds, like [`RenderContext::fragment`] does for one.
    pub fn keep_fragments<T: Any + Send + Sync>(
        &self,
        kind: &'static str,
        values: impl IntoIterator<Item = (usize, Arc<T>)>,
    ) {
        let Some(fragments) = self.fragments else {
            return;
        };
        let mut map = fragments.lock();
        for (i, v) in values {
            let file = self.site.procedures[i].p.file.as_os_str();
            map.entry(file.to_os_string()).or_default().insert(kind, v);
        }
    }

    /// What this renderer kept with [`RenderContext::keep_state`] in the previous `serve`
    /// rebuild, when this one keeps every procedure in its place ([`Scope::stable`]); `None`
    /// otherwise: compute it whole.
    pub fn take_state<T: Any + Send>(&self, kind: &'static str) -> Option<T> {
        let fragments = self.fragments?;
        let kept = fragments
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(kind)?;
        if !self.scope.as_ref().is_some_and(|s| s.stable) {
            return None;
        }
        kept.downcast::<T>().ok().map(|b| *b)
    }

    /// Keep `value` for the next `serve` rebuild (nothing is kept in a plain build).
    pub fn keep_state<T: Any + Send>(&self, kind: &'static str, value: T) {
        if let Some(fragments) = self.fragments {
            fragments
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(kind, Box::new(value));
        }
    }

    /// Rows for a list of procedure indexes.
    pub fn rows_of(&self, idx: &[usize]) -> Vec<&ProcedureRow> {
        idx.iter().map(|&i| &self.rows[i]).collect()
    }

    /// Whether this build renders outputs that depend on nothing but the whole site (free
    /// pages, 404): only full builds do.
    pub fn is_full(&self) -> bool {
        self.scope.is_none()
    }

    pub fn wants_procedure(&self, i: usize) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|s| s.procedures.contains(&i))
    }

    pub fn wants_field(&self, i: usize) -> bool {
        self.scope.as_ref().is_none_or(|s| s.fields.contains(&i))
    }

    pub fn wants_level(&self, i: usize) -> bool {
        self.scope.as_ref().is_none_or(|s| s.levels.contains(&i))
    }

    pub fn wants_unit(&self, i: usize) -> bool {
        self.scope.as_ref().is_none_or(|s| s.units.contains(&i))
    }

    /// Whether outputs that list every procedure must be rendered.
    pub fn wants_all_rows(&self) -> bool {
        self.scope.as_ref().is_none_or(|s| s.rows)
    }

    pub fn wants_forms(&self) -> bool {
        self.scope.as_ref().is_none_or(|s| s.forms || s.rows)
    }
}

/// The result of one renderer.
pub type Rendered = Result<Vec<OutputFile>, Vec<RenderError>>;

/// A renderer: a module that lists its jobs over the site model and renders them.
pub struct Renderer {
    pub name: &'static str,
    pub render: fn(&RenderContext) -> Rendered,
    /// For renderers that honour [`RenderContext::scope`]: every path a full build would
    /// produce, so a partial rebuild knows which earlier outputs still stand and which are
    /// gone. `None`: the renderer always renders everything. The list may depend on the site
    /// model and the procedures' status only: a rebuild with [`Scope::stable`] does not ask
    /// for it (debug builds check it did not change).
    pub paths: Option<fn(&RenderContext) -> Vec<String>>,
    /// Renderers of a stage run together, stages one after the other (see [`render_all`]).
    pub stage: Stage,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Renderers that make whole-site files from every procedure (the search index, the data
    /// catalogue): they run first, together, so that the index's working set does not add to
    /// the pages'.
    Indexes,
    /// Everything else.
    Pages,
}

/// Every renderer of a build, in order.
pub const RENDERERS: &[Renderer] = &[
    Renderer {
        name: "website",
        render: website::render,
        paths: Some(website::paths),
        stage: Stage::Pages,
    },
    Renderer {
        name: "assets",
        render: assets::render,
        paths: None,
        stage: Stage::Pages,
    },
    Renderer {
        name: "results",
        render: results::render,
        paths: None,
        stage: Stage::Pages,
    },
    Renderer {
        name: "changes",
        render: changes::render,
        paths: None,
        stage: Stage::Pages,
    },
    Renderer {
        name: "data",
        render: data::render,
        paths: Some(data::paths),
        stage: Stage::Indexes,
    },
    Renderer {
        name: "search",
        render: search::render,
        paths: None,
        stage: Stage::Indexes,
    },
    Renderer {
        name: "boards",
        render: boards::render,
        paths: Some(boards::paths),
        stage: Stage::Pages,
    },
];

/// What a build produces besides rendered pages.
pub fn render_all(ctx: &RenderContext) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    let mut outputs = Vec::new();
    let mut errors = Vec::new();
    // Both the website and the boards run here; `serve` keeps each sheet apart from its page.
    ctx.pages_with_sheets.store(
        ctx.fragments.is_none() && ctx.is_full(),
        std::sync::atomic::Ordering::Relaxed,
    );
    let run = |r: &Renderer| (r.render)(ctx).and_then(|files| ctx.emit(files).map_err(|e| vec![e]));
    let results: Vec<_> = if crate::Phases::enabled() {
        // One after the other, so that each renderer's time can be shown.
        let mut phases = crate::Phases::new();
        RENDERERS
            .iter()
            .map(|r| {
                let result = run(r);
                phases.mark(&format!("  {}", r.name));
                result
            })
            .collect()
    } else {
        // Together, a stage at a time: the cores stay busy through each renderer's serial
        // start and end (merging the search index, writing the 38 MB catalogue of a 10,000
        // site). Running the search index beside the pages instead was as fast but raised
        // that site's peak memory by ≈ 30 MB.
        let mut results: Vec<Option<Rendered>> = RENDERERS.iter().map(|_| None).collect();
        for stage in [Stage::Indexes, Stage::Pages] {
            let done: Vec<(usize, Rendered)> = RENDERERS
                .par_iter()
                .enumerate()
                .filter(|(_, r)| r.stage == stage)
                .map(|(i, r)| (i, run(r)))
                .collect();
            for (i, result) in done {
                results[i] = Some(result);
            }
        }
        results.into_iter().flatten().collect()
    };
    for result in results {
        match result {
            Ok(files) => outputs.extend(files),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(outputs)
    } else {
        Err(errors)
    }
}

/// A file written piece by piece as its parts are rendered ([`RenderContext::stream`]).
pub struct Streamed<'a> {
    ctx: &'a RenderContext<'a>,
    path: String,
    file: crate::output::StreamedFile<'a>,
}

impl Streamed<'_> {
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), RenderError> {
        let path = &self.path;
        self.file.write(bytes).map_err(|e| RenderError {
            what: format!("writing {path}"),
            message: e.0,
        })
    }

    /// Close the file; returns its size in bytes.
    pub fn finish(self) -> Result<u64, RenderError> {
        let size = self.file.finish().map_err(|e| RenderError {
            what: format!("writing {}", self.path),
            message: e.0,
        })?;
        self.ctx
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(self.path);
        Ok(size)
    }
}

/// Run jobs in parallel, each handing its files to [`RenderContext::emit`] as soon as they
/// are rendered, keeping every error.
pub fn run_jobs<J: Sync>(
    ctx: &RenderContext,
    jobs: &[J],
    f: impl Fn(&J) -> Result<OutputFile, RenderError> + Sync + Send,
) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    let results: Vec<Result<Vec<OutputFile>, RenderError>> = jobs
        .par_iter()
        .with_max_len(crate::WORK_PIECE)
        .map(|j| f(j).and_then(|file| ctx.emit(vec![file])))
        .collect();
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(o) => ok.extend(o),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

/// A path under the content folder for a `/`-separated relative path.
pub fn content_path(content_dir: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .fold(content_dir.to_path_buf(), |p, c| p.join(c))
}

#[cfg(test)]
mod tests {
    use super::shorten_field_list;

    #[test]
    fn a_long_field_list_is_cut_and_the_closest_named() {
        let fields: Vec<String> = (0..30).map(|i| format!("f{i:02}")).collect();
        let msg = format!(
            "Field `kode` is not defined. Available fields: {}, code\n  --> procedure.html:13:20",
            fields.join(", ")
        );
        let short = shorten_field_list(&msg);
        assert!(short.starts_with("Field `kode` is not defined. Available fields: `f00`, "));
        assert!(short.contains("and 19 more (did you mean `code`?)\n  --> procedure.html:13:20"));
        // A short list stays whole; other messages are untouched.
        let few = "Field `x` is not defined. Available fields: a, b";
        assert_eq!(
            shorten_field_list(few),
            "Field `x` is not defined. Available fields: `a`, `b`"
        );
        assert_eq!(
            shorten_field_list("Variable `titel` is not defined"),
            "Variable `titel` is not defined"
        );
    }
}
