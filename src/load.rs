//! Stage 1: files → typed [`Content`], with every problem collected as a diagnostic.
//! Cross-references (ids, form files, duplicate codes) are checked later, in `validate`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::format::{self, Lang};
use crate::model::*;
use crate::reader::{Obj, Reader};
use crate::yaml::{self, Node, Pos};

/// Keys allowed at each place of the formats; also the source of truth for `niemyet schema`.
pub mod keys {
    pub const SITE: &[&str] = &[
        "title",
        "authority",
        "language",
        "base_url",
        "description",
        "contact",
        "feedback",
        "levels",
        "data_licence",
    ];
    pub const SITE_REQUIRED: &[&str] = &["title", "authority", "feedback", "levels"];
    pub const DATA_LICENCE: &[&str] = &["name", "url"];
    pub const DATA_LICENCE_REQUIRED: &[&str] = &["name"];
    pub const CONTACT: &[&str] = &["address", "phone", "email", "hours"];
    pub const FEEDBACK: &[&str] = &["agency", "address", "phone", "email", "url"];
    pub const FEEDBACK_REQUIRED: &[&str] = &["agency", "address"];
    pub const LEVEL: &[&str] = &["id", "name"];
    pub const LEVEL_REQUIRED: &[&str] = &["id", "name"];
    pub const FIELD: &[&str] = &["id", "name", "description"];
    pub const FIELD_REQUIRED: &[&str] = &["id", "name"];
    pub const UNIT: &[&str] = &[
        "id", "name", "level", "parent", "address", "phone", "email", "hours",
    ];
    pub const UNIT_REQUIRED: &[&str] = &["id", "name", "level", "address"];
    pub const PROCEDURE: &[&str] = &[
        "code",
        "title",
        "field",
        "level",
        "units",
        "audience",
        "keywords",
        "summary",
        "steps",
        "channels",
        "documents",
        "requirements",
        "result",
        "agency",
        "legal_basis",
        "online",
        "status",
        "effective",
        "updated",
        "history",
    ];
    pub const PROCEDURE_REQUIRED: &[&str] = &[
        "code",
        "title",
        "field",
        "level",
        "steps",
        "channels",
        "documents",
        "result",
        "agency",
    ];
    pub const CHANNEL: &[&str] = &[
        "method",
        "duration",
        "duration_max",
        "duration_note",
        "fees",
    ];
    pub const FEE: &[&str] = &[
        "name", "amount", "per", "from", "max", "max_per", "basis", "note",
    ];
    pub const DOCUMENT: &[&str] = &[
        "name",
        "form",
        "originals",
        "copies",
        "kind",
        "condition",
        "note",
    ];
    pub const LEGAL_ACT: &[&str] = &["number", "title", "issued", "issuer"];
    pub const ONLINE: &[&str] = &["level", "url"];
    pub const CHANGE: &[&str] = &["date", "decision", "change"];
    pub const PAGE: &[&str] = &["title", "order"];
    pub const RESULTS: &[&str] = &["period", "notes", "rows"];
    pub const RESULTS_REQUIRED: &[&str] = &["period", "rows"];
    /// Every key of a period is required.
    pub const PERIOD: &[&str] = &["from", "to", "label"];
    pub const RESULT_ROW: &[&str] = &[
        "unit",
        "field",
        "carried_over",
        "received",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "in_progress",
        "overdue",
        "withdrawn",
        "returned",
    ];
    pub const RESULT_ROW_REQUIRED: &[&str] = &["unit", "field", "received"];
    pub const RECEIVED_BY: &[&str] = &["online", "in_person", "postal"];
}

