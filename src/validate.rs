//! Stage 2: checks across files — ids that must exist, codes that must be unique, form files,
//! dates that cannot be right. Loading already checked each file on its own.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean, list_some};
use crate::model::*;
use crate::yaml::Pos;

/// Options that change what counts as a problem.
pub struct Rules {
    pub today: jiff::civil::Date,
}

pub fn validate(content: &Content, rules: &Rules) -> Diagnostics {
    let mut diags = site(content);
    let check = Checker::new(content, rules);
    let found: Vec<Vec<Diagnostic>> = content
        .procedures
        .par_iter()
        .with_max_len(crate::WORK_PIECE)
        .map(|p| check.procedure(p))
        .collect();
    diags.items.extend(found.into_iter().flatten());
    diags.extend(codes(content.procedures.iter()));
    diags
}

/// The checks of everything but procedures: ids defined twice, units' references, results.
pub fn site(content: &Content) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let site_src = content.sources.site.as_ref();
    let units_src = content.sources.units.as_ref();
    let fields_src = content.sources.fields.as_ref();

    let at = |file: Option<&SourceFile>, pos: Pos, message: String| -> Diagnostic {
        match file {
            Some(f) => Diagnostic::error(&f.path, message).at(pos, &f.text),
            None => Diagnostic::error(std::path::Path::new("content"), message),
        }
    };

    duplicates(
        content.site.levels.iter().map(|l| (l.id.as_str(), l.pos)),
        "level",
        |pos, m| diags.push(at(site_src, pos, m)),
    );
    duplicates(
        content.fields.iter().map(|f| (f.id.as_str(), f.pos)),
        "field",
        |pos, m| diags.push(at(fields_src, pos, m)),
    );
    duplicates(
        content.units.iter().map(|u| (u.id.as_str(), u.pos)),
        "unit",
        |pos, m| diags.push(at(units_src, pos, m)),
    );
    if content.site.levels.is_empty() {
        diags.push(at(
            site_src,
            Pos {
                line: 1,
                col: 1,
                ..Pos::default()
            },
            "`levels` lists no administrative level".into(),
        ));
    }

    let level_ids: Vec<&str> = content.site.levels.iter().map(|l| l.id.as_str()).collect();
    let field_ids: Vec<&str> = content.fields.iter().map(|f| f.id.as_str()).collect();
    let unit_ids: Vec<&str> = content.units.iter().map(|u| u.id.as_str()).collect();
    for u in &content.units {
        if let Some(d) = unknown_ref(&u.level, "level", &level_ids) {
            diags.push(at(units_src, u.level.pos, d.0).field("level").hint(d.1));
        }
        if let Some(parent) = &u.parent
            && let Some(d) = unknown_ref(parent, "unit", &unit_ids)
        {
            diags.push(at(units_src, parent.pos, d.0).field("parent").hint(d.1));
        }
    }
    results(content, &unit_ids, &field_ids, &mut diags);
    diags
}

/// A procedure's national code used by an earlier one (in file order): the later one is wrong.
pub fn codes<'a>(procedures: impl Iterator<Item = &'a Procedure>) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut codes: HashMap<&str, &Procedure> = HashMap::new();
    for p in procedures {
        if p.code.value.is_empty() {
            continue;
        }
        if let Some(first) = codes.get(p.code.value.as_str()) {
            diags.push(
                Diagnostic::error(&p.file, format!("the code {} is already used by {}", p.code.value, first.file.display()))
                    .at(p.code.pos, &p.text)
                    .field("code")
                    .related(format!("first used at {}:{}", first.file.display(), first.code.pos.line))
                    .hint("each procedure has its own national code; a local variant takes a suffix such as `.01`"),
            );
        } else {
            codes.insert(&p.code.value, p);
        }
    }
    diags
}

/// The checks of one procedure against the rest of the content (ids, forms, dates); all but
/// the uniqueness of its code. The result depends on the procedure, the site, fields, units
/// and forms, and the date, never on other procedures: `serve` keeps it while those stay.
pub struct Checker<'a> {
    content: &'a Content,
    rules: &'a Rules,
    level_ids: Vec<&'a str>,
    field_ids: Vec<&'a str>,
    unit_ids: Vec<&'a str>,
    unit_level: HashMap<&'a str, &'a str>,
    forms: HashSet<&'a str>,
}

