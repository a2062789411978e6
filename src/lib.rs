//! niemyet: a folder of YAML procedures → a public-disclosure website and printable notice
//! boards. The data flows one way, a module per stage:
//!
//! `load` (files → typed `model`, with `diagnostics`) → `validate` (cross-file checks) →
//! `site` (indexes by field, level, unit) → `render` (pages, boards, search index, feeds) →
//! `output` (staged, atomic write).
//!
//! Where things are worded: `format` (money, dates, durations), `text` (Vietnamese folding,
//! slugs, alphabetical order), `views` (fees and channels as they read on a page),
//! `markdown` (safe Markdown).

pub mod charts;
pub mod diagnostics;
pub mod format;
pub mod incremental;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod reader;
pub mod render;
pub mod results;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod site;
pub mod text;
pub mod theme;
pub mod validate;
pub mod views;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::time::Instant;

use diagnostics::Diagnostics;
use model::Content;

/// Where a build reads and writes.
#[derive(Clone, Debug)]
pub struct Paths {
    /// The site folder; paths in messages are shown relative to it.
    pub root: PathBuf,
    pub content: PathBuf,
    /// A theme folder overriding the embedded default theme file by file.
    pub theme: Option<PathBuf>,
    pub output: PathBuf,
}

/// Why a run failed, mapped to the exit code by the CLI.
pub enum Failure {
    /// Problems in the content or theme (exit 1); diagnostics are in the report.
    Content,
    /// Usage, file-system or environment problems (exit 2).
    Io(String),
}

pub struct Report {
    pub procedures: usize,
    pub pages: usize,
    pub files: usize,
    pub unchanged: usize,
    pub seconds: f64,
}

/// The content folder must exist before anything else is tried; the message says how to get one.
pub fn require_content(paths: &Paths) -> Result<(), String> {
    if paths.content.is_dir() {
        Ok(())
    } else {
        Err(format!(
            "there is no content folder at `{}`; run niemyet from a site folder, pass --content DIR, or create a site with `niemyet init DIR`",
            paths.content.display()
        ))
    }
}

/// Load and validate. Content is returned only when it has no errors (warnings allowed,
/// unless `strict`).
pub fn check(paths: &Paths, strict: bool) -> (Option<Content>, Diagnostics) {
    let (content, mut diags) = load::load(&paths.content, &paths.root);
    if let Some(content) = &content {
        diags.extend(validate::validate(
            content,
            &validate::Rules {
                today: format::today_vietnam(),
            },
        ));
    }
    diags.sort();
    let failed = diags.has_errors() || (strict && diags.warning_count() > 0);
    (if failed { None } else { content }, diags)
}

/// The most items a worker takes in one go in the per-procedure parallel loops. With two
/// threads, rayon's adaptive splitting left pieces of a thousand procedures and more, and one
/// core then worked through the last of them alone: 20–45 ms at the end of loading and of
/// the views of a 10,000-procedure site.
pub const WORK_PIECE: usize = 16;

/// Choices of a build beyond its paths.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The date printed on the notice boards; default: today in Vietnam. Set it for
    /// reproducible builds (`--posting-date`).
    pub posting_date: Option<jiff::civil::Date>,
    /// The process exits after this build (the command line): the site's model and views
    /// are left for the system to reclaim instead of freed piece by piece, which took one
    /// core 50 ms at the end of a 10,000-procedure build. Leave it off in a process that
    /// builds again.
    pub exits_after: bool,
}

/// What `niemyet boards` builds: some counters' boards, some fields, or all of them.
#[derive(Clone, Debug, Default)]
pub struct BoardsOptions {
    /// Unit ids; empty: every counter.
    pub units: Vec<String>,
    /// Field ids; empty: every field.
    pub fields: Vec<String>,
    pub build: BuildOptions,
}

/// Why rendering stopped: a broken theme (exit 1) or a request naming unknown ids (exit 2).
enum RunError {
    Render(Vec<render::RenderError>),
    Usage(String),
}

/// The whole pipeline. On any error nothing is written and the previous output stays.
pub fn build(paths: &Paths, strict: bool) -> (Result<Report, Failure>, Diagnostics) {
    build_with(paths, strict, &BuildOptions::default())
}