/// Largest content file read; anything bigger is a mistake (a pasted scan, a log), not a procedure.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Load `content_dir`. `shown_root` is the folder paths are displayed relative to.
pub fn load(content_dir: &Path, shown_root: &Path) -> (Option<Content>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let shown = |p: &Path| p.strip_prefix(shown_root).unwrap_or(p).to_path_buf();

    let mut sources = Sources::default();
    let site = read_yaml(&content_dir.join("site.yaml"), &shown, &mut diags).and_then(|file| {
        let node = parse_yaml(&file, &mut diags)?;
        let mut r = Reader::new(&file.path, file.text.clone());
        let site = site_config(&mut r, &node);
        diags.extend(r.diags);
        drop(node);
        sources.site = Some(file);
        site
    });
    let fields = read_yaml(&content_dir.join("fields.yaml"), &shown, &mut diags)
        .and_then(|file| {
            let node = parse_yaml(&file, &mut diags)?;
            let mut r = Reader::new(&file.path, file.text.clone());
            let fields = list_file(
                &mut r,
                &node,
                "field",
                keys::FIELD,
                keys::FIELD_REQUIRED,
                |r, o| Field {
                    id: id(r, o),
                    name: r.req_text(o, "name").value,
                    description: r.opt_text(o, "description"),
                    pos: o.pos,
                },
            );
            diags.extend(r.diags);
            drop(node);
            sources.fields = Some(file);
            Some(fields)
        })
        .unwrap_or_default();
    let units = read_yaml(&content_dir.join("units.yaml"), &shown, &mut diags)
        .and_then(|file| {
            let node = parse_yaml(&file, &mut diags)?;
            let mut r = Reader::new(&file.path, file.text.clone());
            let units = list_file(
                &mut r,
                &node,
                "unit",
                keys::UNIT,
                keys::UNIT_REQUIRED,
                |r, o| Unit {
                    id: id(r, o),
                    name: r.req_text(o, "name").value,
                    level: r.req_text(o, "level"),
                    parent: r.text(o, "parent"),
                    address: r.req_text(o, "address").value,
                    phone: r.opt_text(o, "phone"),
                    email: r.opt_text(o, "email"),
                    hours: r.opt_text(o, "hours"),
                    pos: o.pos,
                },
            );
            diags.extend(r.diags);
            drop(node);
            sources.units = Some(file);
            Some(units)
        })
        .unwrap_or_default();

    let procedure_files = files_under(
        &content_dir.join("procedures"),
        &["yaml", "yml"],
        &shown,
        &mut diags,
    );
    let results: Vec<(Option<Procedure>, Diagnostics)> = procedure_files
        .par_iter()
        .with_max_len(crate::WORK_PIECE)
        .map(|path| procedure_file(path, shown_root))
        .collect();
    let mut procedures = Vec::with_capacity(results.len());
    for (p, d) in results {
        diags.extend(d);
        procedures.extend(p);
    }

    let pages = files_under(&content_dir.join("pages"), &["md"], &shown, &mut diags)
        .iter()
        .filter_map(|path| page(path, &shown, &mut diags))
        .collect();
    let forms = form_files(&content_dir.join("forms"), content_dir, &shown, &mut diags);
    let mut results: Vec<Period> = files_under(
        &content_dir.join("results"),
        &["yaml", "yml"],
        &shown,
        &mut diags,
    )
    .iter()
    .filter_map(|path| {
        let file = read_yaml(path, &shown, &mut diags)?;
        let node = parse_yaml(&file, &mut diags)?;
        let mut r = Reader::new(&file.path, file.text.clone());
        let p = crate::results::load_period(&mut r, &node, path);
        diags.extend(r.diags);
        p
    })
    .collect();
    results.sort_by(|a, b| a.from.value.cmp(&b.from.value).then(a.file.cmp(&b.file)));

    let content = site.map(|site| Content {
        site,
        fields,
        units,
        procedures,
        pages,
        forms,
        results,
        sources,
    });
    (content, diags)
}

