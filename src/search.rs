//! The search index and its ranking, in Rust. `render/search.rs` writes this index as script
//! files; `themes/default/static/search.js` runs the same query algorithm on them in the page.
//! Both are tested against `tests/vectors/ranking.json` (query → expected first code), so the
//! steps below are the specification of the JavaScript port.
//!
//! **Index.** Every procedure and free page is a document. Its text is cut into fields of a
//! *class*: code (0), title (1), keywords (2), field name (3), body (4: summary, result,
//! documents; a page's text). Each field is tokenised with `search_tokens(normalize_for_search)`
//! (diacritics kept). A *posting* says a token occurs in a document's field of some class; in
//! the title and keywords it also gives `pos` (keywords: counted over all keywords with a gap of
//! one between them, so words of two keywords are never adjacent), `off` (position inside its
//! keyword; the title is one field, so `off = pos`) and `len` (tokens in that title or keyword).
//! The index keeps every code, title and keyword posting; a token found in none of these keeps
//! one field posting, or else one body posting.
//!
//! **Query.** 1. `terms = search_tokens(normalize_for_search(input))`, duplicates dropped, at
//! most [`MAX_TERMS`]. 2. Each term gets *candidates*: index tokens with a quality. Alphabetic
//! terms (not starting with an ASCII digit) look in the vocabulary of alphabetic tokens:
//! - `1.0` exact: the token equals the term;
//! - `0.9` folded: `fold` of both are equal;
//! - `0.8` telex: only when the term has no exact or folded candidate: `telex(fold(term))` (see
//!   [`telex`]) equals `fold(token)`;
//! - `0.7` prefix: only the last term, when `fold(term)` has 2 characters or more:
//!   `fold(token)` starts with `fold(term)`;
//! - `0.6` typo: `fold(term)` of 5 characters or more within one edit (insert, delete, substitute
//!   or swap two neighbours) of `fold(token)`; with 4 characters, a swap only.
//!
//!   A token matched by several rules keeps the best quality. Terms starting with a digit (codes)
//!   match tokens starting with a digit: exact (1.0), or prefix (0.7) for the last term.
//! 3. A document's match of term *i* is the best `quality × WEIGHT[class]` over the postings of
//!    the term's candidates; `coverage` = the number of terms matched.
//! 4. `score` = Σ matches + in the title and, separately, in the keywords (any posting of a
//!    candidate counts, whatever its quality): `ADJACENT` for each pair of consecutive terms
//!    *i*, *i+1* with postings at `pos` and `pos + 1`; `FRACTION` × the largest share of one title
//!    or keyword (postings grouped by `pos − off`) covered by distinct terms (count ÷ `len`),
//!    plus `WHOLE` when that share reaches 1; `HEAD` when one title or keyword begins with all
//!    the terms in order (term *i* at `off = i`).
//! 5. Documents with `coverage ≥ best coverage − ⌊terms ÷ 3⌋` are results, sorted by coverage,
//!    then score (both descending), then document order (Vietnamese alphabetical; pages last).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::render::RenderContext;
use crate::text::{fold, normalize_for_search, search_tokens};

pub const CODE: u8 = 0;
pub const TITLE: u8 = 1;
pub const KEYWORD: u8 = 2;
pub const FIELD: u8 = 3;
pub const BODY: u8 = 4;
/// Score of a perfect match in each class.
pub const WEIGHT: [f64; 5] = [12.0, 8.0, 6.0, 3.0, 1.0];
/// Bonus for two consecutive terms next to each other in a title or keyword.
pub const ADJACENT: f64 = 2.0;
/// Bonus × the largest share of one title [0] or keyword [1] the query covers.
pub const FRACTION: [f64; 2] = [4.0, 3.0];
/// Bonus when the query covers a whole title or keyword.
pub const WHOLE: f64 = 6.0;
/// Bonus when a title or keyword starts with the query's terms, in order.
pub const HEAD: f64 = 3.0;
pub const MAX_TERMS: usize = 8;

/// What a result shows.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct SearchDoc {
    pub url: String,
    pub title: String,
    pub code: String,
    pub field: String,
    pub level: String,
    pub duration: String,
    pub fee: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    pub class: u8,
    pub pos: u16,
    pub off: u16,
    pub len: u16,
}

