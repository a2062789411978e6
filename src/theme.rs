//! The theme: Tera templates, static assets and UI translations. The default theme is
//! embedded in the binary; a site's theme folder overrides it file by file.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::format::Lang;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Theme files by path relative to the theme folder (`templates/base.html`, `static/site.css`).
pub struct Theme {
    pub files: BTreeMap<String, ThemeFile>,
}

pub struct ThemeFile {
    pub bytes: Vec<u8>,
    /// Where it came from: the embedded default, or a file of the site's theme.
    pub origin: Option<PathBuf>,
}

#[derive(Debug)]
pub struct ThemeError(pub String);

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Theme {
    /// The embedded default theme, overridden by the files of `dir` when given.
    pub fn load(dir: Option<&Path>) -> Result<Theme, ThemeError> {
        let mut files: BTreeMap<String, ThemeFile> = DEFAULT_THEME
            .iter()
            .map(|(name, bytes)| {
                (
                    name.to_string(),
                    ThemeFile {
                        bytes: bytes.to_vec(),
                        origin: None,
                    },
                )
            })
            .collect();
        if let Some(dir) = dir {
            if !dir.is_dir() {
                return Err(ThemeError(format!(
                    "the theme folder {} does not exist",
                    dir.display()
                )));
            }
            for entry in WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.map_err(|e| ThemeError(format!("cannot read the theme: {e}")))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                let bytes = fs::read(entry.path()).map_err(|e| {
                    ThemeError(format!("cannot read {}: {e}", entry.path().display()))
                })?;
                files.insert(
                    name,
                    ThemeFile {
                        bytes,
                        origin: Some(entry.path().to_path_buf()),
                    },
                );
            }
        }
        Ok(Theme { files })
    }

    pub fn templates(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().filter_map(|(name, f)| {
            let name = name.strip_prefix("templates/")?;
            Some((name, std::str::from_utf8(&f.bytes).unwrap_or("")))
        })
    }

    pub fn static_files(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files
            .iter()
            .filter_map(|(name, f)| Some((name.strip_prefix("static/")?, f)))
    }

    /// UI strings for `lang` from `i18n/<lang>.yaml` (a flat `key: text` mapping).
    pub fn translations(&self, lang: Lang) -> Result<HashMap<String, String>, ThemeError> {
        let name = format!("i18n/{}.yaml", lang.code());
        let file = self
            .files
            .get(&name)
            .ok_or_else(|| ThemeError(format!("the theme has no {name}")))?;
        let text = std::str::from_utf8(&file.bytes)
            .map_err(|_| ThemeError(format!("{name} is not UTF-8")))?;
        let node = crate::yaml::parse(text)
            .map_err(|e| ThemeError(format!("{name}:{}:{}: {}", e.line, e.col, e.message)))?;
        let crate::yaml::Value::Map(entries) = node.value else {
            return Err(ThemeError(format!(
                "{name} must be a mapping of `key: text`"
            )));
        };
        let mut out = HashMap::new();
        let mut lines = HashMap::new();
        for (k, v) in entries {
            match v.value {
                crate::yaml::Value::Str(s) => {
                    let key = k.name.into_owned();
                    lines.insert(key.clone(), k.pos.line);
                    out.insert(key, s.into_owned());
                }
                _ => {
                    return Err(ThemeError(format!(
                        "{name}:{}: `{}` must be text",
                        k.pos.line, k.name
                    )));
                }
            }
        }
        // Templates read `group.key` as `t.group.key` too, so a plain key cannot also be a
        // group's name.
        if let Some((key, group)) = out.keys().find_map(|k| {
            let group = k.split_once('.')?.0;
            out.contains_key(group).then_some((k, group))
        }) {
            return Err(ThemeError(format!(
                "{name}:{}: `{group}` is both a string and the group of `{key}` (line {}); \
                 rename one of them",
                lines[group], lines[key]
            )));
        }
        Ok(out)
    }
}
