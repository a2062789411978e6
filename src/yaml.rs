//! The one place that talks to the YAML parser (serde-saphyr).
//!
//! Files are parsed into a [`Node`] tree where every value keeps its location. The typed
//! conversion (in `load`) walks that tree itself instead of deriving `Deserialize`, because
//! serde stops at the first problem while a clerk needs every problem of a file at once, each
//! with its field path and a "did you mean" hint.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
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

/// A parsed YAML value with its position.
#[derive(Clone, Debug)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position (keys are always read as text).
#[derive(Clone, Debug)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

impl Value {
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
fn options() -> serde_saphyr::Options {
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
    serde_saphyr::options! {
        budget: Some(budget),
        strict_booleans: true,
    }
}

/// Parse one YAML document. An empty document gives `Value::Null` at 1:1.
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
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

fn convert(raw: Spanned<Raw>) -> Node {
    let pos = Pos::of(&raw.referenced);
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(items.into_iter().map(convert).collect()),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key {
                        pos: Pos::of(&k.referenced),
                        name: k.value,
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