impl<'a> Checker<'a> {
    pub fn new(content: &'a Content, rules: &'a Rules) -> Checker<'a> {
        Checker {
            content,
            rules,
            level_ids: content.site.levels.iter().map(|l| l.id.as_str()).collect(),
            field_ids: content.fields.iter().map(|f| f.id.as_str()).collect(),
            unit_ids: content.units.iter().map(|u| u.id.as_str()).collect(),
            unit_level: content
                .units
                .iter()
                .map(|u| (u.id.as_str(), u.level.value.as_str()))
                .collect(),
            forms: content.forms.iter().map(|f| f.path.as_str()).collect(),
        }
    }

    pub fn procedure(&self, p: &Procedure) -> Vec<Diagnostic> {
        let (content, rules) = (self.content, self.rules);
        let (level_ids, field_ids, unit_ids) = (&self.level_ids, &self.field_ids, &self.unit_ids);
        let (unit_level, forms) = (&self.unit_level, &self.forms);
        let mut diags = Vec::new();
        let err = |pos: Pos, field: &str, message: String| {
            Diagnostic::error(&p.file, message)
                .at(pos, &p.text)
                .field(field)
        };
        if let Some((msg, hint)) = unknown_ref(&p.field, "field", field_ids) {
            diags.push(err(p.field.pos, "field", msg).hint(hint));
        }
        if let Some((msg, hint)) = unknown_ref(&p.level, "level", level_ids) {
            diags.push(err(p.level.pos, "level", msg).hint(hint));
        }
        for (i, u) in p.units.iter().enumerate() {
            let field = format!("units[{i}]");
            if let Some((msg, hint)) = unknown_ref(u, "unit", unit_ids) {
                diags.push(err(u.pos, &field, msg).hint(hint));
            } else if let Some(level) = unit_level.get(u.value.as_str())
                && *level != p.level.value
                && level_ids.contains(&p.level.value.as_str())
            {
                let same: Vec<&str> = content
                    .units
                    .iter()
                    .filter(|x| x.level.value == p.level.value)
                    .map(|x| x.id.as_str())
                    .collect();
                diags.push(
                    err(u.pos, &field, format!("the unit `{}` is at level `{level}`, but this procedure is at level `{}`", u.value, p.level.value))
                        .hint(if same.is_empty() { "no unit is at this procedure's level".into() } else { format!("units at level `{}`: {}", p.level.value, list_some(same, 8)) }),
                );
            }
        }
        if p.units.is_empty()
            && level_ids.contains(&p.level.value.as_str())
            && !content.units.iter().any(|u| u.level.value == p.level.value)
        {
            diags.push(
            Diagnostic::warning(&p.file, format!("no counter in units.yaml is at level `{}`, so no counter posts this procedure", p.level.value))
                .at(p.level.pos, &p.text)
                .field("level"),
        );
        }
        for (i, d) in p.documents.iter().enumerate() {
            let Some(form) = &d.form else { continue };
            let field = format!("documents[{i}].form");
            if let Some((msg, hint)) = form_problem(&form.value, forms) {
                diags.push(err(form.pos, &field, msg).hint(hint));
            }
        }
        if let Some(updated) = &p.updated {
            let days = (rules.today - updated.value).get_days();
            if updated.value > rules.today.saturating_add(jiff::Span::new().days(1)) {
                diags.push(
                    err(
                        updated.pos,
                        "updated",
                        format!(
                            "`updated` is in the future ({})",
                            crate::format::date_dmy(updated.value)
                        ),
                    )
                    .hint("write the date the procedure text was last checked, not a planned date"),
                );
            } else if days > 365 {
                diags.push(
                Diagnostic::warning(&p.file, format!("`updated` is more than 12 months ago ({}); check the procedure is still current", crate::format::date_dmy(updated.value)))
                    .at(updated.pos, &p.text)
                    .field("updated"),
            );
            }
        }
        let has_online_channel = p.channels.iter().any(|c| c.method == Method::Online);
        if has_online_channel && p.online.as_ref().and_then(|o| o.url.as_ref()).is_none() {
            let pos = p
                .channels
                .iter()
                .find(|c| c.method == Method::Online)
                .map_or(p.pos, |c| c.pos);
            diags.push(
            Diagnostic::warning(&p.file, "an online channel is listed but the procedure has no `online.url`")
                .at(pos, &p.text)
                .field("online.url")
                .hint("add `online: {level: partial, url: \"https://…\"}` so citizens can find the service"),
        );
        }
        diags
    }
}

