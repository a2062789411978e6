//! The one place that talks to the YAML parser (serde-saphyr).
//!
//! Files are parsed into a [`Node`] tree where every value keeps its location. The typed
//! conversion (in `load`) walks that tree itself instead of deriving `Deserialize`, because
//! serde stops at the first problem while a clerk needs every problem of a file at once, each
//! with its field path and a "did you mean" hint.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::borrow::Cow;
use std::fmt;

/// Where a value sits in its file: 1-based line and column, and its byte range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
    pub offset: usize,
    pub len: usize,
}

impl Pos {
    fn of(loc: &serde_saphyr::Location) -> Pos {
        let span = loc.span();
        Pos {
            line: loc.line() as u32,
            col: loc.column() as u32,
            offset: span.byte_offset().unwrap_or(0) as usize,
            len: span.byte_len().unwrap_or(0) as usize,
        }
    }
}

/// A parsed YAML value with its position. Text borrows from the source where the file
/// spells it as it reads (most keys and values): the reader copies what it keeps, and a
/// copy per scalar more was ≈ 2 million allocations for a 10,000-procedure site.
#[derive(Clone, Debug)]
pub struct Node<'s> {
    pub pos: Pos,
    pub value: Value<'s>,
}

#[derive(Clone, Debug)]
pub enum Value<'s> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'s, str>),
    Seq(Vec<Node<'s>>),
    Map(Vec<(Key<'s>, Node<'s>)>),
}

/// A mapping key with its position (keys are always read as text).
#[derive(Clone, Debug)]
pub struct Key<'s> {
    pub name: Cow<'s, str>,
    pub pos: Pos,
}

impl Value<'_> {
    /// A short word for "what was found", used in type-mismatch messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (an empty value)",
            Value::Bool(_) => "true/false",
            Value::Int(_) => "a whole number",
            Value::Float(_) => "a decimal number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping (key: value pairs)",
        }
    }
}

/// A parse failure from the YAML layer, located in the file.
#[derive(Debug)]
pub struct SyntaxError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// Limits that keep hostile input (alias bombs, deep nesting, huge files) bounded in time
/// and memory; generous for any real procedure file.
fn budget() -> serde_saphyr::Budget {
    let mut budget = serde_saphyr::Budget::default();
    // A procedure is a few hundred nodes and a province's units.yaml a few thousand; these
    // caps are far above that yet stop an alias bomb after a fraction of a second.
    budget.max_events = 400_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    budget.max_nodes = 100_000;
    budget.max_recorded_anchor_events = 100_000;
    budget.max_recorded_anchor_bytes = 4 * 1024 * 1024;
    budget
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: Some(budget()),
        strict_booleans: true,
    }
}

/// Parse one YAML document. An empty document gives `Value::Null` at 1:1.
pub fn parse(source: &str) -> Result<Node<'_>, SyntaxError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if source
        .trim()
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(Node {
            pos: Pos {
                line: 1,
                col: 1,
                offset: 0,
                len: 0,
            },
            value: Value::Null,
        });
    }
    if let Some(node) = fast::parse(source) {
        return Ok(node);
    }
    parse_with_serde(source)
}

/// The authority: serde-saphyr with our budget. Every error message and every unusual
/// document (anchors, tags, duplicate keys, ...) goes through here. Public for
/// `examples/yaml_bench.rs`; the loader calls [`parse`].
pub fn parse_with_serde(source: &str) -> Result<Node<'static>, SyntaxError> {
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(source, options()) {
        Ok(raw) => Ok(convert(raw)),
        Err(e) => {
            let (line, col) = e
                .location()
                .map(|l| (l.line() as u32, l.column() as u32))
                .unwrap_or((1, 1));
            // The library renders its own snippet; keep only the message, we render ours.
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("").trim();
            let message = first
                .strip_prefix("error: ")
                .unwrap_or(first)
                .split_once(": ")
                .filter(|(head, _)| head.starts_with("line "))
                .map(|(_, rest)| rest.to_string())
                .unwrap_or_else(|| first.to_string());
            Err(SyntaxError {
                line,
                col,
                message: humanize(&message),
            })
        }
    }
}

