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

/// The whole pipeline. On any error nothing is written and the previous output stays.
pub fn build(paths: &Paths, strict: bool) -> (Result<Report, Failure>, Diagnostics) {
    let start = Instant::now();
    if !paths.content.is_dir() {
        return (
            Err(Failure::Io(format!(
                "there is no content folder at `{}`; run niemyet from a site folder, pass --content DIR, or create a site with `niemyet init DIR`",
                paths.content.display()
            ))),
            Diagnostics::default(),
        );
    }
    if let Err(e) = output::check_output_dir(&paths.output, &paths.content, &paths.root) {
        return (Err(Failure::Io(e.0)), Diagnostics::default());
    }
    // Before anything can fail: put back an output a killed run left moved aside.
    output::clean_leftovers(&paths.output);
    let (content, mut diags) = check(paths, strict);
    let Some(content) = content else {
        return (Err(Failure::Content), diags);
    };
    let theme = match theme::Theme::load(paths.theme.as_deref()) {
        Ok(t) => t,
        Err(e) => return (Err(Failure::Io(e.0)), diags),
    };
    let site = site::Site::build(&content);
    let files = match render_site(&site, &theme, &paths.content) {
        Ok(files) => files,
        Err(errors) => {
            for e in errors {
                diags.push(diagnostics::Diagnostic::error(Path::new(""), e.to_string()));
            }
            return (Err(Failure::Content), diags);
        }
    };
    let stats = match output::write_site(&paths.output, &files) {
        Ok(s) => s,
        Err(e) => return (Err(Failure::Io(e.0)), diags),
    };
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    let report = Report {
        procedures: site.procedures.len(),
        pages,
        files: stats.files,
        unchanged: stats.unchanged,
        seconds: start.elapsed().as_secs_f64(),
    };
    (Ok(report), diags)
}

/// Render every output of the site in memory.
pub fn render_site(
    site: &site::Site,
    theme: &theme::Theme,
    content_dir: &Path,
) -> Result<Vec<render::OutputFile>, Vec<render::RenderError>> {
    let engine = render::Engine::new(theme, site).map_err(|e| vec![e])?;
    let ctx = render::RenderContext::new(site, &engine, theme, content_dir);
    render::render_all(&ctx)
}