/// Load one procedure file on its own (for full loads, and for `serve`, which re-reads only
/// the files that changed).
pub fn procedure_file(path: &Path, shown_root: &Path) -> (Option<Procedure>, Diagnostics) {
    let shown = |p: &Path| p.strip_prefix(shown_root).unwrap_or(p).to_path_buf();
    let mut d = Diagnostics::default();
    let p = read_yaml(path, &shown, &mut d).and_then(|file| {
        let node = parse_yaml(&file, &mut d)?;
        let mut r = Reader::new(&file.path, file.text.clone());
        let p = procedure(&mut r, &node);
        d.extend(r.diags);
        p
    });
    (p, d)
}

/// Read a file as UTF-8 text (BOM and CRLF accepted), reporting what makes it unreadable.
pub fn read_text(path: &Path, shown: &Path, diags: &mut Diagnostics) -> Option<Arc<str>> {
    use std::io::Read;
    // One open: its size is asked of the open file, and the bytes read into a buffer of that size.
    let opened = fs::File::open(path).and_then(|f| f.metadata().map(|m| (f, m)));
    let (mut file, meta) = match opened {
        Ok(x) => x,
        Err(e) => {
            diags.push(Diagnostic::error(
                shown,
                format!("cannot read the file: {e}"),
            ));
            return None;
        }
    };
    if meta.len() > MAX_FILE_BYTES {
        diags.push(
            Diagnostic::error(shown, format!("the file is {} MB; content files are limited to {} MB", meta.len() / 1_048_576, MAX_FILE_BYTES / 1_048_576))
                .hint("a procedure file is a few kilobytes of text; check that the right file was saved here"),
        );
        return None;
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    // Through `take`: `File::read_to_end` would ask the size again (two more system calls a
    // file, a tenth of reading 10,000 files).
    let bytes = match (&mut file).take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        Ok(_) => bytes,
        Err(e) => {
            diags.push(Diagnostic::error(
                shown,
                format!("cannot read the file: {e}"),
            ));
            return None;
        }
    };
    decode_text(bytes, shown, diags)
}

/// The bytes of a file as text: UTF-8, a leading BOM dropped; anything else is reported at
/// the line and column of the first byte that is not UTF-8.
fn decode_text(bytes: Vec<u8>, shown: &Path, diags: &mut Diagnostics) -> Option<Arc<str>> {
    // simdutf8 checks Vietnamese text (two and three bytes a letter) several times faster
    // than the standard library, whose fast path is ASCII: 2 % of a 10,000-procedure build.
    if let Ok(s) = simdutf8::basic::from_utf8(&bytes) {
        return Some(Arc::from(s.strip_prefix('\u{feff}').unwrap_or(s)));
    }
    match std::str::from_utf8(&bytes) {
        Ok(s) => Some(Arc::from(s.strip_prefix('\u{feff}').unwrap_or(s))),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            let col = at
                - bytes[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |p| p + 1)
                + 1;
            let mut d = Diagnostic::error(shown, "the file is not UTF-8 text").hint(
                "save it as UTF-8 (in Notepad: Save As → Encoding: UTF-8; in Word, use a text editor instead)",
            );
            d.line = line as u32;
            d.col = col as u32;
            diags.push(d);
            None
        }
    }
}

/// Read a YAML file; parse it with [`parse_yaml`] (the tree borrows the file's text).
fn read_yaml(
    path: &Path,
    shown: &dyn Fn(&Path) -> PathBuf,
    diags: &mut Diagnostics,
) -> Option<SourceFile> {
    let shown = shown(path);
    let text = read_text(path, &shown, diags)?;
    Some(SourceFile { path: shown, text })
}

/// Load one procedure file from its bytes, as a build would (for fuzzing and tools).
pub fn procedure_from_bytes(shown: &Path, bytes: &[u8]) -> (Option<Procedure>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let procedure = decode_text(bytes.to_vec(), shown, &mut diags).and_then(|text| {
        let file = SourceFile {
            path: shown.to_path_buf(),
            text,
        };
        let node = parse_yaml(&file, &mut diags)?;
        let mut r = Reader::new(&file.path, file.text.clone());
        let p = procedure(&mut r, &node);
        diags.extend(r.diags);
        p
    });
    (procedure, diags)
}