fn humanize(message: &str) -> String {
    let m = message.replace(", set DuplicateKeyPolicy in Options if acceptable", "");
    if m.contains("budget breached") {
        return format!(
            "the file is too large or too deeply nested to be a procedure ({m}); \
             aliases that expand into huge structures are refused"
        );
    }
    if m.contains("recursion limit") {
        return "the file is nested too deeply to be a procedure (lists or mappings inside each other hundreds of levels deep)".to_string();
    }
    if m.contains("tabs disallowed") || m.contains("found a tab") {
        return "a tab is used for indentation; YAML indents with spaces only".to_string();
    }
    m
}

/// The fast path: the events of serde-saphyr's own parser (`granit_parser`), turned into a
/// [`Node`] tree directly. Serde deserialisation with spans costs about twice the parse
/// itself, and nearly every file is a plain document. Anything unusual (anchors, aliases,
/// tags, merge or duplicate keys, several documents, a limit approached, any scanner error,
/// any plain scalar whose resolution is not certain) returns `None`, and the serde path
/// decides and words every error. `tests::fast_path_agrees_with_serde` holds the two to
/// the same tree, positions included.
mod fast {
    use super::{Key, Node, Pos, Value, budget};
    use serde_saphyr::granit_parser::{self, Event, Parser, ScalarStyle, Span};
    use std::borrow::Cow;

    enum Frame<'s> {
        Seq(Pos, Vec<Node<'s>>),
        /// Entries so far, and the key waiting for its value.
        Map(Pos, Vec<(Key<'s>, Node<'s>)>, Option<Key<'s>>),
    }

    /// The parser options serde-saphyr derives from the same budget (its
    /// `Budget::parser_options`, comments off as in our build), so both paths scan alike.
    fn parser_options(budget: &serde_saphyr::Budget) -> granit_parser::Options {
        let mut o = granit_parser::Options::default();
        o.simple_key_max_lookahead = budget.simple_key_max_lookahead;
        o.flow_nesting_limit = budget.flow_nesting_limit;
        o.block_nesting_limit = o
            .block_nesting_limit
            .max(budget.max_depth.saturating_add(1));
        o.emit_comments = false;
        o.strict_indentation = false;
        o.bom_inside_document_as_content = false;
        o
    }

    pub(super) fn parse(source: &str) -> Option<Node<'_>> {
        // Beyond 4 GiB serde-saphyr drops byte offsets; never reached, but stay exact.
        if source.len() >= u32::MAX as usize {
            return None;
        }
        let budget = budget();
        let (mut events, mut nodes, mut scalar_bytes, mut documents) = (0, 0, 0, 0);
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Node> = None;
        for item in Parser::new_from_str_with_options(source, parser_options(&budget)) {
            let (event, span) = item.ok()?;
            // Stay strictly inside every budget the serde path enforces.
            events += 1;
            if events >= budget.max_events {
                return None;
            }
            match event {
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
                Event::DocumentStart(_, version) => {
                    documents += 1;
                    if documents > 1 || version.is_some() {
                        return None;
                    }
                }
                Event::Scalar(text, style, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    nodes += 1;
                    scalar_bytes += text.len();
                    if nodes >= budget.max_nodes || scalar_bytes >= budget.max_total_scalar_bytes {
                        return None;
                    }
                    let pos = pos_of(&span)?;
                    if let Some(Frame::Map(_, _, key @ None)) = stack.last_mut() {
                        *key = Some(Key {
                            name: key_name(text, style)?,
                            pos,
                        });
                    } else {
                        let value = scalar(text, style)?;
                        attach(&mut stack, &mut root, Node { pos, value })?;
                    }
                }
                Event::SequenceStart(_, anchor, ref tag)
                | Event::MappingStart(_, anchor, ref tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    nodes += 1;
                    if nodes >= budget.max_nodes || stack.len() + 1 >= budget.max_depth {
                        return None;
                    }
                    // A collection as a mapping key cannot be read as text.
                    if let Some(Frame::Map(_, _, None)) = stack.last() {
                        return None;
                    }
                    let pos = pos_of(&span)?;
                    stack.push(match event {
                        Event::SequenceStart(..) => Frame::Seq(pos, Vec::new()),
                        _ => Frame::Map(pos, Vec::new(), None),
                    });
                }
                Event::SequenceEnd => {
                    let Some(Frame::Seq(pos, items)) = stack.pop() else {
                        return None;
                    };
                    let node = Node {
                        pos,
                        value: Value::Seq(items),
                    };
                    attach(&mut stack, &mut root, node)?;
                }
                Event::MappingEnd => {
                    let Some(Frame::Map(pos, entries, None)) = stack.pop() else {
                        return None;
                    };
                    if has_duplicate_key(&entries) {
                        return None;
                    }
                    let node = Node {
                        pos,
                        value: Value::Map(entries),
                    };
                    attach(&mut stack, &mut root, node)?;
                }
                _ => return None,
            }
        }
        if documents != 1 || !stack.is_empty() {
            return None;
        }
        root
    }