pub fn build_with(
    paths: &Paths,
    strict: bool,
    options: &BuildOptions,
) -> (Result<Report, Failure>, Diagnostics) {
    // Each file is written into the staging folder as soon as it is rendered; the folder is
    // swapped in once everything rendered (dropped on error: the previous output stays).
    let staging = std::cell::OnceCell::new();
    let (result, diags) = pipeline(
        paths,
        strict,
        options.exits_after,
        |site, theme| {
            let mut phases = Phases::new();
            let engine = render::Engine::new(theme, site).map_err(|e| RunError::Render(vec![e]))?;
            let sink = output::Staging::begin(&paths.output).map_err(|e| RunError::Usage(e.0))?;
            let sink = staging.get_or_init(|| sink);
            let mut ctx = render::RenderContext::new(site, &engine, theme, &paths.content);
            ctx.sink = Some(sink);
            phases.mark("  rows + facts");
            if let Some(d) = options.posting_date {
                ctx.posting_date = d;
            }
            let rendered = render::render_all(&ctx);
            if let Some(e) = sink.failure() {
                return Err(RunError::Usage(e));
            }
            let mut files = rendered.map_err(RunError::Render)?;
            // Written already: only their paths are reported.
            files.extend(
                ctx.take_written()
                    .into_iter()
                    .map(|path| render::OutputFile {
                        path,
                        data: Vec::new(),
                    }),
            );
            if options.exits_after {
                std::mem::forget(ctx);
            }
            Ok(files)
        },
        |files| match staging.get() {
            Some(sink) => sink.finish(),
            None => output::write_site(&paths.output, files),
        },
    );
    (result.map(|(report, _)| report), diags)
}

/// Only the notice boards, merged into the output folder: the rest of a site already built
/// there stays. Returns the print documents written, for the user to open.
pub fn build_boards(
    paths: &Paths,
    strict: bool,
    options: &BoardsOptions,
) -> (Result<(Report, Vec<String>), Failure>, Diagnostics) {
    let everything = options.units.is_empty() && options.fields.is_empty();
    pipeline(
        paths,
        strict,
        options.build.exits_after,
        |site, theme| {
            let selection = boards_selection(site, options).map_err(RunError::Usage)?;
            let engine = render::Engine::new(theme, site).map_err(|e| RunError::Render(vec![e]))?;
            let mut ctx = render::RenderContext::new(site, &engine, theme, &paths.content);
            if let Some(d) = options.build.posting_date {
                ctx.posting_date = d;
            }
            let mut files =
                render::boards::render_selected(&ctx, &selection).map_err(RunError::Render)?;
            // The boards' stylesheet, so a boards-only folder prints on its own.
            for (name, f) in theme.static_files() {
                if name == "boards.css" {
                    files.push(render::OutputFile {
                        path: format!("static/{name}"),
                        data: f.bytes.clone(),
                    });
                }
            }
            if options.build.exits_after {
                std::mem::forget(ctx);
            }
            Ok(files)
        },
        |files| {
            output::merge_site(&paths.output, files, |rel| {
                everything && rel.starts_with("boards/")
            })
        },
    )
}

