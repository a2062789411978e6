//! Build-wide constants written into the templates when they are compiled.
//!
//! A template prints a UI string as `{{ t.proc.code }}`: at render time Tera looks `t` up in
//! the context, then `proc`, then `code`, clones the string and escapes it, about 80 times a
//! procedure page. The UI strings (one language per site), `lang` and the site's own texts
//! (`{{ site.title }}`) are fixed for a build, so each such expression is replaced by the text
//! it would print, already escaped, before the templates are compiled. The output is the same
//! bytes; only the work moves to compile time.
//!
//! Anything less plain keeps its lookup: expressions with filters, whitespace control or
//! another shape, paths the constants lack (the render then fails with Tera's message, as
//! before), and texts holding template syntax or a line break. Nothing is replaced at all when
//! a template binds one of the names (`{% set t = … %}`, a loop variable, a macro argument):
//! the expression might then not mean the constant. Nor when a template is not escaped by
//! default, since an included template is escaped as the one that includes it.

use std::borrow::Cow;
use std::collections::HashMap;

/// Templates with every plain `{{ name.path }}` of `constants` (full paths: `t.proc.code`,
/// `site.title`, `lang`) replaced by its escaped text; unchanged when a template binds one of
/// the constants' first names or is not escaped by default (see the module's text).
pub fn inline<'a>(
    templates: Vec<(&'a str, &'a str)>,
    constants: &HashMap<String, String>,
    escaped: impl Fn(&str) -> bool,
) -> Vec<(&'a str, Cow<'a, str>)> {
    let roots: Vec<&str> = constants
        .keys()
        .map(|k| k.split('.').next().unwrap_or(k))
        .collect();
    let safe = templates.iter().all(|(name, source)| {
        escaped(name) && !bound_names(source).iter().any(|n| roots.contains(n))
    });
    templates
        .into_iter()
        .map(|(name, source)| {
            let source = if safe {
                replace(source, constants)
            } else {
                Cow::Borrowed(source)
            };
            (name, source)
        })
        .collect()
}

/// The constants of a build by path: every UI string as `t.group.key` (as `t` shows them to
/// templates, see `TemplateStrings`), `lang`, and each text of `site` outside its lists.
pub fn constants(
    strings: &HashMap<String, String>,
    lang: &str,
    site: &impl serde::Serialize,
) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = strings
        .iter()
        // `t.a.b.c` does not reach the key `a.b.c` (`t.a["b.c"]` does).
        .filter(|(k, _)| k.matches('.').count() <= 1)
        .map(|(k, v)| (format!("t.{k}"), v.clone()))
        .collect();
    out.insert("lang".into(), lang.into());
    if let Ok(value) = serde_json::to_value(site) {
        texts("site", &value, &mut out);
    }
    out
}

/// The strings of `value` by path, into maps but not lists.
fn texts(path: &str, value: &serde_json::Value, out: &mut HashMap<String, String>) {
    match value {
        serde_json::Value::String(s) => {
            out.insert(path.to_string(), s.clone());
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                texts(&format!("{path}.{k}"), v, out);
            }
        }
        _ => {}
    }
}

/// A piece of template source: text, or a tag with its delimiters.
enum Piece<'a> {
    Text(&'a str),
    /// `{{ … }}` with the text between the delimiters.
    Expr(&'a str, &'a str),
    /// `{% … %}`, `{# … #}`, or a whole `{% raw %} … {% endraw %}` block.
    Other(&'a str),
    /// `{% … %}`'s inside, to look for bindings.
    Tag(&'a str, &'a str),
}

/// Split `source` into text and tags as Tera's lexer does, closing delimiters inside a tag's
/// string literals left alone. An unclosed tag runs to the end (Tera reports it when compiling).
fn pieces(source: &str) -> Vec<Piece<'_>> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i + 1 < b.len() {
        let close = match (b[i], b[i + 1]) {
            (b'{', b'{') => b'}',
            (b'{', b'%') => b'%',
            (b'{', b'#') => b'#',
            _ => {
                i += 1;
                continue;
            }
        };
        if start < i {
            out.push(Piece::Text(&source[start..i]));
        }
        let end = tag_end(b, i + 2, close);
        let whole = &source[i..end];
        let inside = &source[i + 2..end.saturating_sub(2).max(i + 2)];
        let piece = match close {
            b'}' => Piece::Expr(whole, inside),
            b'%' if is_raw(inside) => {
                let end = raw_end(source, end);
                out.push(Piece::Other(&source[i..end]));
                start = end;
                i = end;
                continue;
            }
            b'%' => Piece::Tag(whole, inside),
            _ => Piece::Other(whole),
        };
        out.push(piece);
        start = end;
        i = end;
    }
    if start < source.len() {
        out.push(Piece::Text(&source[start..]));
    }
    out
}

