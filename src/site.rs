//! Stage 3: the site model. Validated content plus what every renderer needs: output paths,
//! Vietnamese alphabetical order, and indexes by field, level and counter (unit).

use std::collections::HashMap;

use crate::format::Lang;
use crate::model::*;
use rayon::prelude::*;

use crate::text::{collation_key, slugify, vi_cmp};

pub struct Site<'c> {
    pub content: &'c Content,
    pub lang: Lang,
    /// Every procedure, in Vietnamese alphabetical order of title (code breaks ties).
    pub procedures: Vec<SiteProcedure<'c>>,
    pub fields: Vec<SiteField<'c>>,
    pub levels: Vec<SiteLevel<'c>>,
    pub units: Vec<SiteUnit<'c>>,
    /// Free pages by `order`, then title.
    pub pages: Vec<SitePage<'c>>,
    /// Dossier-processing results with their totals, newest period first.
    pub results: crate::results::Results<'c>,
}

/// A procedure placed in the site model: its order (the vector's index), slug, address, field,
/// level and counters. `P` is the procedure itself ([`SiteProcedure`]) or nothing ([`Place`]:
/// what `serve` keeps between rebuilds, see [`Site::into_places`]).
pub struct Placed<P> {
    pub p: P,
    /// Its index in `content.procedures`.
    pub index: usize,
    pub slug: String,
    /// Output path relative to the site root, `/`-separated.
    pub url: String,
    pub field: usize,
    pub level: usize,
    /// The counters that post this procedure (its `units`, or every unit of its level).
    pub units: Vec<usize>,
}

pub type SiteProcedure<'c> = Placed<&'c Procedure>;

/// A procedure's place in the site model without the procedure itself.
pub type Place = Placed<()>;

impl<P> Placed<P> {
    /// The same place, holding `p` instead.
    fn with<Q>(self, p: Q) -> Placed<Q> {
        Placed {
            p,
            index: self.index,
            slug: self.slug,
            url: self.url,
            field: self.field,
            level: self.level,
            units: self.units,
        }
    }
}

pub struct SiteField<'c> {
    pub f: &'c Field,
    pub url: String,
    pub procedures: Vec<usize>,
}

pub struct SiteLevel<'c> {
    pub l: &'c Level,
    pub url: String,
    pub procedures: Vec<usize>,
    pub units: Vec<usize>,
}

pub struct SiteUnit<'c> {
    pub u: &'c Unit,
    pub url: String,
    pub level: usize,
    pub parent: Option<usize>,
    pub procedures: Vec<usize>,
}

pub struct SitePage<'c> {
    pub page: &'c Page,
    pub url: String,
}

/// The sort key and slug of a title.
pub struct TitleKey {
    pub collation: Vec<u32>,
    pub slug: String,
}

/// Sort keys and slugs by title.
pub type TitleKeys = HashMap<String, TitleKey>;

/// Fixed output paths of the listing pages.
pub mod paths {
    pub const HOME: &str = "index.html";
    pub const A_Z: &str = "a-z.html";
    pub const FORMS: &str = "bieu-mau.html";
    pub const NOT_FOUND: &str = "404.html";
    pub const SEARCH: &str = "tim-kiem.html";
    pub const SITEMAP: &str = "sitemap.xml";
    pub const RESULTS: &str = "ket-qua/index.html";
    pub const CHANGES: &str = "thay-doi.html";
    pub const FEED: &str = "feed.xml";
    pub const DATA: &str = "du-lieu.html";
    pub const DATA_JSON: &str = "data/procedures.json";
    pub const DATA_CSV: &str = "data/procedures.csv";
    pub const DATA_RESULTS_CSV: &str = "data/results.csv";
    pub const DATA_SCHEMA: &str = "data/procedure.schema.json";
}

/// The path segment for an id: ids are usually slugs already; anything else is folded.
pub fn id_segment(id: &str) -> String {
    let s = slugify(id);
    if s.is_empty() { "x".into() } else { s }
}