pub struct SearchIndex {
    pub docs: Vec<SearchDoc>,
    /// Token → postings sorted by document.
    pub tokens: BTreeMap<String, Vec<Posting>>,
}

/// A document's text by class, before tokenising.
struct Source {
    doc: SearchDoc,
    code: String,
    title: String,
    keywords: Vec<String>,
    field: String,
    body: Vec<String>,
}

fn field_tokens(s: &str) -> Vec<String> {
    search_tokens(&normalize_for_search(s))
}

/// True for tokens matched as codes and numbers rather than words.
pub fn is_numeric(token: &str) -> bool {
    token.starts_with(|c: char| c.is_ascii_digit())
}

/// A procedure as a search result shows it.
fn search_doc(p: &crate::views::ProcedureView) -> SearchDoc {
    SearchDoc {
        url: p.url.clone(),
        title: p.title.clone(),
        code: p.code.clone(),
        field: p.field.name.clone(),
        level: p.level.name.clone(),
        duration: p.duration_short.clone(),
        fee: p.fee_short.clone(),
    }
}

impl SearchIndex {
    pub fn build(ctx: &RenderContext) -> SearchIndex {
        let procedure_source = |p: &crate::views::ProcedureView| {
            let mut body = vec![p.summary_text.clone(), p.result.clone()];
            body.extend(p.documents.iter().map(|d| d.name.clone()));
            Source {
                doc: search_doc(p),
                code: p.code.clone(),
                title: p.title.clone(),
                keywords: p.keywords.clone(),
                field: p.field.name.clone(),
                body,
            }
        };
        let pages: Vec<Source> = ctx
            .site
            .pages
            .iter()
            .map(|p| Source {
                doc: SearchDoc {
                    url: p.url.clone(),
                    title: p.page.title.clone(),
                    ..SearchDoc::default()
                },
                code: String::new(),
                title: p.page.title.clone(),
                keywords: Vec::new(),
                field: String::new(),
                body: vec![crate::markdown::to_plain_text(&p.page.body)],
            })
            .collect();
        // Tokenising is most of the work and each document is independent: in parallel, and
        // kept by `serve` for procedures whose view did not change.
        let mut per_doc: Vec<Arc<DocPostings>> = (0..ctx.procedures.len())
            .into_par_iter()
            .map(|i| {
                ctx.fragment("search.postings", i, || {
                    doc_postings(&procedure_source(&ctx.procedures[i]))
                })
            })
            .collect();
        per_doc.extend(pages.iter().map(|s| Arc::new(doc_postings(s))));
        let mut docs: Vec<SearchDoc> = ctx.procedures.iter().map(search_doc).collect();
        docs.extend(pages.into_iter().map(|s| s.doc));
        // Merged in document order: the same index as one pass over the documents in order.
        // Hashing while merging, ordering once at the end, is cheaper than a sorted map.
        let mut merged: HashMap<&str, Vec<Posting>> = HashMap::new();
        for (d, list) in per_doc.iter().enumerate() {
            for (t, postings) in list.iter() {
                merged
                    .entry(t.as_str())
                    .or_default()
                    .extend(postings.iter().map(|p| Posting {
                        doc: d as u32,
                        ..*p
                    }));
            }
        }
        let mut sorted: Vec<(&str, Vec<Posting>)> = merged.into_iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let tokens: BTreeMap<String, Vec<Posting>> = sorted
            .into_iter()
            .map(|(t, p)| (t.to_string(), p))
            .collect();
        SearchIndex { docs, tokens }
    }

    /// The alphabetic tokens (the vocabulary the page script matches words in), or the numeric.
    pub fn vocabulary(&self, numeric: bool) -> impl Iterator<Item = &str> {
        self.tokens
            .keys()
            .map(String::as_str)
            .filter(move |t| is_numeric(t) == numeric)
    }