/// The index after the `close}` (or `close%`, `#}`) that ends a tag opened before `from`.
fn tag_end(b: &[u8], from: usize, close: u8) -> usize {
    let close_pair = [close, b'}'];
    let mut i = from;
    let mut quote = None;
    while i < b.len() {
        match quote {
            Some(q) if b[i] == q => quote = None,
            Some(_) => {}
            None if close != b'#' && matches!(b[i], b'"' | b'\'' | b'`') => quote = Some(b[i]),
            None if b[i] == close_pair[0] && b.get(i + 1) == Some(&close_pair[1]) => {
                return i + 2;
            }
            None => {}
        }
        i += 1;
    }
    b.len()
}

fn trim_tag(inside: &str) -> &str {
    inside
        .trim()
        .trim_start_matches('-')
        .trim_end_matches('-')
        .trim()
}

fn is_raw(inside: &str) -> bool {
    trim_tag(inside) == "raw"
}

/// The index after the `{% endraw %}` that closes a raw block whose opening tag ends at `from`.
fn raw_end(source: &str, from: usize) -> usize {
    let mut at = from;
    while let Some(open) = source[at..].find("{%") {
        let open = at + open;
        let end = tag_end(source.as_bytes(), open + 2, b'%');
        if trim_tag(&source[open + 2..end.saturating_sub(2).max(open + 2)]) == "endraw" {
            return end;
        }
        at = end;
    }
    source.len()
}

/// The names a template binds in its tags (`set`, `set_global`, `for`, macro and component
/// arguments), which could hide a global of the same name.
fn bound_names(source: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for piece in pieces(source) {
        let Piece::Tag(_, inside) = piece else {
            continue;
        };
        let words = idents(trim_tag(inside));
        match words.first().copied() {
            Some("set" | "set_global") => names.extend(words.get(1).copied()),
            Some("for") => names.extend(words[1..].iter().take_while(|w| **w != "in")),
            // Every word of a definition: its arguments, and their defaults' words too (a
            // name too many only keeps the lookups).
            Some("macro" | "component") => names.extend(&words[1..]),
            _ => {}
        }
    }
    names
}

/// The identifiers of a tag's code, outside string literals, attributes (`x.t`) left out.
fn idents(code: &str) -> Vec<&str> {
    let b = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let (mut out, mut i, mut quote) = (Vec::new(), 0, None);
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else if matches!(c, b'"' | b'\'' | b'`') {
            quote = Some(c);
        } else if ident(c) {
            let start = i;
            while i < b.len() && ident(b[i]) {
                i += 1;
            }
            if start == 0 || b[start - 1] != b'.' {
                out.push(&code[start..i]);
            }
            continue;
        }
        i += 1;
    }
    out
}

/// `source` with each plain `{{ path }}` of `constants` replaced by its escaped text.
fn replace<'a>(source: &'a str, constants: &HashMap<String, String>) -> Cow<'a, str> {
    let mut out = String::with_capacity(source.len());
    let mut changed = false;
    for piece in pieces(source) {
        match piece {
            Piece::Expr(whole, inside) => match constant(inside, constants) {
                Some(text) => {
                    let mut escaped = Vec::with_capacity(text.len());
                    // The same function Tera escapes with; writing to a Vec cannot fail.
                    let _ = tera::escape_html(text, &mut escaped);
                    out.push_str(&String::from_utf8_lossy(&escaped));
                    changed = true;
                }
                None => out.push_str(whole),
            },
            Piece::Text(s) | Piece::Other(s) | Piece::Tag(s, _) => out.push_str(s),
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(source)
    }
}