    /// Where serde-saphyr's `Spanned` puts a node: the span of its first event.
    fn pos_of(span: &Span) -> Option<Pos> {
        let start = span.start.byte_offset()?;
        let end = span.end.byte_offset()?;
        Some(Pos {
            line: u32::try_from(span.start.line()).ok()?,
            col: u32::try_from(span.start.col() + 1).ok()?,
            offset: start,
            len: end.saturating_sub(start),
        })
    }

    fn attach<'s>(
        stack: &mut [Frame<'s>],
        root: &mut Option<Node<'s>>,
        node: Node<'s>,
    ) -> Option<()> {
        match stack.last_mut() {
            None if root.is_none() => *root = Some(node),
            None => return None,
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, key)) => entries.push((key.take()?, node)),
        }
        Some(())
    }

    /// serde-saphyr compares keys by text and resolved type; we only take keys that resolve
    /// to text, so equal names are exactly its duplicates (which it refuses, located).
    fn has_duplicate_key(entries: &[(Key<'_>, Node<'_>)]) -> bool {
        if entries.len() <= 16 {
            return entries
                .iter()
                .enumerate()
                .any(|(i, (k, _))| entries[..i].iter().any(|(p, _)| p.name == k.name));
        }
        let mut names: Vec<&str> = entries.iter().map(|(k, _)| &*k.name).collect();
        names.sort_unstable();
        names.windows(2).any(|w| w[0] == w[1])
    }

    fn key_name(text: Cow<'_, str>, style: ScalarStyle) -> Option<Cow<'_, str>> {
        // `<<` is a merge key for serde-saphyr; let it merge.
        if text == "<<" {
            return None;
        }
        match style {
            ScalarStyle::Plain if !matches!(plain(&text)?, Plain::Str) => None,
            _ => Some(text),
        }
    }

    fn scalar(text: Cow<'_, str>, style: ScalarStyle) -> Option<Value<'_>> {
        if style != ScalarStyle::Plain {
            // Quoted and block scalars are text whatever they spell.
            return Some(Value::Str(text));
        }
        Some(match plain(&text)? {
            Plain::Null => Value::Null,
            Plain::Bool(b) => Value::Bool(b),
            Plain::Int(i) => Value::Int(i),
            Plain::Float(f) => Value::Float(f),
            Plain::Str => Value::Str(text),
        })
    }

    #[derive(Debug, PartialEq)]
    pub(super) enum Plain {
        Null,
        Bool(bool),
        Int(i64),
        Float(f64),
        Str,
    }

    /// How serde-saphyr's `deserialize_any` resolves a plain scalar (with `strict_booleans`
    /// and its other defaults), for the spellings we are sure of; `None` for the rest.
    /// Its order: null words, YAML 1.2 booleans, integers (decimal, 0x/0o/0b, `_`
    /// separators, a leading zero refused), then Rust's float grammar plus `.inf`/`.nan`,
    /// else text.
    pub(super) fn plain(v: &str) -> Option<Plain> {
        match v {
            "" | "~" | "null" | "Null" | "NULL" => return Some(Plain::Null),
            "true" | "True" | "TRUE" => return Some(Plain::Bool(true)),
            "false" | "False" | "FALSE" => return Some(Plain::Bool(false)),
            _ => {}
        }
        let b = v.as_bytes();
        // Its resolvers trim these first; a plain scalar never carries them at its ends.
        let pad = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
        if b.first().is_some_and(pad) || b.last().is_some_and(pad) {
            return None;
        }
        // A word or text beyond ASCII (most values): the two checks below would both say text.
        if b[0] >= 0x80 || b[0].is_ascii_alphabetic() {
            return Some(Plain::Str);
        }
        // Every integer and float spelling is ASCII letters, digits and `._+-`: anything
        // else (a space, `/`, `:`, a Vietnamese letter) is text.
        let number_char =
            |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'+' | b'-');
        if !b.iter().all(number_char) {
            return Some(Plain::Str);
        }
        // A word: integers start with a digit or sign, `.inf`/`.nan` with a dot or sign,
        // and Rust's `inf`/`nan` spellings are refused as typeless floats.
        if b[0].is_ascii_alphabetic() {
            return Some(Plain::Str);
        }
        let (negative, digits) = match v.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, v),
        };
        if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
            // Leading zeros resolve as floats and long numbers may leave i64: not ours.
            if digits.len() > 18 || (digits.len() > 1 && digits.starts_with('0')) {
                return None;
            }
            let n: i64 = digits.parse().ok()?;
            return Some(Plain::Int(if negative { -n } else { n }));
        }
        if !b[0].is_ascii_digit() {
            return None;
        }
        let dots = b.iter().filter(|&&c| c == b'.').count();
        let dashes = b.iter().filter(|&&c| c == b'-').count();
        let digits_and = |extra: u8| b.iter().all(|&c| c.is_ascii_digit() || c == extra);
        // A date such as 2026-06-15: a `-` after a digit fits no number.
        if dashes > 0 && digits_and(b'-') {
            return Some(Plain::Str);
        }
        if dots > 0 && digits_and(b'.') {
            // A version such as 1.2.3 fits no number; 12.5 is a float.
            if dots > 1 {
                return Some(Plain::Str);
            }
            if v.len() <= 30 && !v.ends_with('.') {
                let f: f64 = v.parse().ok()?;
                return f.is_finite().then_some(Plain::Float(f));
            }
        }
        None
    }
}

