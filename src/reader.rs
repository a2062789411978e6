//! Typed reading of a [`yaml::Node`](crate::yaml::Node) tree with diagnostics: each getter
//! checks the type, records a located error with the field path, and carries on, so one run
//! reports every problem of a file.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean, list_some};
use crate::model::Located;
use crate::yaml::{Key, Node, Pos, Value};

pub struct Reader<'a> {
    pub file: &'a Path,
    pub src: Arc<str>,
    pub diags: Diagnostics,
}

/// A mapping whose keys were checked against the allowed set.
pub struct Obj<'n> {
    pub path: String,
    pub pos: Pos,
    entries: &'n [(Key<'n>, Node<'n>)],
}

impl<'n> Obj<'n> {
    /// The value of `key`, treating an explicit null (`key:` with nothing) as absent.
    pub fn get(&self, key: &str) -> Option<&'n Node<'n>> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
            .filter(|v| !matches!(v.value, Value::Null))
    }

    pub fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a Path, src: Arc<str>) -> Reader<'a> {
        Reader {
            file,
            src,
            diags: Diagnostics::default(),
        }
    }

    pub fn error(&mut self, pos: Pos, field: &str, message: impl Into<String>) -> &mut Diagnostic {
        let d = Diagnostic::error(self.file, message)
            .at(pos, &self.src)
            .field(field);
        self.diags.push(d);
        self.diags.items.last_mut().expect("just pushed")
    }

    pub fn warning(
        &mut self,
        pos: Pos,
        field: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::warning(self.file, message)
            .at(pos, &self.src)
            .field(field);
        self.diags.push(d);
        self.diags.items.last_mut().expect("just pushed")
    }

    fn type_error(&mut self, node: &Node, path: &str, expected: &str) {
        let d = self.error(
            node.pos,
            path,
            format!("expected {expected}, found {}", node.value.kind()),
        );
        d.expected = Some(expected.to_string());
    }

    /// Open a mapping: reports a non-mapping, unknown keys (with a suggestion) and missing
    /// required keys.
    pub fn obj<'n>(
        &mut self,
        node: &'n Node<'n>,
        path: &str,
        allowed: &[&str],
        required: &[&str],
    ) -> Option<Obj<'n>> {
        let Value::Map(entries) = &node.value else {
            let what = if path.is_empty() {
                "the file".to_string()
            } else {
                format!("`{path}`")
            };
            let keys = list_some(allowed.iter().copied(), 6);
            let d = self.error(
                node.pos,
                path,
                format!(
                    "{what} must be a mapping of keys ({keys}), found {}",
                    node.value.kind()
                ),
            );
            d.expected = Some(format!("a mapping with the keys {keys}"));
            return None;
        };
        let obj = Obj {
            path: path.to_string(),
            pos: node.pos,
            entries,
        };
        for (key, _) in entries {
            if !allowed.contains(&&*key.name) {
                let field = obj.child(&key.name);
                let hint = match did_you_mean(&key.name, allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the keys allowed here are {}",
                        list_some(allowed.iter().copied(), 30)
                    ),
                };
                let d = self.error(key.pos, &field, format!("unknown key `{}`", key.name));
                d.hint = Some(hint);
            }
        }
        for key in required {
            if obj.get(key).is_none() {
                let field = obj.child(key);
                let d = self.error(node.pos, &field, format!("missing required key `{key}`"));
                d.hint = Some(format!("add `{key}:` with a value"));
            }
        }
        Some(obj)
    }

    /// Text, also accepting a plain number written without quotes (kept as written, so a
    /// code `1.10` stays `1.10`).
    pub fn text(&mut self, obj: &Obj, key: &str) -> Option<Located<String>> {
        let node = obj.get(key)?;
        // The field path is only needed for an error: not built for the usual text value.
        if let Value::Str(s) = &node.value {
            return Some(Located {
                value: s.to_string(),
                pos: node.pos,
            });
        }
        self.text_node(node, &obj.child(key))
    }

    pub fn text_node(&mut self, node: &Node, path: &str) -> Option<Located<String>> {
        match &node.value {
            Value::Str(s) => Some(Located {
                value: s.to_string(),
                pos: node.pos,
            }),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                let raw = self
                    .src
                    .get(node.pos.offset..node.pos.offset + node.pos.len)?;
                Some(Located {
                    value: raw.trim().to_string(),
                    pos: node.pos,
                })
            }
            _ => {
                self.type_error(node, path, "text");
                None
            }
        }
    }

    /// Required text: a missing key was already reported by `obj`; returns "" then.
    pub fn req_text(&mut self, obj: &Obj, key: &str) -> Located<String> {
        self.text(obj, key).unwrap_or(Located {
            value: String::new(),
            pos: obj.pos,
        })
    }

    pub fn opt_text(&mut self, obj: &Obj, key: &str) -> Option<String> {
        self.text(obj, key)
            .map(|l| l.value)
            .filter(|s| !s.trim().is_empty())
    }

    /// A whole number ≥ 0. Refuses text ("tám nghìn"), fractions and negatives with a clear message.
    pub fn uint(&mut self, obj: &Obj, key: &str, what: &str) -> Option<Located<u64>> {
        let node = obj.get(key)?;
        if let Value::Int(i) = node.value
            && i >= 0
        {
            return Some(Located {
                value: i as u64,
                pos: node.pos,
            });
        }
        let path = obj.child(key);
        let expected = format!("{what}: a whole number ≥ 0, written with digits only (e.g. 8000)");
        match &node.value {
            Value::Int(_) => {
                let d = self.error(node.pos, &path, format!("{what} cannot be negative"));
                d.expected = Some(expected);
                None
            }
            Value::Float(_) => {
                let d = self.error(
                    node.pos,
                    &path,
                    format!("{what} must be a whole number, not a fraction"),
                );
                d.expected = Some(expected);
                d.hint = Some("write the amount in whole đồng without a decimal point or thousands separator: `8000`, not `8.000` or `8000.5`".into());
                None
            }
            Value::Str(s) => {
                let d = self.error(
                    node.pos,
                    &path,
                    format!("expected {what} as a number, found the text \"{s}\""),
                );
                d.expected = Some(expected);
                if s.chars().any(|c| c.is_ascii_digit()) {
                    d.hint = Some("remove the quotes, dots and units: `8000`".into());
                }
                None
            }
            _ => {
                self.type_error(node, &path, &expected);
                None
            }
        }
    }

    /// A list; each item is returned with its path (`steps[2]`).
    pub fn list<'n>(
        &mut self,
        obj: &Obj<'n>,
        key: &str,
        expected: &str,
    ) -> Vec<(String, &'n Node<'n>)> {
        let Some(node) = obj.get(key) else {
            return Vec::new();
        };
        let path = obj.child(key);
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (item_path(&path, i), n))
                .collect(),
            _ => {
                let d = self.error(
                    node.pos,
                    &path,
                    format!("expected {expected}, found {}", node.value.kind()),
                );
                d.expected = Some(expected.to_string());
                d.hint = Some(format!(
                    "write each item on its own line starting with `- ` under `{key}:`"
                ));
                Vec::new()
            }
        }
    }

    pub fn text_list(&mut self, obj: &Obj, key: &str, expected: &str) -> Vec<Located<String>> {
        // Like `list`, but an item's path is only built for an error.
        if let Some(Node {
            value: Value::Seq(items),
            ..
        }) = obj.get(key)
        {
            return items
                .iter()
                .enumerate()
                .filter_map(|(i, n)| match &n.value {
                    Value::Str(s) => Some(Located {
                        value: s.to_string(),
                        pos: n.pos,
                    }),
                    _ => self.text_node(n, &format!("{}[{i}]", obj.child(key))),
                })
                .collect();
        }
        let items = self.list(obj, key, expected);
        items
            .into_iter()
            .filter_map(|(path, n)| self.text_node(n, &path))
            .collect()
    }

    /// One of a fixed set of words.
    pub fn choice<'c>(&mut self, obj: &Obj, key: &str, choices: &[&'c str]) -> Option<&'c str> {
        let found = self.text(obj, key)?;
        if let Some(c) = choices.iter().find(|c| **c == found.value) {
            return Some(c);
        }
        let path = obj.child(key);
        let options = list_some(choices.iter().copied(), 10);
        let d = self.error(
            found.pos,
            &path,
            format!("`{}` is not a valid value", found.value),
        );
        d.expected = Some(format!("one of {options}"));
        if let Some(s) = did_you_mean(&found.value, choices.iter().copied()) {
            d.hint = Some(format!("did you mean `{s}`?"));
        }
        None
    }

    /// A date written as `YYYY-MM-DD`.
    pub fn date(&mut self, obj: &Obj, key: &str) -> Option<Located<jiff::civil::Date>> {
        let text = self.text(obj, key)?;
        match crate::format::parse_date(&text.value) {
            Ok(d) => Some(Located {
                value: d,
                pos: text.pos,
            }),
            Err(e) => {
                let path = obj.child(key);
                let d = self.error(text.pos, &path, e.to_string());
                d.expected = Some("a date written YYYY-MM-DD, e.g. 2019-06-15".into());
                None
            }
        }
    }

    pub fn bool(&mut self, obj: &Obj, key: &str) -> Option<bool> {
        let node = obj.get(key)?;
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.type_error(node, &obj.child(key), "true or false");
                None
            }
        }
    }

    pub fn int(&mut self, obj: &Obj, key: &str) -> Option<i64> {
        let node = obj.get(key)?;
        match node.value {
            Value::Int(i) => Some(i),
            _ => {
                self.type_error(node, &obj.child(key), "a whole number");
                None
            }
        }
    }
}

/// `path[i]`, built without `format!` (whose machinery was most of `list`'s cost: a path for
/// each item of every list of 10,000 files).
fn item_path(path: &str, i: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(i);
    let mut s = String::with_capacity(path.len() + digits.len() + 2);
    s.push_str(path);
    s.push('[');
    s.push_str(digits);
    s.push(']');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn item_paths() {
        assert_eq!(super::item_path("channels", 0), "channels[0]");
        assert_eq!(
            super::item_path("channels[1].fees", 12),
            "channels[1].fees[12]"
        );
        assert_eq!(super::item_path("", 4_294_967_296), "[4294967296]");
    }
}