/// Parse a file's text, reporting a syntax error at its line with a hint a clerk can act on.
fn parse_yaml<'f>(file: &'f SourceFile, diags: &mut Diagnostics) -> Option<Node<'f>> {
    match yaml::parse(&file.text) {
        Ok(node) => Some(node),
        Err(mut e) => {
            if e.message.contains("tab") {
                // The parser notices a tab late; point at the line whose indentation holds it.
                if let Some((i, line)) = file
                    .text
                    .lines()
                    .enumerate()
                    .skip(e.line.saturating_sub(1) as usize)
                    .find(|(_, l)| {
                        l.chars()
                            .take_while(|c| c.is_whitespace())
                            .any(|c| c == '\t')
                    })
                {
                    e.line = i as u32 + 1;
                    e.col = line.chars().position(|c| c == '\t').unwrap_or(0) as u32 + 1;
                }
            }
            let pos = Pos {
                line: e.line,
                col: e.col,
                offset: line_offset(&file.text, e.line, e.col),
                len: 1,
            };
            let mut d = Diagnostic::error(&file.path, format!("YAML syntax: {}", e.message))
                .at(pos, &file.text);
            if e.message.contains("tab") {
                d = d.hint("replace the tab at the start of the line with spaces (2 per level)");
            } else if e.message.contains("too large") || e.message.contains("too deeply") {
                d = d.hint("a procedure file holds plain keys and short lists; remove the repeated `*alias` references or the extra brackets");
            } else if e.message.contains("duplicate") {
                d = d.hint("each key may appear once in a mapping; remove or rename one of them");
            } else {
                d = d.hint(
                    "check the indentation and that text containing `: ` or `#` is in quotes",
                );
            }
            diags.push(d);
            None
        }
    }
}

fn line_offset(text: &str, line: u32, col: u32) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line_text = text[start.min(text.len())..].lines().next().unwrap_or("");
    start
        + line_text
            .char_indices()
            .nth(col.saturating_sub(1) as usize)
            .map_or(0, |(i, _)| i)
}

/// Sorted files with one of `exts` under `dir` (absent dir: none).
fn files_under(
    dir: &Path,
    exts: &[&str],
    shown: &dyn Fn(&Path) -> PathBuf,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let path = e.into_path();
                let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
                let hidden = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'));
                if exts.contains(&ext) && !hidden {
                    files.push(path);
                }
            }
            Ok(_) => {}
            Err(e) => {
                let p = e.path().map(shown).unwrap_or_else(|| shown(dir));
                diags.push(Diagnostic::error(&p, format!("cannot read: {e}")));
            }
        }
    }
    files
}

fn form_files(
    dir: &Path,
    content_dir: &Path,
    shown: &dyn Fn(&Path) -> PathBuf,
    diags: &mut Diagnostics,
) -> Vec<FormFile> {
    if !dir.exists() {
        return Vec::new();
    }
    let real_dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut forms = Vec::new();
    for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        // A link looping back to a parent folder, or an unreadable file: say so, never skip
        // it silently (a clerk would wonder where the form went).
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().map(shown).unwrap_or_else(|| shown(dir));
                let d = Diagnostic::error(&p, format!("cannot read: {e}"));
                diags.push(if e.loop_ancestor().is_some() {
                    d.hint("this link leads to a folder that holds it; copy the files themselves into content/forms/")
                } else {
                    d
                });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        // A symlink that leads out of forms/ would publish a file the clerk never meant to.
        let real = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !real.starts_with(&real_dir) {
            diags.push(
                Diagnostic::error(
                    &shown(path),
                    "this form file is a link to a file outside `content/forms/`",
                )
                .hint("copy the file itself into content/forms/ instead of linking to it"),
            );
            continue;
        }
        let rel = path.strip_prefix(content_dir).unwrap_or(path);
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        forms.push(FormFile { path: rel, size });
    }
    forms
}