/// The text a `{{ … }}` prints, when it is exactly a path of `constants` (` t.group.key `)
/// and the text holds no template syntax of its own.
fn constant<'s>(inside: &str, constants: &'s HashMap<String, String>) -> Option<&'s str> {
    // Whitespace control (`{{-`, `-}}`) trims the text around: not a plain expression.
    if inside.starts_with('-') || inside.ends_with('-') {
        return None;
    }
    let path = inside.trim();
    let word = |w: &str| {
        !w.is_empty()
            && w.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
            && !w.as_bytes()[0].is_ascii_digit()
    };
    if !path.split('.').all(word) {
        return None;
    }
    let text = constants.get(path)?;
    // Template syntax would be compiled; a line break would move the template's later lines
    // in Tera's messages.
    let plain = !["{{", "{%", "{#", "\n"].iter().any(|s| text.contains(s));
    plain.then_some(text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constants() -> HashMap<String, String> {
        [
            ("t.proc.code", "Mã thủ tục"),
            ("t.proc.fees", "Phí & lệ phí <VND>"),
            ("t.nav.home", "Trang \"chủ\""),
            ("t.odd.tpl", "a {{ b }}"),
            ("t.odd.lines", "a\nb"),
            ("site.title", "Thủ tục hành chính"),
            ("site.feedback.email", "a@b.vn"),
            ("lang", "vi"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn one(source: &str) -> String {
        let out = inline(vec![("a.html", source)], &constants(), |_| true);
        out[0].1.to_string()
    }

    #[test]
    fn plain_lookups_become_escaped_text() {
        assert_eq!(
            one("<th>{{ t.proc.code }}</th><td>{{t.proc.fees}}</td>"),
            "<th>Mã thủ tục</th><td>Phí &amp; lệ phí &lt;VND&gt;</td>"
        );
        assert_eq!(
            one("<a title=\"{{ t.nav.home }}\">"),
            "<a title=\"Trang &quot;chủ&quot;\">"
        );
        assert_eq!(
            one("<html lang=\"{{ lang }}\"><h1>{{ site.title }}</h1>{{ site.feedback.email }}"),
            "<html lang=\"vi\"><h1>Thủ tục hành chính</h1>a@b.vn"
        );
    }

    #[test]
    fn anything_less_plain_keeps_its_lookup() {
        for source in [
            "{{ t.proc.code | upper }}",
            "{{- t.proc.code }}",
            "{{ t.proc.code -}}",
            "{{ t[\"proc.code\"] }}",
            "{{ t.proc.missing }}",
            "{{ t.odd.tpl }}",
            "{{ t.odd.lines }}",
            "{{ site }}",
            "{{ x.t.proc.code }}",
            "{% if t.proc.code %}{% endif %}",
            "{# {{ t.proc.code }} #}",
            "{% raw %}{{ t.proc.code }}{% endraw %}",
            "{%- raw -%}{{ t.proc.code }}{%- endraw -%}",
            "{{ \"}}\" ~ t.proc.code }}",
        ] {
            assert_eq!(one(source), source, "{source}");
        }
        // Text around a kept block is still replaced.
        assert_eq!(
            one("{% raw %}{{ lang }}{% endraw %}{{ lang }}"),
            "{% raw %}{{ lang }}{% endraw %}vi"
        );
    }

    #[test]
    fn a_template_binding_a_name_turns_inlining_off() {
        for binding in [
            "{% set t = 1 %}",
            "{%- set site = 1 -%}",
            "{% for lang in items %}{% endfor %}",
            "{% for k, t in items %}{% endfor %}",
            "{% macro m(a, t=1) %}{% endmacro %}",
            "{% set_global t = x %}",
        ] {
            let out = inline(
                vec![("a.html", "{{ t.proc.code }}"), ("b.html", binding)],
                &constants(),
                |_| true,
            );
            assert_eq!(out[0].1, "{{ t.proc.code }}", "{binding}");
        }
        // Reading the names binds nothing.
        let out = inline(
            vec![
                ("a.html", "{{ t.proc.code }}"),
                (
                    "b.html",
                    "{% if lang == \"vi\" and t.proc.code and t[\"x\"] %}{% endif %}\
                     {% for x in site.fields %}{% set y = p.t %}{% endfor %}",
                ),
            ],
            &constants(),
            |_| true,
        );
        assert_eq!(out[0].1, "Mã thủ tục");
    }

    #[test]
    fn a_template_not_escaped_by_default_turns_inlining_off() {
        let out = inline(
            vec![("a.html", "{{ t.proc.code }}"), ("b.txt", "x")],
            &constants(),
            |name| name.ends_with(".html"),
        );
        assert_eq!(out[0].1, "{{ t.proc.code }}");
    }
}