impl<'c> Site<'c> {
    /// Build the model. Content must have passed validation; unknown references are skipped
    /// rather than trusted.
    pub fn build(content: &'c Content) -> Site<'c> {
        Site::build_cached(content, &mut TitleKeys::default())
    }

    /// [`Site::build`], reusing the sort keys and slugs of titles seen before (`serve` keeps
    /// them between rebuilds; computing them is most of this stage's cost).
    pub fn build_cached(content: &'c Content, titles: &mut TitleKeys) -> Site<'c> {
        Site::assemble(content, &Site::order(content, titles))
    }

    /// The order of the procedures and their slugs: for each place in Vietnamese alphabetical
    /// order of title (code breaks ties), the procedure's index in `content.procedures` and its
    /// slug. It depends only on the procedures' titles and codes, so `serve` keeps it while an
    /// edit leaves those alone.
    pub fn order(content: &Content, titles: &mut TitleKeys) -> Vec<(usize, String)> {
        // The collation key and the slug are costly (normalisation, tone placement): computed
        // once per title, in parallel, not once per comparison. Same order as `vi_cmp`, then code.
        let missing: Vec<&str> = {
            let mut m: Vec<&str> = content
                .procedures
                .iter()
                .map(|p| p.title.as_str())
                .filter(|t| !titles.contains_key(*t))
                .collect();
            m.sort_unstable();
            m.dedup();
            m
        };
        let computed: Vec<(String, TitleKey)> = missing
            .par_iter()
            .map(|t| {
                let key = TitleKey {
                    collation: collation_key(t),
                    slug: slugify(t),
                };
                (t.to_string(), key)
            })
            .collect();
        titles.extend(computed);
        let mut keyed: Vec<(&TitleKey, &Procedure, usize)> = content
            .procedures
            .iter()
            .enumerate()
            .map(|(i, p)| (&titles[p.title.as_str()], p, i))
            .collect();
        keyed.par_sort_by(|(ka, a, _), (kb, b, _)| {
            ka.collation
                .cmp(&kb.collation)
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.code.value.cmp(&b.code.value))
        });
        let slugs = unique_slugs(&keyed);
        keyed.into_iter().map(|(_, _, i)| i).zip(slugs).collect()
    }

    /// The site model for procedures in `order` (from [`Site::order`] on the same titles and
    /// codes).
    pub fn assemble(content: &'c Content, order: &[(usize, String)]) -> Site<'c> {
        let index = |ids: &mut dyn Iterator<Item = &'c str>| -> HashMap<&'c str, usize> {
            ids.enumerate().map(|(i, id)| (id, i)).collect()
        };
        let field_index = index(&mut content.fields.iter().map(|f| f.id.as_str()));
        let level_index = index(&mut content.site.levels.iter().map(|l| l.id.as_str()));
        let unit_index = index(&mut content.units.iter().map(|u| u.id.as_str()));
        let (_, levels, _) = Site::frame(content);
        let mut places = Vec::with_capacity(order.len());
        for (i, slug) in order {
            let p = &content.procedures[*i];
            let (Some(&field), Some(&level)) = (
                field_index.get(p.field.value.as_str()),
                level_index.get(p.level.value.as_str()),
            ) else {
                continue;
            };
            let units: Vec<usize> = if p.units.is_empty() {
                levels[level].units.clone()
            } else {
                p.units
                    .iter()
                    .filter_map(|u| unit_index.get(u.value.as_str()).copied())
                    .collect()
            };
            places.push(Place {
                p: (),
                index: *i,
                url: format!("thu-tuc/{slug}.html"),
                slug: slug.clone(),
                field,
                level,
                units,
            });
        }
        Site::with_places(content, places)
    }

    /// The site model for procedures at `places` (from [`Site::into_places`] of a model of
    /// the same content, but for the text of procedures that keep their title, code, field,
    /// level, counters and status): `serve` keeps them between rebuilds.
    pub fn with_places(content: &'c Content, places: Vec<Place>) -> Site<'c> {
        let (mut fields, mut levels, mut units) = Site::frame(content);
        let procedures: Vec<SiteProcedure> = places
            .into_iter()
            .map(|pl| {
                let p = &content.procedures[pl.index];
                pl.with(p)
            })
            .collect();
        for (i, sp) in procedures.iter().enumerate() {
            fields[sp.field].procedures.push(i);
            levels[sp.level].procedures.push(i);
            for &u in &sp.units {
                units[u].procedures.push(i);
            }
        }

        let mut pages: Vec<SitePage> = content
            .pages
            .iter()
            .map(|page| SitePage {
                page,
                url: format!("trang/{}.html", page.slug),
            })
            .collect();
        pages.sort_by(|a, b| {
            a.page
                .order
                .cmp(&b.page.order)
                .then_with(|| vi_cmp(&a.page.title, &b.page.title))
        });

        Site {
            content,
            lang: content.site.language,
            procedures,
            fields,
            levels,
            units,
            pages,
            results: crate::results::Results::build(content),
        }
    }

    /// The places of the procedures, for [`Site::with_places`].
    pub fn into_places(self) -> Vec<Place> {
        self.procedures.into_iter().map(|sp| sp.with(())).collect()
    }

    /// Fields, levels (with their counters) and counters, listing no procedure yet.
    fn frame(content: &'c Content) -> (Vec<SiteField<'c>>, Vec<SiteLevel<'c>>, Vec<SiteUnit<'c>>) {
        let fields: Vec<SiteField> = content
            .fields
            .iter()
            .map(|f| SiteField {
                f,
                url: format!("linh-vuc/{}.html", id_segment(&f.id)),
                procedures: Vec::new(),
            })
            .collect();
        let mut levels: Vec<SiteLevel> = content
            .site
            .levels
            .iter()
            .map(|l| SiteLevel {
                l,
                url: format!("cap/{}.html", id_segment(&l.id)),
                procedures: Vec::new(),
                units: Vec::new(),
            })
            .collect();
        let level_index: HashMap<&str, usize> = content
            .site
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i))
            .collect();
        let unit_index: HashMap<&str, usize> = content
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str(), i))
            .collect();
        let units: Vec<SiteUnit> = content
            .units
            .iter()
            .map(|u| SiteUnit {
                u,
                url: format!("don-vi/{}.html", id_segment(&u.id)),
                level: level_index
                    .get(u.level.value.as_str())
                    .copied()
                    .unwrap_or(0),
                parent: u
                    .parent
                    .as_ref()
                    .and_then(|p| unit_index.get(p.value.as_str()).copied()),
                procedures: Vec::new(),
            })
            .collect();
        for (i, u) in units.iter().enumerate() {
            if let Some(l) = levels.get_mut(u.level) {
                l.units.push(i);
            }
        }
        (fields, levels, units)
    }

    /// Procedures updated most recently first (ties: alphabetical order).
    pub fn recently_updated(&self, n: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.procedures.len())
            .filter(|&i| self.procedures[i].p.updated.is_some())
            .collect();
        idx.sort_by(|&a, &b| {
            let (pa, pb) = (&self.procedures[a].p, &self.procedures[b].p);
            pb.updated
                .as_ref()
                .map(|d| d.value)
                .cmp(&pa.updated.as_ref().map(|d| d.value))
                .then(a.cmp(&b))
        });
        idx.truncate(n);
        idx
    }

    /// The procedure with this national code, if any.
    pub fn procedure_by_code(&self, code: &str) -> Option<&SiteProcedure<'c>> {
        self.procedures.iter().find(|p| p.p.code.value == code)
    }
}