/// A file holding a list of records (fields.yaml, units.yaml).
fn list_file<T>(
    r: &mut Reader,
    node: &Node,
    what: &str,
    allowed: &[&str],
    required: &[&str],
    mut f: impl FnMut(&mut Reader, &Obj) -> T,
) -> Vec<T> {
    let yaml::Value::Seq(items) = &node.value else {
        let d = r.error(
            node.pos,
            "",
            format!("expected a list of {what}s, found {}", node.value.kind()),
        );
        d.hint = Some(format!("start each {what} with `- id: …`"));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("[{i}]");
        if let Some(o) = r.obj(item, &path, allowed, required) {
            out.push(f(r, &o));
        }
    }
    out
}

/// Longest id: ids become file names (`linh-vuc/<id>.html`) and appear in URLs.
pub const MAX_ID_LEN: usize = 64;

/// Whether `id` is a plain slug: `a-z`, `0-9` and single inner hyphens, at most
/// [`MAX_ID_LEN`] long. Such an id is its own file name, so it can never name a path
/// outside the output folder (`../x`, `a/b`) nor collide with another id once folded.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

/// The `id` of a level, field or unit, which must be a safe slug (see [`is_safe_id`]).
fn id(r: &mut Reader, obj: &Obj) -> String {
    let id = r.req_text(obj, "id");
    if !id.value.is_empty() && !is_safe_id(&id.value) {
        let suggestion: String = crate::text::slugify(&id.value)
            .chars()
            .take(MAX_ID_LEN)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string();
        let d = r.error(
            id.pos,
            &obj.child("id"),
            format!("`{}` cannot be used as an id", id.value),
        );
        d.expected = Some(format!(
            "lowercase letters a–z without accents, digits and single hyphens, at most {MAX_ID_LEN} characters (ids become file names)"
        ));
        if !suggestion.is_empty() {
            d.hint = Some(format!(
                "write `{suggestion}`, and use the same id where it is referred to"
            ));
        }
    }
    id.value
}

pub(crate) fn http_url(r: &mut Reader, obj: &Obj, key: &str) -> Option<String> {
    let url = r.text(obj, key)?;
    let lower = url.value.trim().to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://"))
        && lower.len() > 8
        && !lower.contains(char::is_whitespace)
    {
        Some(url.value.trim().to_string())
    } else {
        let d = r.error(
            url.pos,
            &obj.child(key),
            format!("`{}` is not a web address", url.value),
        );
        d.expected = Some("an absolute address starting with https:// or http://".into());
        None
    }
}

fn site_config(r: &mut Reader, node: &Node) -> Option<SiteConfig> {
    let o = r.obj(node, "", keys::SITE, keys::SITE_REQUIRED)?;
    let language = match r.text(&o, "language") {
        None => Lang::Vi,
        Some(l) => Lang::parse(&l.value).unwrap_or_else(|| {
            let d = r.error(
                l.pos,
                "language",
                format!("unsupported language `{}`", l.value),
            );
            d.expected = Some("`vi` or `en`".into());
            Lang::Vi
        }),
    };
    let contact = o
        .get("contact")
        .and_then(|n| r.obj(n, "contact", keys::CONTACT, &[]))
        .map(|c| Contact {
            address: r.opt_text(&c, "address"),
            phone: r.opt_text(&c, "phone"),
            email: r.opt_text(&c, "email"),
            hours: r.opt_text(&c, "hours"),
        })
        .unwrap_or_default();
    let feedback = o
        .get("feedback")
        .and_then(|n| r.obj(n, "feedback", keys::FEEDBACK, keys::FEEDBACK_REQUIRED))
        .map(|f| Feedback {
            agency: r.req_text(&f, "agency").value,
            address: r.req_text(&f, "address").value,
            phone: r.opt_text(&f, "phone"),
            email: r.opt_text(&f, "email"),
            url: http_url(r, &f, "url"),
        })
        .unwrap_or_default();
    let mut levels = Vec::new();
    for (path, n) in r.list(&o, "levels", "a list of levels, each `{id, name}`") {
        if let Some(l) = r.obj(n, &path, keys::LEVEL, keys::LEVEL_REQUIRED) {
            levels.push(Level {
                id: id(r, &l),
                name: r.req_text(&l, "name").value,
                pos: l.pos,
            });
        }
    }
    let data_licence = o
        .get("data_licence")
        .and_then(|n| {
            r.obj(
                n,
                "data_licence",
                keys::DATA_LICENCE,
                keys::DATA_LICENCE_REQUIRED,
            )
        })
        .map(|l| DataLicence {
            name: r.req_text(&l, "name").value,
            url: http_url(r, &l, "url"),
        })
        .unwrap_or_default();
    let base_url =
        http_url(r, &o, "base_url").map(|u| if u.ends_with('/') { u } else { format!("{u}/") });
    Some(SiteConfig {
        title: r.req_text(&o, "title").value,
        authority: r.req_text(&o, "authority").value,
        language,
        base_url,
        description: r.opt_text(&o, "description"),
        contact,
        feedback,
        levels,
        data_licence,
    })
}