    /// Ranked results for what a user typed.
    pub fn query(&self, input: &str) -> Vec<Hit> {
        let terms = query_terms(input);
        let words: Vec<&str> = self.vocabulary(false).collect();
        let candidates: Vec<Vec<(&str, f64)>> = terms
            .iter()
            .enumerate()
            .map(|(i, term)| {
                let last = i + 1 == terms.len();
                if is_numeric(term) {
                    numeric_candidates(term, last, self.vocabulary(true))
                } else {
                    word_candidates(term, last, words.iter().copied())
                }
            })
            .collect();
        let postings = candidates
            .iter()
            .map(|cs| {
                cs.iter()
                    .map(|&(t, q)| (self.tokens[t].as_slice(), q))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>();
        rank(self.docs.len(), &postings)
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Hit {
    pub doc: usize,
    pub coverage: usize,
    pub score: f64,
}

/// The postings of one document, by token in token order (`doc` is set when merged).
type DocPostings = Vec<(String, Vec<Posting>)>;

fn doc_postings(s: &Source) -> DocPostings {
    // Occurrences of each token in each class of this document.
    let mut found: BTreeMap<String, [Vec<Posting>; 5]> = BTreeMap::new();
    let mut add = |t: String, class: u8, pos: usize, off: usize, len: usize| {
        let clamp = |n: usize| n.min(u16::MAX as usize) as u16;
        let list = &mut found.entry(t).or_default()[class as usize];
        // title and keywords keep every position (for phrases), the rest the first
        if list.is_empty() || class == TITLE || class == KEYWORD {
            list.push(Posting {
                doc: 0,
                class,
                pos: clamp(pos),
                off: clamp(off),
                len: clamp(len),
            });
        }
    };
    for t in field_tokens(&s.code) {
        add(t, CODE, 0, 0, 0);
    }
    let title = field_tokens(&s.title);
    for (i, t) in title.iter().enumerate() {
        add(t.clone(), TITLE, i, i, title.len());
    }
    let mut pos = 0;
    for k in &s.keywords {
        let kw = field_tokens(k);
        for (i, t) in kw.iter().enumerate() {
            add(t.clone(), KEYWORD, pos + i, i, kw.len());
        }
        pos += kw.len() + 1;
    }
    for t in field_tokens(&s.field) {
        add(t, FIELD, 0, 0, 0);
    }
    for b in &s.body {
        for t in field_tokens(b) {
            add(t, BODY, 0, 0, 0);
        }
    }
    found
        .into_iter()
        .map(|(t, classes)| {
            // Code, title and keywords are all kept (phrase bonuses look at each);
            // field and body only as the best class the token has.
            let [code, title, keyword, field, body] = classes;
            let list = if code.is_empty() && title.is_empty() && keyword.is_empty() {
                field.into_iter().chain(body).take(1).collect()
            } else {
                code.into_iter().chain(title).chain(keyword).collect()
            };
            (t, list)
        })
        .collect()
}

/// Step 1: the terms of a query.
pub fn query_terms(input: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for t in field_tokens(input) {
        if !terms.contains(&t) && terms.len() < MAX_TERMS {
            terms.push(t);
        }
    }
    terms
}

/// Telex typed without an input method (`sinhf`, `ddang`, `kys`, `khoong`, `nguowif`), read as
/// the folded word: 1. a final `s f r x j` after at least two letters goes; 2. `dd` → `d`,
/// `aa aw` → `a`, `ee` → `e`, `oo ow` → `o`, `uw` → `u`, then a lone `w` → `u`. Folded ASCII
/// input only; anything else comes back unchanged.
pub fn telex(folded: &str) -> String {
    if !folded.chars().all(|c| c.is_ascii_lowercase()) {
        return folded.to_string();
    }
    let mut s = folded.to_string();
    if s.len() > 2 && s.ends_with(['s', 'f', 'r', 'x', 'j']) {
        s.pop();
    }
    for (from, to) in [
        ("dd", "d"),
        ("aa", "a"),
        ("aw", "a"),
        ("ee", "e"),
        ("oo", "o"),
        ("ow", "o"),
        ("uw", "u"),
        ("w", "u"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// One edit apart: insert, delete, substitute, or swap two neighbours (`swaps_only`: a swap).
pub fn one_edit(a: &[char], b: &[char], swaps_only: bool) -> bool {
    if a == b {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    if a.len() == b.len() {
        let swap = a.len() >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..];
        return swap || (!swaps_only && a[1..] == b[1..]);
    }
    !swaps_only
        && (a.len() + 1 == b.len() && a == &b[1..] || b.len() + 1 == a.len() && b == &a[1..])
}

/// Step 2 for an alphabetic term over the vocabulary.
pub fn word_candidates<'a>(
    term: &str,
    last: bool,
    vocabulary: impl Iterator<Item = &'a str>,
) -> Vec<(&'a str, f64)> {
    let f = fold(term);
    let fc: Vec<char> = f.chars().collect();
    let mut out: Vec<(&str, f64)> = Vec::new();
    let mut folded_found = false;
    let mut rest: Vec<(&str, String)> = Vec::new();
    for v in vocabulary {
        let fv = fold(v);
        if v == term {
            out.push((v, 1.0));
            folded_found = true;
        } else if fv == f {
            out.push((v, 0.9));
            folded_found = true;
        } else {
            rest.push((v, fv));
        }
    }
    let telex = if folded_found { None } else { Some(telex(&f)) };
    let telex = telex.filter(|t| *t != f);
    for (v, fv) in rest {
        let mut q: f64 = 0.0;
        if telex.as_deref() == Some(fv.as_str()) {
            q = 0.8;
        }
        if last && fc.len() >= 2 && fv.starts_with(&f) {
            q = q.max(0.7);
        }
        if fc.len() >= 4 {
            let vc: Vec<char> = fv.chars().collect();
            if one_edit(&fc, &vc, fc.len() < 5) {
                q = q.max(0.6);
            }
        }
        if q > 0.0 {
            out.push((v, q));
        }
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// Step 2 for a term starting with a digit.
pub fn numeric_candidates<'a>(
    term: &str,
    last: bool,
    numbers: impl Iterator<Item = &'a str>,
) -> Vec<(&'a str, f64)> {
    let prefix = last && term.chars().count() >= 2;
    let mut out: Vec<(&str, f64)> = numbers
        .filter_map(|v| {
            if v == term {
                Some((v, 1.0))
            } else if prefix && v.starts_with(term) {
                Some((v, 0.7))
            } else {
                None
            }
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// Steps 3–5 over the postings of each term's candidates (in token order, with their quality).
pub fn rank(n_docs: usize, terms: &[Vec<(&[Posting], f64)>]) -> Vec<Hit> {
    let mut best = vec![vec![0.0f64; n_docs]; terms.len()];
    // [class][term][doc]: every title and keyword posting of each term, for the bonuses.
    let mut phrase: [Vec<Vec<Vec<Posting>>>; 2] =
        std::array::from_fn(|_| vec![vec![Vec::new(); n_docs]; terms.len()]);
    for (i, cands) in terms.iter().enumerate() {
        for (postings, quality) in cands {
            for p in *postings {
                let d = p.doc as usize;
                best[i][d] = best[i][d].max(quality * WEIGHT[p.class as usize]);
                if p.class == TITLE || p.class == KEYWORD {
                    phrase[(p.class - TITLE) as usize][i][d].push(*p);
                }
            }
        }
    }
    let mut hits: Vec<Hit> = Vec::new();
    for d in 0..n_docs {
        let coverage = (0..terms.len()).filter(|&i| best[i][d] > 0.0).count();
        if coverage == 0 {
            continue;
        }
        let mut score: f64 = (0..terms.len()).map(|i| best[i][d]).sum();
        for (c, by_term) in phrase.iter().enumerate() {
            score += phrase_bonus(c, &by_term.iter().map(|m| &m[d][..]).collect::<Vec<_>>());
        }
        hits.push(Hit {
            doc: d,
            coverage,
            score,
        });
    }
    let top = hits.iter().map(|h| h.coverage).max().unwrap_or(0);
    let floor = top.saturating_sub(terms.len() / 3);
    hits.retain(|h| h.coverage >= floor);
    hits.sort_by(|a, b| {
        b.coverage
            .cmp(&a.coverage)
            .then(b.score.total_cmp(&a.score))
            .then(a.doc.cmp(&b.doc))
    });
    hits
}

/// Step 4's bonuses in the title (`c = 0`) or keywords (`c = 1`) of one document, given each
/// term's postings there.
fn phrase_bonus(c: usize, ps: &[&[Posting]]) -> f64 {
    let mut score = 0.0;
    for pair in ps.windows(2) {
        if pair[0].iter().any(|a| {
            pair[1]
                .iter()
                .any(|b| u32::from(b.pos) == u32::from(a.pos) + 1)
        }) {
            score += ADJACENT;
        }
    }
    // title or keyword (keyed by where it starts) → (terms in it, its length)
    let mut groups: BTreeMap<u16, (u16, u16)> = BTreeMap::new();
    for term in ps {
        let mut seen: Vec<u16> = Vec::new();
        for p in term.iter() {
            let start = p.pos - p.off;
            if !seen.contains(&start) {
                seen.push(start);
                groups.entry(start).or_insert((0, p.len)).0 += 1;
            }
        }
    }
    let share = groups
        .values()
        .map(|&(n, len)| f64::from(n) / f64::from(len.max(1)))
        .fold(0.0, f64::max);
    score += FRACTION[c] * share;
    if share >= 1.0 {
        score += WHOLE;
    }
    let head = groups.keys().any(|&g| {
        ps.iter().enumerate().all(|(i, term)| {
            term.iter()
                .any(|p| p.pos - p.off == g && usize::from(p.off) == i)
        })
    });
    if head && !ps.is_empty() {
        score += HEAD;
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn one_edit_covers_insert_delete_substitute_and_swap() {
        for (a, b, swaps_only, expected) in [
            ("sihn", "sinh", true, true),
            ("sihn", "sinh", false, true),
            ("chung", "chunf", false, true),
            ("chung", "chung", false, false),
            ("chung", "chun", false, true),
            ("chun", "chung", false, true),
            ("chung", "chuung", false, true),
            ("chung", "chugn", true, true),
            ("chung", "chunf", true, false),
            ("chung", "cuhgn", false, false),
            ("khai", "kha", true, false),
            ("thuc", "thcu", true, true),
        ] {
            assert_eq!(
                one_edit(&chars(a), &chars(b), swaps_only),
                expected,
                "{a} {b} {swaps_only}"
            );
        }
    }

    #[test]
    fn telex_leftovers_become_the_folded_word() {
        for (input, expected) in [
            ("sinhf", "sinh"),
            ("kys", "ky"),
            ("ddang", "dang"),
            ("khoong", "khong"),
            ("nguowif", "nguoi"),
            ("chuwngs", "chung"),
            ("as", "as"),
            ("đăng", "đăng"),
        ] {
            assert_eq!(telex(input), expected, "{input}");
        }
    }

    #[test]
    fn terms_are_normalised_deduplicated_and_capped() {
        assert_eq!(
            query_terms("Hoà  GIẢI hòa 1.001193"),
            ["hòa", "giải", "1.001193"]
        );
        assert_eq!(query_terms("a b c d e f g h i j").len(), MAX_TERMS);
        assert!(query_terms(" ,. ").is_empty());
    }

    #[test]
    fn candidates_rank_exact_above_folded_prefix_and_typo() {
        let vocab = [
            "đăng", "dáng", "khai", "sinh", "sinhs", "sính", "số", "sổ", "sở",
        ];
        let got = word_candidates("sổ", false, vocab.iter().copied());
        assert_eq!(got, [("số", 0.9), ("sổ", 1.0), ("sở", 0.9)]);
        let got = word_candidates("sinh", true, vocab.iter().copied());
        assert_eq!(got, [("sinh", 1.0), ("sinhs", 0.7), ("sính", 0.9)]);
        let got = word_candidates("sihn", false, vocab.iter().copied());
        assert_eq!(got, [("sinh", 0.6), ("sính", 0.6)]);
        let got = word_candidates("ddang", false, vocab.iter().copied());
        assert_eq!(got, [("dáng", 0.8), ("đăng", 0.8)]);
        let got = word_candidates("kh", true, vocab.iter().copied());
        assert_eq!(got, [("khai", 0.7)]);
        let got = word_candidates("k", true, vocab.iter().copied());
        assert!(got.is_empty());
        let got = numeric_candidates(
            "1.00",
            true,
            ["1.001193", "1.000656", "2.000815"].into_iter(),
        );
        assert_eq!(got, [("1.000656", 0.7), ("1.001193", 0.7)]);
        let got = numeric_candidates("1.00", false, ["1.001193"].into_iter());
        assert!(got.is_empty());
    }
}