/// Longest slug taken from a title, so a file name stays far below the 255-byte limit of
/// file systems whatever a title's length.
pub const MAX_SLUG_LEN: usize = 80;

/// `slug` cut to at most `max` bytes, at a hyphen where possible (slugs are ASCII).
pub fn short_slug(slug: &str, max: usize) -> String {
    if slug.len() <= max {
        return slug.to_string();
    }
    let cut = &slug[..max];
    match cut.rfind('-') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut.trim_end_matches('-').to_string(),
    }
}

/// Slugs from titles; titles that fold to the same slug (`Ma`/`Mã`) get their code appended
/// so each page has its own stable file.
fn unique_slugs(sorted: &[(&TitleKey, &Procedure, usize)]) -> Vec<String> {
    let base: Vec<String> = sorted
        .iter()
        .map(|(k, p, _)| {
            let s = k.slug.clone();
            let s = if s.is_empty() {
                slugify(&p.code.value)
            } else {
                s
            };
            short_slug(&s, MAX_SLUG_LEN)
        })
        .map(|s| {
            if s.is_empty() {
                "thu-tuc".to_string()
            } else {
                s
            }
        })
        .collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for s in &base {
        *count.entry(s.as_str()).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    base.iter()
        .zip(sorted)
        .map(|(s, (_, p, _))| {
            let mut slug = if count[s.as_str()] > 1 {
                format!("{s}-{}", short_slug(&slugify(&p.code.value), 40))
            } else {
                s.clone()
            };
            // Same title and same code cannot pass validation, but never let two pages share a file.
            let n = seen.entry(slug.clone()).or_default();
            *n += 1;
            if *n > 1 {
                slug = format!("{slug}-{n}");
            }
            slug
        })
        .collect()
}