fn duration(r: &mut Reader, obj: &Obj, key: &str) -> Option<format::Duration> {
    let text = r.text(obj, key)?;
    match format::parse_duration(&text.value) {
        Ok(d) => Some(d),
        Err(e) => {
            let d = r.error(text.pos, &obj.child(key), e.to_string());
            d.expected = Some(
                "`same day`, `3 working days`, `15 days`, `4 hours`, `2 months`, or in Vietnamese `trong ngày`, `03 ngày làm việc`, `15 ngày`, `4 giờ`, `2 tháng`"
                    .into(),
            );
            None
        }
    }
}

fn procedure(r: &mut Reader, node: &Node) -> Option<Procedure> {
    let o = r.obj(node, "", keys::PROCEDURE, keys::PROCEDURE_REQUIRED)?;
    let code = r.req_text(&o, "code");
    if !code.value.is_empty()
        && !code
            .value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        let d = r.error(
            code.pos,
            "code",
            format!("`{}` is not a procedure code", code.value),
        );
        d.expected = Some("digits and dots as in the national database, e.g. \"1.001193\" (a suffix like \"1.012753.H19\" is fine)".into());
    }
    let mut channels = Vec::new();
    let channel_items = r.list(&o, "channels", "a list of submission channels");
    if channel_items.is_empty() && o.get("channels").is_some() {
        let pos = o.get("channels").map_or(o.pos, |n| n.pos);
        r.error(
            pos,
            "channels",
            "a procedure needs at least one channel (in_person, online or postal)",
        );
    }
    for (path, n) in channel_items {
        let Some(c) = r.obj(n, &path, keys::CHANNEL, &["method", "duration"]) else {
            continue;
        };
        let method = r
            .choice(&c, "method", &Method::NAMES)
            .and_then(Method::parse);
        let duration_v = duration(r, &c, "duration");
        let duration_max = duration(r, &c, "duration_max");
        if let (Some(min), Some(max)) = (duration_v, duration_max)
            && max.sort_key() < min.sort_key()
        {
            let pos = c.get("duration_max").map_or(c.pos, |n| n.pos);
            r.error(pos, &c.child("duration_max"), "the longest duration is shorter than the usual one")
                    .hint = Some("`duration_max` is the bound when verification is needed; it must not be shorter than `duration`".into());
        }
        let mut fees = Vec::new();
        for (fpath, fnode) in r.list(&c, "fees", "a list of fees") {
            let Some(f) = r.obj(fnode, &fpath, keys::FEE, &["name"]) else {
                continue;
            };
            let fee = Fee {
                name: r.req_text(&f, "name").value,
                amount: r
                    .uint(&f, "amount", "the fee amount in đồng")
                    .map(|l| l.value),
                per: r.opt_text(&f, "per"),
                from: r
                    .uint(&f, "from", "the first unit this rate applies to")
                    .map(|l| l.value as u32),
                max: r.uint(&f, "max", "the cap in đồng").map(|l| l.value),
                max_per: r.opt_text(&f, "max_per"),
                basis: r.opt_text(&f, "basis"),
                note: r.opt_text(&f, "note"),
            };
            if fee.amount.is_none() && fee.basis.is_none() && f.get("amount").is_none() {
                r.error(f.pos, &fpath, "a fee needs an `amount` (whole đồng) or a `basis` (the act that sets it)")
                    .hint = Some("when the amount is set by the provincial council and not known, write `basis: Theo Nghị quyết của HĐND tỉnh`".into());
            }
            fees.push(fee);
        }
        if let (Some(method), Some(duration_v)) = (method, duration_v) {
            channels.push(Channel {
                method,
                duration: duration_v,
                duration_max,
                duration_note: r.opt_text(&c, "duration_note"),
                fees,
                pos: c.pos,
            });
        }
    }
    let mut documents = Vec::new();
    for (path, n) in r.list(&o, "documents", "a list of documents") {
        let Some(d) = r.obj(n, &path, keys::DOCUMENT, &["name"]) else {
            continue;
        };
        documents.push(Document {
            name: r.req_text(&d, "name").value,
            form: r.text(&d, "form"),
            originals: r
                .uint(&d, "originals", "the number of originals")
                .map_or(1, |l| l.value.min(1000) as u32),
            copies: r
                .uint(&d, "copies", "the number of copies")
                .map_or(0, |l| l.value.min(1000) as u32),
            kind: match r.choice(&d, "kind", &["submit", "show"]) {
                Some("show") => DocumentKind::Show,
                _ => DocumentKind::Submit,
            },
            condition: r.opt_text(&d, "condition"),
            note: r.opt_text(&d, "note"),
        });
    }
    let mut legal_basis = Vec::new();
    for (path, n) in r.list(&o, "legal_basis", "a list of legal acts") {
        let Some(a) = r.obj(n, &path, keys::LEGAL_ACT, &["number", "title"]) else {
            continue;
        };
        legal_basis.push(LegalAct {
            number: r.req_text(&a, "number").value,
            title: r.req_text(&a, "title").value,
            issued: r.date(&a, "issued").map(|d| d.value),
            issuer: r.opt_text(&a, "issuer"),
        });
    }
    let online = o
        .get("online")
        .and_then(|n| r.obj(n, "online", keys::ONLINE, &["level"]))
        .map(|on| Online {
            level: match r.choice(&on, "level", &["full", "partial"]) {
                Some("full") => OnlineLevel::Full,
                _ => OnlineLevel::Partial,
            },
            url: http_url(r, &on, "url"),
        });
    let mut history = Vec::new();
    for (path, n) in r.list(&o, "history", "a list of changes") {
        let Some(h) = r.obj(n, &path, keys::CHANGE, &["date", "decision", "change"]) else {
            continue;
        };
        let (date, decision, change) = (
            r.date(&h, "date"),
            r.req_text(&h, "decision").value,
            r.req_text(&h, "change").value,
        );
        if let Some(date) = date {
            history.push(Change {
                date: date.value,
                decision,
                change,
            });
        }
    }
    history.sort_by_key(|h| std::cmp::Reverse(h.date));
    let steps: Vec<String> = r
        .text_list(
            &o,
            "steps",
            "a list of steps, each a line starting with `- `",
        )
        .into_iter()
        .map(|l| l.value)
        .collect();
    if steps.is_empty() && matches!(o.get("steps").map(|n| &n.value), Some(yaml::Value::Seq(_))) {
        let pos = o.get("steps").map_or(o.pos, |n| n.pos);
        r.error(pos, "steps", "a procedure needs at least one step");
    }
    let audience = r.text_list(&o, "audience", "a list such as [citizen, organization]");
    let audience = audience
        .into_iter()
        .filter_map(|a| {
            if AUDIENCES.contains(&a.value.as_str()) {
                Some(a.value)
            } else {
                let d = r.error(
                    a.pos,
                    "audience",
                    format!("`{}` is not a known audience", a.value),
                );
                d.expected = Some(format!(
                    "one of {}",
                    crate::diagnostics::list_some(AUDIENCES, 10)
                ));
                if let Some(s) = crate::diagnostics::did_you_mean(&a.value, AUDIENCES) {
                    d.hint = Some(format!("did you mean `{s}`?"));
                }
                None
            }
        })
        .collect();
    Some(Procedure {
        file: r.file.to_path_buf(),
        text: r.src.clone(),
        title: r.req_text(&o, "title").value,
        field: r.req_text(&o, "field"),
        level: r.req_text(&o, "level"),
        units: r.text_list(&o, "units", "a list of unit ids"),
        audience,
        keywords: r
            .text_list(&o, "keywords", "a list of words")
            .into_iter()
            .map(|l| l.value)
            .collect(),
        summary: r.opt_text(&o, "summary"),
        steps,
        channels,
        documents,
        requirements: r.opt_text(&o, "requirements"),
        result: r.req_text(&o, "result").value,
        agency: r.req_text(&o, "agency").value,
        legal_basis,
        online,
        status: match r.choice(&o, "status", &["active", "abolished"]) {
            Some("abolished") => Status::Abolished,
            _ => Status::Active,
        },
        effective: r.date(&o, "effective").map(|d| d.value),
        updated: r.date(&o, "updated"),
        history,
        code,
        pos: o.pos,
    })
}