/// Unit and field ids → indexes; unknown ids are a usage error that lists the known ones.
fn boards_selection(
    site: &site::Site,
    options: &BoardsOptions,
) -> Result<render::boards::Selection, String> {
    fn pick<'a>(
        wanted: &[String],
        kind: &str,
        flag: &str,
        ids: impl Iterator<Item = &'a str> + Clone,
    ) -> Result<Option<Vec<usize>>, String> {
        if wanted.is_empty() {
            return Ok(None);
        }
        let mut out = Vec::new();
        for w in wanted {
            match ids.clone().position(|id| id == w) {
                Some(i) => out.push(i),
                None => {
                    return Err(format!(
                        "there is no {kind} `{w}` ({flag}); the {kind}s are: {}",
                        ids.clone()
                            .map(|i| format!("`{i}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
        Ok(Some(out))
    }
    Ok(render::boards::Selection {
        units: pick(
            &options.units,
            "counter",
            "--unit, from units.yaml",
            site.units.iter().map(|u| u.u.id.as_str()),
        )?,
        fields: pick(
            &options.fields,
            "field",
            "--field, from fields.yaml",
            site.fields.iter().map(|f| f.f.id.as_str()),
        )?,
    })
}

/// Load, validate, render and write, reporting every problem; nothing is written on error.
fn pipeline(
    paths: &Paths,
    strict: bool,
    exits_after: bool,
    render: impl FnOnce(&site::Site, &theme::Theme) -> Result<Vec<render::OutputFile>, RunError>,
    write: impl FnOnce(&[render::OutputFile]) -> Result<output::WriteStats, output::OutputError>,
) -> (Result<(Report, Vec<String>), Failure>, Diagnostics) {
    let start = Instant::now();
    if let Err(message) = require_content(paths) {
        return (Err(Failure::Io(message)), Diagnostics::default());
    }
    if let Err(e) = output::check_output_dir(&paths.output, &paths.content, &paths.root) {
        return (Err(Failure::Io(e.0)), Diagnostics::default());
    }
    let mut phases = Phases::new();
    // Before anything can fail: put back an output a killed run left moved aside.
    output::clean_leftovers(&paths.output);
    let (content, mut diags) = check(paths, strict);
    phases.mark("load + validate");
    let Some(mut content) = content else {
        return (Err(Failure::Content), diags);
    };
    // The source texts only serve diagnostics, which are done: free them before rendering
    // (a tenth of the peak memory of a large site).
    let empty: std::sync::Arc<str> = std::sync::Arc::from("");
    for p in &mut content.procedures {
        p.text = empty.clone();
    }
    let theme = match theme::Theme::load(paths.theme.as_deref()) {
        Ok(t) => t,
        Err(e) => return (Err(Failure::Io(e.0)), diags),
    };
    let site = site::Site::build(&content);
    phases.mark("site model");
    let files = match render(&site, &theme) {
        Ok(files) => files,
        Err(RunError::Usage(message)) => return (Err(Failure::Io(message)), diags),
        Err(RunError::Render(errors)) => {
            for d in render_diagnostics(errors, Path::new("")) {
                diags.push(d);
            }
            return (Err(Failure::Content), diags);
        }
    };
    phases.mark("rows + render");
    let stats = match write(&files) {
        Ok(s) => s,
        Err(e) => return (Err(Failure::Io(e.0)), diags),
    };
    phases.mark("write");
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    let print: Vec<String> = files
        .iter()
        .filter(|f| render::boards::is_print_document(&f.path))
        .map(|f| f.path.clone())
        .collect();
    let report = Report {
        procedures: site.procedures.len(),
        pages,
        files: stats.files,
        unchanged: stats.unchanged,
        seconds: start.elapsed().as_secs_f64(),
    };
    if exits_after {
        std::mem::forget(files);
        std::mem::forget(site);
        std::mem::forget(content);
    }
    (Ok((report, print)), diags)
}

/// Render errors as diagnostics, one per distinct message: a mistake in a template repeats on
/// every page made with it (ten thousand times on a national catalogue). The first page names
/// it; a note counts the others.
pub(crate) fn render_diagnostics(
    errors: Vec<render::RenderError>,
    file: &Path,
) -> Vec<diagnostics::Diagnostic> {
    let mut groups: Vec<(render::RenderError, usize)> = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for e in errors {
        match seen.get(&e.message) {
            Some(&i) => groups[i].1 += 1,
            None => {
                seen.insert(e.message.clone(), groups.len());
                groups.push((e, 0));
            }
        }
    }
    groups
        .into_iter()
        .map(|(e, more)| {
            let d = diagnostics::Diagnostic::error(file, e.to_string());
            match more {
                0 => d,
                n => d.related(format!(
                    "the same error in {n} more {}",
                    if n == 1 { "output" } else { "outputs" }
                )),
            }
        })
        .collect()
}

/// Phase timings printed to stderr when `NIEMYET_TIMINGS` is set: where a build spends its
/// time, for `scripts/bench.sh` and profiling (not part of the normal output).
pub(crate) struct Phases {
    /// Wall clock and process CPU seconds at the last mark.
    last: Option<(Instant, f64)>,
}

impl Phases {
    /// Whether `NIEMYET_TIMINGS` asks for phase timings.
    pub(crate) fn enabled() -> bool {
        std::env::var_os("NIEMYET_TIMINGS").is_some()
    }

    pub(crate) fn new() -> Phases {
        Phases {
            last: Phases::enabled().then(|| (Instant::now(), cpu_seconds())),
        }
    }

    pub(crate) fn mark(&mut self, what: &str) {
        if let Some((last, last_cpu)) = self.last {
            let now = Instant::now();
            let cpu = cpu_seconds();
            // CPU beside wall time shows how well a phase uses the cores.
            eprintln!(
                "timing: {what:<16} {:>8.1} ms  cpu {:>7.1} ms{}",
                (now - last).as_secs_f64() * 1e3,
                (cpu - last_cpu) * 1e3,
                memory_note()
            );
            self.last = Some((now, cpu));
        }
    }
}

/// User + system CPU time of the whole process so far (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the stat line, in clock ticks (100 per second on
    // Linux).
    (ticks(11) + ticks(12)) / 100.0
}

/// Resident and peak memory so far (Linux), to see which phase sets the peak.
fn memory_note() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    match (kb("VmRSS:"), kb("VmHWM:")) {
        (Some(rss), Some(peak)) => {
            format!("   rss {:>4} MB, peak {:>4} MB", rss / 1024, peak / 1024)
        }
        _ => String::new(),
    }
}

/// Render every output of the site in memory.
pub fn render_site(
    site: &site::Site,
    theme: &theme::Theme,
    content_dir: &Path,
) -> Result<Vec<render::OutputFile>, Vec<render::RenderError>> {
    render_site_with(site, theme, content_dir, &BuildOptions::default())
}

pub fn render_site_with(
    site: &site::Site,
    theme: &theme::Theme,
    content_dir: &Path,
    options: &BuildOptions,
) -> Result<Vec<render::OutputFile>, Vec<render::RenderError>> {
    let engine = render::Engine::new(theme, site).map_err(|e| vec![e])?;
    let mut ctx = render::RenderContext::new(site, &engine, theme, content_dir);
    if let Some(d) = options.posting_date {
        ctx.posting_date = d;
    }
    render::render_all(&ctx)
}