/// Serde-facing mirror of [`Value`]; converted once after parsing.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
}

fn convert(raw: Spanned<Raw>) -> Node<'static> {
    let pos = Pos::of(&raw.referenced);
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(Cow::Owned(s)),
        Raw::Seq(items) => Value::Seq(items.into_iter().map(convert).collect()),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key {
                        pos: Pos::of(&k.referenced),
                        name: Cow::Owned(k.value),
                    };
                    (key, convert(v))
                })
                .collect(),
        ),
    };
    Node { pos, value }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
                i64::try_from(v).map(Raw::Int).or(Ok(Raw::Float(v as f64)))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
                i64::try_from(v).map(Raw::Int).or(Ok(Raw::Float(v as f64)))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
                i64::try_from(v).map(Raw::Int).or(Ok(Raw::Float(v as f64)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = s.next_element::<Spanned<Raw>>()? {
                    items.push(x);
                }
                Ok(Raw::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(k) = m.next_key::<Spanned<String>>()? {
                    let v = m.next_value::<Spanned<Raw>>()?;
                    entries.push((k, v));
                }
                Ok(Raw::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_values() {
        let n = parse("code: \"1.001193\"\nfees:\n  - amount: 8000\n").unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        assert_eq!(m[0].0.name, "code");
        assert_eq!((m[0].1.pos.line, m[0].1.pos.col), (1, 7));
        let Value::Seq(fees) = &m[1].1.value else {
            panic!()
        };
        let Value::Map(fee) = &fees[0].value else {
            panic!()
        };
        assert!(matches!(fee[0].1.value, Value::Int(8000)));
        assert_eq!(fee[0].1.pos.line, 3);
    }

    #[test]
    fn duplicate_keys_are_located() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((e.line, e.col), (3, 1));
        assert!(e.message.contains("duplicate"), "{}", e.message);
    }

    #[test]
    fn tabs_get_a_plain_message() {
        let e = parse("a:\n\t- b\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("tab"));
    }

    #[test]
    fn bom_and_empty_documents() {
        assert!(matches!(
            parse("\u{feff}a: 1\n").unwrap().value,
            Value::Map(_)
        ));
        assert!(matches!(parse("").unwrap().value, Value::Null));
        assert!(matches!(
            parse("# only a comment\n").unwrap().value,
            Value::Null
        ));
    }

    /// `None` when the trees agree, else where they differ.
    fn difference(a: &Node, b: &Node, path: &str) -> Option<String> {
        if a.pos != b.pos {
            return Some(format!("{path}: position {:?} vs {:?}", a.pos, b.pos));
        }
        let differs = |what: String| Some(format!("{path}: {what}"));
        match (&a.value, &b.value) {
            (Value::Null, Value::Null) => None,
            (Value::Bool(x), Value::Bool(y)) if x == y => None,
            (Value::Int(x), Value::Int(y)) if x == y => None,
            (Value::Float(x), Value::Float(y)) if x.to_bits() == y.to_bits() => None,
            (Value::Str(x), Value::Str(y)) if x == y => None,
            (Value::Seq(x), Value::Seq(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| difference(p, q, &format!("{path}[{i}]"))),
            (Value::Map(x), Value::Map(y)) if x.len() == y.len() => {
                x.iter().zip(y).find_map(|((kx, vx), (ky, vy))| {
                    if kx.name != ky.name || kx.pos != ky.pos {
                        return differs(format!("key {kx:?} vs {ky:?}"));
                    }
                    difference(vx, vy, &format!("{path}.{}", kx.name))
                })
            }
            (x, y) => differs(format!("{x:?} vs {y:?}")),
        }
    }

    /// Whether `source` took the fast path; panics if that path disagrees with serde-saphyr.
    fn check(source: &str, name: &str) -> bool {
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        let Some(fast) = fast::parse(source) else {
            return false;
        };
        match parse_with_serde(source) {
            Ok(slow) => {
                if let Some(d) = difference(&fast, &slow, "$") {
                    panic!("{name}: fast path differs from serde-saphyr at {d}\n{source}");
                }
            }
            Err(e) => panic!(
                "{name}: fast path accepted what serde-saphyr refuses ({}:{} {})\n{source}",
                e.line, e.col, e.message
            ),
        }
        true
    }

    fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn fast_path_agrees_with_serde_on_repository_files() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut yaml = Vec::new();
        for dir in ["content", "tests/fixtures", "themes"] {
            files_under(&root.join(dir), &mut yaml);
        }
        yaml.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"));
        assert!(yaml.len() > 50, "found only {} YAML files", yaml.len());
        let mut fast_content = 0;
        for path in &yaml {
            let text = std::fs::read_to_string(path).unwrap();
            let took_fast = check(&text, &path.display().to_string());
            if took_fast && path.starts_with(root.join("content")) {
                fast_content += 1;
            }
        }
        // The example site must stay on the fast path, or the speed-up silently vanishes.
        let content = yaml.iter().filter(|p| p.starts_with(root.join("content")));
        assert_eq!(
            fast_content,
            content.count(),
            "example files left the fast path"
        );
        // The fuzz corpus holds arbitrary bytes that once found new paths in the loader.
        let mut corpus = Vec::new();
        files_under(&root.join("fuzz/corpus/load"), &mut corpus);
        for path in &corpus {
            let bytes = std::fs::read(path).unwrap();
            check(
                &String::from_utf8_lossy(&bytes),
                &path.display().to_string(),
            );
        }
    }

    /// Plain scalars in every spelling family serde-saphyr resolves, and what it gives.
    const SCALARS: &[&str] = &[
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "nULL",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "false",
        "False",
        "FALSE",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "Yes",
        "0",
        "-0",
        "+0",
        "1",
        "-1",
        "+1",
        "007",
        "-007",
        "08",
        "0.5",
        "00.5",
        "12.5",
        "-12.5",
        "+12.5",
        "1.",
        ".5",
        "1.5.2",
        "1..2",
        "1e3",
        "1E3",
        "1e-3",
        "1.5e+3",
        "-1e3",
        "1e999",
        "123456789012345678",
        "1234567890123456789",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "18446744073709551616",
        "0x1F",
        "0X1F",
        "0o17",
        "0O17",
        "0b101",
        "0B101",
        "-0x1F",
        "+0x1F",
        "0x",
        "0xg",
        "1_000",
        "1__000",
        "_1000",
        "1000_",
        "1_0.5",
        ".inf",
        ".Inf",
        ".INF",
        "-.inf",
        "+.inf",
        ".nan",
        ".NaN",
        ".NAN",
        "-.nan",
        "+.nan",
        "inf",
        "-inf",
        "infinity",
        "Infinity",
        "nan",
        "NaN",
        "-nan",
        "e5",
        "E5",
        "2026-06-15",
        "2026-6-5",
        "2026-06-15T10:00:00Z",
        "10/2019/NĐ-CP",
        "08:00",
        "1:30",
        "12:30:45",
        "1-",
        "1-2",
        "1+2",
        "+",
        "-",
        ".",
        "..",
        "-.",
        "a.b",
        "a-b",
        "a_b",
        "ab1",
        "1ab",
        "1a",
        "0a",
        "1 000",
        "8000 đồng",
        "Hà Nội",
        "x",
        "Lệ phí",
        "in_person",
        "citizen",
        "hồ sơ",
        "<<",
        "=",
        "a # not a comment?",
        "100%",
        "50.000",
        "1.000.000",
        "3,5",
    ];

    #[test]
    fn fast_path_agrees_with_serde_on_tricky_scalars_and_documents() {
        let mut docs: Vec<String> = Vec::new();
        for s in SCALARS {
            docs.push(format!("v: {s}\n"));
            docs.push(format!("- {s}\n- x\n"));
            docs.push(format!("{{a: {s}, b: [{s}, {s}]}}\n"));
            docs.push(format!("{s}: 1\n"));
            docs.push(format!("k: '{s}'\n\"{s}\": \"{s}\"\n"));
            docs.push(format!("{s}\n"));
            docs.push(format!("a:\n  b:\n    - c: {s}\n      d: {s}\n"));
        }
        for header in ["|", "|-", "|+", ">", ">-", ">+", "|2", ">1-", "|+2"] {
            for body in [
                "  one\n  two\n",
                "  one\n\n  two\n\n\n",
                "  one\n    indented\n  back\n",
                "   three spaces\n",
                "  trailing  \n",
                "",
                "\n\n",
            ] {
                docs.push(format!("t: {header}\n{body}n: 1\n"));
                docs.push(format!("t: {header}\n{body}"));
                docs.push(format!("- {header}\n{body}- x\n"));
            }
        }
        docs.extend(
            [
                "",
                "\n",
                "# only\n",
                "---\n",
                "---\na: 1\n",
                "a: 1\n...\n",
                "---\na: 1\n---\nb: 2\n",
                "a: 1\n---\n",
                "%YAML 1.2\n---\na: 1\n",
                "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
                "a: !!str 1\n",
                "a: !!int \"1\"\n",
                "a: ! 1\n",
                "a: &x 1\nb: *x\n",
                "a: &x [1, 2]\n",
                "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
                "a: 1\na: 2\n",
                "a: 1\n'a': 2\n",
                "a: 1\n\"a\": 2\n",
                "1: a\n01: b\n",
                "1: a\n0x1: b\n",
                "? [a, b]\n: c\n",
                "? {a: 1}\n: c\n",
                "? a\n: b\n",
                "? |\n  block key\n: v\n",
                "a:\n",
                "a:\nb:\n",
                "a: []\nb: {}\nc: [[], {}]\n",
                "- - - deep\n",
                "[a, [b, [c, {d: e}]]]\n",
                "{a: 1, b: {c: 2}}\n",
                "a: b\nc\n",
                "a: \"unterminated\n",
                "a: [1, 2\n",
                "a:\n\t- b\n",
                "a: 1\n  b: 2\n",
                "a: 'it''s'\nb: \"tab\\there\\u00e9\\x41\"\nc: \"line\\\n  joined\"\n",
                "a: plain\n  continued\n  on lines\n",
                "a: plain\n\n  with blank\n",
                "a: 'single\n  folded'\n",
                "a: \"double\n\n  folded\"\n",
                "a: 1\r\nb: two\r\nc: |\r\n  x\r\n  y\r\n",
                "\u{feff}a: 1\n",
                "a: 1 # comment\n# between\nb: [x, # c\n  y]\n",
                "a: x\u{a0}\nb: \u{3000}y\n",
                "a: \"\u{1F600}\"\nb: Tiếng Việt có dấu\n",
                "a: -\nb: - x\n",
                "- a\n-\n- c\n",
                "a: { }\nb: [ ]\n",
                "a: {b, c: }\n",
                "[a, b]: c\n",
                "a: b: c\n",
                "a: @x\n",
                "a: `x\n",
                "a: %x\n",
                "a: |\n  x\n b: 2\n",
                "a:    spaced   \nb:\t1\n",
                "key with spaces: 1\n\"quoted key\": 2\n",
                "a: 1\n...\n---\nb: 1\n",
                "...\n",
                "a: !!binary aGk=\n",
                "a: !!null ''\n",
                "a: !!float 1\n",
            ]
            .map(String::from),
        );
        let mut long = String::new();
        for i in 0..200 {
            long.push_str(&format!("k{i}: v{i}\n"));
        }
        docs.push(long.clone());
        long.push_str("k17: again\n");
        docs.push(long);
        let deep = |n: usize| {
            let mut d = String::new();
            for i in 0..n {
                d.push_str(&" ".repeat(i * 2));
                d.push_str("a:\n");
            }
            d
        };
        docs.push(deep(30));
        docs.push(deep(70));
        docs.push(format!("{}{}\n", "[".repeat(70), "]".repeat(70)));

        let mut fast = 0;
        for (i, doc) in docs.iter().enumerate() {
            if check(doc, &format!("document {i}")) {
                fast += 1;
            }
        }
        assert!(
            fast * 2 > docs.len(),
            "only {fast} of {} took the fast path",
            docs.len()
        );
    }

    #[test]
    fn fast_path_resolves_the_common_spellings_itself() {
        use fast::Plain;
        for (s, want) in [
            ("", Some(Plain::Null)),
            ("~", Some(Plain::Null)),
            ("True", Some(Plain::Bool(true))),
            ("yes", Some(Plain::Str)),
            ("8000", Some(Plain::Int(8000))),
            ("-3", Some(Plain::Int(-3))),
            ("12.5", Some(Plain::Float(12.5))),
            ("2026-06-15", Some(Plain::Str)),
            ("10/2019/NĐ-CP", Some(Plain::Str)),
            ("1.2.3", Some(Plain::Str)),
            ("in_person", Some(Plain::Str)),
            ("0x1F", None),
            ("1_000", None),
            ("007", None),
            (".inf", None),
            ("1e3", None),
        ] {
            assert_eq!(fast::plain(s), want, "{s:?}");
        }
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut s = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            s.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        assert!(parse(&s).is_err());
    }
}
