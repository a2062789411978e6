//! Problems found in content, collected over a whole run and printed for people:
//! file:line:col, the field path, what was expected, a hint, and the source line with a caret.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::yaml::Pos;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as shown to the user (relative to the site folder where possible).
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
    /// Length of the underlined span in characters (at least 1).
    pub width: usize,
    /// Field path such as `channels[1].fees[0].amount`; empty for whole-file problems.
    pub field: String,
    pub message: String,
    pub expected: Option<String>,
    pub hint: Option<String>,
    /// Other places involved (e.g. the first file that used a duplicated code).
    pub related: Vec<String>,
    /// The source text, shared by every diagnostic of that file, to print the offending line.
    pub source: Option<Arc<str>>,
}

impl Diagnostic {
    pub fn error(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line: 0,
            col: 0,
            width: 1,
            field: String::new(),
            message: message.into(),
            expected: None,
            hint: None,
            related: Vec::new(),
            source: None,
        }
    }

    pub fn warning(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, pos: Pos, source: &Arc<str>) -> Diagnostic {
        self.line = pos.line;
        self.col = pos.col;
        self.source = Some(source.clone());
        self.width = source
            .get(pos.offset..pos.offset + pos.len)
            .map(|s| s.lines().next().unwrap_or("").chars().count())
            .unwrap_or(1)
            .max(1);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Diagnostic {
        self.field = field.into();
        self
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn related(mut self, note: impl Into<String>) -> Diagnostic {
        self.related.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Render rustc-style. `color` adds ANSI colours for terminals.
    pub fn render(&self, color: bool) -> String {
        let (label, paint) = match self.severity {
            Severity::Error => ("error", "\x1b[1;31m"),
            Severity::Warning => ("warning", "\x1b[1;33m"),
        };
        let (bold, blue, reset) = if color {
            ("\x1b[1m", "\x1b[1;34m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        let paint = if color { paint } else { "" };
        let mut out = String::new();
        let _ = write!(out, "{paint}{label}{reset}{bold}: ");
        if !self.field.is_empty() {
            let _ = write!(out, "`{}`: ", self.field);
        }
        let _ = writeln!(out, "{}{reset}", self.message);
        let location = if self.line > 0 {
            format!("{}:{}:{}", self.file.display(), self.line, self.col)
        } else {
            self.file.display().to_string()
        };
        // Theme errors carry their own location (Tera prints it); they have no file of ours.
        if !self.file.as_os_str().is_empty() {
            let _ = writeln!(out, "  {blue}-->{reset} {location}");
        }
        if let (Some(src), true) = (&self.source, self.line > 0)
            && let Some(text) = src.lines().nth(self.line as usize - 1)
        {
            let number = self.line.to_string();
            let gutter = " ".repeat(number.len());
            let text = text.trim_end_matches('\r').replace('\t', " ");
            let (text, col) = snippet_window(&text, self.col.saturating_sub(1) as usize);
            let lead = " ".repeat(col);
            let carets = "^".repeat(
                self.width
                    .min(text.chars().count().saturating_sub(col).max(1)),
            );
            let _ = writeln!(out, "  {blue}{gutter} |{reset}");
            let _ = writeln!(out, "  {blue}{number} |{reset} {text}");
            let _ = writeln!(
                out,
                "  {blue}{gutter} |{reset} {lead}{paint}{carets}{reset}"
            );
        }
        for (word, text) in [("expected", &self.expected), ("help", &self.hint)] {
            if let Some(text) = text {
                let _ = writeln!(out, "  {blue}={reset} {bold}{word}{reset}: {text}");
            }
        }
        for note in &self.related {
            let _ = writeln!(out, "  {blue}={reset} {bold}note{reset}: {note}");
        }
        out
    }
}

/// A long source line (a minified or hostile file) is cut to a window around the column, so
/// one error never prints kilobytes; returns the shown text and the column within it.
fn snippet_window(text: &str, col: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= WIDTH {
        return (text.to_string(), col);
    }
    let start = col
        .saturating_sub(WIDTH / 2)
        .min(chars.len().saturating_sub(WIDTH));
    let end = (start + WIDTH).min(chars.len());
    let mut shown = String::new();
    let mut col = col - start;
    if start > 0 {
        shown.push('…');
        col += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, col)
}

/// All diagnostics of a run, in a stable order (file, line, column).
#[derive(Clone, Default, Debug)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.col, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.col, b.severity, &b.message))
        });
    }

    /// Print every diagnostic and a closing count to stderr.
    pub fn print(&mut self, color: bool) {
        self.sort();
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&d.render(color));
            out.push('\n');
        }
        eprint!("{out}");
    }
}

/// "did you mean …" from a list of valid names (Jaro-Winkler, as close names share prefixes).
/// Failing that, a name sharing a run of 4 letters with the input (`by_post` → `postal`).
pub fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let close = candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(given, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c);
    close.or_else(|| {
        let chars: Vec<char> = given.chars().collect();
        let shares = |c: &str| {
            chars
                .windows(4)
                .any(|w| c.contains(&w.iter().collect::<String>()))
        };
        let mut sharing = candidates.iter().filter(|c| shares(c));
        match (sharing.next(), sharing.next()) {
            (Some(c), None) => Some(*c),
            _ => None,
        }
    })
}

/// List up to `n` names for an "available: …" hint.
pub fn list_some<'a>(names: impl IntoIterator<Item = &'a str>, n: usize) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let shown: Vec<String> = names.iter().take(n).map(|s| format!("`{s}`")).collect();
    if names.len() > n {
        format!("{} and {} more", shown.join(", "), names.len() - n)
    } else {
        shown.join(", ")
    }
}

/// `n` and an English noun, singular or plural: `1 error`, `2 errors`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(count(0, "error"), "0 errors");
        assert_eq!(count(1, "procedure"), "1 procedure");
        assert_eq!(count(2, "warning"), "2 warnings");
    }

    #[test]
    fn renders_like_rustc() {
        let src: Arc<str> = Arc::from("code: \"1\"\ndocumets: []\n");
        let d = Diagnostic::error(
            Path::new("content/procedures/a.yaml"),
            "unknown key `documets`",
        )
        .at(
            Pos {
                line: 2,
                col: 1,
                offset: 10,
                len: 8,
            },
            &src,
        )
        .field("documets")
        .hint("did you mean `documents`?");
        let text = d.render(false);
        assert!(text.contains("--> content/procedures/a.yaml:2:1"), "{text}");
        assert!(text.contains("2 | documets: []"), "{text}");
        assert!(text.contains("  | ^^^^^^^^\n"), "{text}");
        assert!(text.contains("help: did you mean `documents`?"), "{text}");
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("documets", ["documents", "steps"]),
            Some("documents")
        );
        assert_eq!(did_you_mean("zzz", ["documents", "steps"]), None);
        assert_eq!(
            did_you_mean("by_post", ["in_person", "online", "postal"]),
            Some("postal")
        );
    }
}