/// Results files: ids that exist, one row per counter and field, periods that do not overlap.
fn results(content: &Content, unit_ids: &[&str], field_ids: &[&str], diags: &mut Diagnostics) {
    for p in &content.results {
        let err = |pos: Pos, field: &str, message: String| {
            Diagnostic::error(&p.file, message)
                .at(pos, &p.text)
                .field(field)
        };
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, row) in p.rows.iter().enumerate() {
            if let Some((msg, hint)) = unknown_ref(&row.unit, "unit", unit_ids) {
                diags.push(err(row.unit.pos, &format!("rows[{i}].unit"), msg).hint(hint));
            }
            if let Some((msg, hint)) = unknown_ref(&row.field, "field", field_ids) {
                diags.push(err(row.field.pos, &format!("rows[{i}].field"), msg).hint(hint));
            }
            let key = (row.unit.value.as_str(), row.field.value.as_str());
            if let Some(first) = seen.get(&key) {
                diags.push(
                    err(row.pos, &format!("rows[{i}]"), format!("the counter `{}` already has a row for the field `{}` in this period (line {})", key.0, key.1, p.rows[*first].pos.line))
                        .hint("add the figures together into one row"),
                );
            } else {
                seen.insert(key, i);
            }
        }
    }
    // Content keeps periods sorted by start date, so an overlap is always with an earlier one.
    for (i, p) in content.results.iter().enumerate() {
        if p.to.value < p.from.value {
            continue;
        }
        if let Some(other) = content.results[..i]
            .iter()
            .filter(|o| o.to.value >= o.from.value)
            .find(|o| o.to.value >= p.from.value)
        {
            let same = other.from.value == p.from.value && other.to.value == p.to.value;
            let message = if same {
                format!(
                    "this period is the same as the one in {}",
                    other.file.display()
                )
            } else {
                format!(
                    "this period ({} – {}) overlaps the one in {} ({} – {})",
                    crate::format::date_dmy(p.from.value),
                    crate::format::date_dmy(p.to.value),
                    other.file.display(),
                    crate::format::date_dmy(other.from.value),
                    crate::format::date_dmy(other.to.value)
                )
            };
            diags.push(
                Diagnostic::error(&p.file, message)
                    .at(p.from.pos, &p.text)
                    .field("period.from")
                    .related(format!("the other period starts at {}:{}", other.file.display(), other.from.pos.line))
                    .hint("each dossier is counted in one period only: periods must not overlap; put one period in each file"),
            );
        }
    }
}

fn duplicates<'a>(
    ids: impl Iterator<Item = (&'a str, Pos)>,
    what: &str,
    mut report: impl FnMut(Pos, String),
) {
    let mut seen: HashMap<&str, Pos> = HashMap::new();
    for (id, pos) in ids {
        if id.is_empty() {
            continue;
        }
        if let Some(first) = seen.get(id) {
            report(
                pos,
                format!(
                    "the {what} id `{id}` is defined twice (first at line {})",
                    first.line
                ),
            );
        } else {
            seen.insert(id, pos);
        }
    }
}

/// `(message, hint)` when `id` is not among `known`.
fn unknown_ref(id: &Located<String>, what: &str, known: &[&str]) -> Option<(String, String)> {
    if known.contains(&id.value.as_str()) || id.value.is_empty() {
        return None;
    }
    let hint = match did_you_mean(&id.value, known.iter().copied()) {
        Some(s) => format!(
            "did you mean `{s}`? known {what}s: {}",
            list_some(known.iter().copied(), 12)
        ),
        None if known.is_empty() => format!("no {what} is defined yet"),
        None => format!("known {what}s: {}", list_some(known.iter().copied(), 12)),
    };
    Some((format!("unknown {what} `{}`", id.value), hint))
}

/// Why a `form:` path is not acceptable, if it is not.
fn form_problem(form: &str, forms: &HashSet<&str>) -> Option<(String, String)> {
    let normalized = form.replace('\\', "/");
    if normalized.starts_with('/')
        || normalized.contains(':')
        || normalized.split('/').any(|c| c == ".." || c == ".")
    {
        return Some((
            format!("the form path `{form}` points outside `content/forms/`"),
            "form files live in content/forms/; write the path as `forms/<file name>`".into(),
        ));
    }
    if !normalized.starts_with("forms/") {
        return Some((
            format!("the form path `{form}` must start with `forms/`"),
            format!("write `forms/{normalized}`"),
        ));
    }
    if forms.contains(normalized.as_str()) {
        return None;
    }
    let known: Vec<&str> = {
        let mut v: Vec<&str> = forms.iter().copied().collect();
        v.sort();
        v
    };
    let hint = match did_you_mean(&normalized, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if known.is_empty() => "content/forms/ holds no files".into(),
        None => format!(
            "files in content/forms/: {}",
            list_some(known.iter().copied(), 8)
        ),
    };
    Some((format!("the form file `{form}` does not exist"), hint))
}