/// A free page: Markdown with YAML front matter between `---` lines.
fn page(path: &Path, shown: &dyn Fn(&Path) -> PathBuf, diags: &mut Diagnostics) -> Option<Page> {
    let shown_path = shown(path);
    let text = read_text(path, &shown_path, diags)?;
    let slug_from_name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .map(|s| crate::site::short_slug(&crate::text::slugify(s), crate::site::MAX_SLUG_LEN))
        .unwrap_or_default();
    let normalized = text.replace("\r\n", "\n");
    let Some(rest) = normalized.strip_prefix("---\n") else {
        diags.push(
            Diagnostic::error(&shown_path, "the page has no front matter")
                .hint("start the file with\n---\ntitle: …\norder: 1\n---"),
        );
        return None;
    };
    let Some(end) = rest
        .find("\n---\n")
        .or_else(|| rest.strip_suffix("\n---").map(|s| s.len()))
    else {
        diags.push(
            Diagnostic::error(&shown_path, "the front matter is not closed")
                .hint("add a line `---` after the last key"),
        );
        return None;
    };
    // Pad the `---` line with spaces so positions count from the top of the file.
    let front = format!("   \n{}\n", &rest[..end]);
    let body = rest.get(end + 5..).unwrap_or("").to_string();
    let node = match yaml::parse(&front) {
        Ok(n) => n,
        Err(e) => {
            let src: Arc<str> = Arc::from(normalized.as_str());
            let pos = Pos {
                line: e.line,
                col: e.col,
                offset: line_offset(&src, e.line, e.col),
                len: 1,
            };
            diags.push(
                Diagnostic::error(
                    &shown_path,
                    format!("YAML syntax in front matter: {}", e.message),
                )
                .at(pos, &src),
            );
            return None;
        }
    };
    let mut r = Reader::new(&shown_path, Arc::from(front.as_str()));
    let o = r.obj(&node, "", keys::PAGE, &["title"]);
    let page = o.map(|o| Page {
        file: shown_path.clone(),
        slug: if slug_from_name.is_empty() {
            "trang".into()
        } else {
            slug_from_name
        },
        title: r.req_text(&o, "title").value,
        order: r.int(&o, "order").unwrap_or(0),
        body,
    });
    // Show the page's own text in snippets, not the padded copy.
    let full: Arc<str> = Arc::from(normalized.as_str());
    for mut d in r.diags.items {
        d.source = Some(full.clone());
        diags.push(d);
    }
    page
}
