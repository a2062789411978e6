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

/// Hash maps keyed by our own strings and pointers: no untrusted keys, so a fast hash.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// What a result shows.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
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

/// A token of the index; documents tokenised together share one allocation per token.
pub type Token = Arc<str>;

pub struct SearchIndex {
    pub docs: Vec<SearchDoc>,
    /// Token → postings sorted by document, in token order.
    pub tokens: Vec<(Token, Vec<Posting>)>,
}

/// A document's text by class, before tokenising.
struct Source<'a> {
    code: &'a str,
    title: &'a str,
    keywords: &'a [String],
    field: &'a str,
    body: Vec<&'a str>,
}

fn field_tokens(s: &str) -> Vec<String> {
    search_tokens(&normalize_for_search(s))
}

/// True for tokens matched as codes and numbers rather than words.
pub fn is_numeric(token: &str) -> bool {
    token.starts_with(|c: char| c.is_ascii_digit())
}

/// A procedure as a search result shows it.
fn search_doc(r: &crate::views::ProcedureRow) -> SearchDoc {
    SearchDoc {
        url: r.url.clone(),
        title: r.title.clone(),
        code: r.code.clone(),
        field: r.field.clone(),
        level: r.level.clone(),
        duration: r.duration.clone(),
        fee: r.fee.clone(),
    }
}

/// The text procedure `i` is found by, by class: the texts of its view, taken from the
/// model and its row (views are made only where pages are rendered).
fn procedure_source<'c>(ctx: &'c RenderContext, i: usize) -> Source<'c> {
    let (p, row) = (ctx.site.procedures[i].p, &ctx.rows[i]);
    let mut body = vec![ctx.facts[i].summary_text.as_str(), p.result.as_str()];
    body.extend(p.documents.iter().map(|d| d.name.as_str()));
    Source {
        code: &row.code,
        title: &row.title,
        keywords: &p.keywords,
        field: &row.field,
        body,
    }
}

fn procedure_document(tk: &mut Tokenizer, ctx: &RenderContext, i: usize) -> Document {
    Document {
        shown: search_doc(&ctx.rows[i]),
        postings: tk.doc_postings(&procedure_source(ctx, i)),
    }
}

/// A free page's text, as one body field.
fn page_source<'a>(title: &'a str, text: &'a str) -> Source<'a> {
    Source {
        code: "",
        title,
        keywords: &[],
        field: "",
        body: vec![text],
    }
}

fn page_doc(p: &crate::site::SitePage<'_>) -> SearchDoc {
    SearchDoc {
        url: p.url.clone(),
        title: p.page.title.clone(),
        ..SearchDoc::default()
    }
}

/// A document: what its result shows, and its postings.
#[derive(Debug, PartialEq)]
pub struct Document {
    pub shown: SearchDoc,
    pub postings: DocPostings,
}

/// Every document of the site (procedures in site order, then free pages). Procedures'
/// documents are kept by `serve` while their view is unchanged; `previous`, in a partial
/// rebuild: the documents of the same procedures in the last rebuild, where those outside the
/// scope are unchanged (cheaper than looking each up).
pub fn documents(ctx: &RenderContext, previous: Option<&[Arc<Document>]>) -> Vec<Arc<Document>> {
    let cached = match (previous, &ctx.scope) {
        (Some(previous), Some(scope)) => {
            let mut cached: Vec<_> = previous.iter().cloned().map(Some).collect();
            for &i in &scope.procedures {
                cached[i] = None;
            }
            cached
        }
        _ => ctx.cached_fragments::<Document>("search"),
    };
    // Tokenising is most of the work and each document is independent: in parallel, each
    // worker remembering the words it has normalised (text repeats words heavily).
    let made: Vec<(Arc<Document>, bool)> = cached
        .into_par_iter()
        .enumerate()
        .with_min_len(32)
        .map_init(Tokenizer::default, |tk, (i, cached)| match cached {
            Some(d) => (d, false),
            None => (Arc::new(procedure_document(tk, ctx, i)), true),
        })
        .collect();
    let fresh = made.iter().enumerate().filter(|(_, (_, f))| *f);
    ctx.keep_fragments("search", fresh.map(|(i, (d, _))| (i, d.clone())));
    let mut docs: Vec<Arc<Document>> = made.into_iter().map(|(d, _)| d).collect();
    let mut tk = Tokenizer::default();
    for p in &ctx.site.pages {
        let text = crate::markdown::to_plain_text(&p.page.body);
        docs.push(Arc::new(Document {
            shown: page_doc(p),
            postings: tk.doc_postings(&page_source(&p.page.title, &text)),
        }));
    }
    docs
}

/// The index's postings of `docs` (document `d` is `docs[d]`), in token order: the same lists
/// as one pass over the documents in order.
pub fn merge(docs: &[Arc<Document>]) -> Vec<(Token, Vec<Posting>)> {
    // Documents tokenised together share each token's allocation: look tokens up by address,
    // and by text only the first time an address is seen.
    let mut by_address: FastMap<usize, u32> = FastMap::default();
    let mut by_text: FastMap<&str, u32> = FastMap::default();
    let mut tokens: Vec<&Token> = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    // First each document's tokens are numbered and counted, so that every list is allocated
    // once at its size (growing them cost a fifth of the index's time, most of it the kernel
    // handing out fresh pages).
    let entries = docs.iter().map(|d| d.postings.tokens.len()).sum();
    let mut numbers: Vec<u32> = Vec::with_capacity(entries);
    for doc in docs {
        for (token, postings) in doc.postings.iter() {
            let address = token.as_ptr() as usize;
            let g = match by_address.get(&address) {
                Some(&g) => g,
                None => {
                    let g = *by_text.entry(token).or_insert_with(|| {
                        tokens.push(token);
                        sizes.push(0);
                        (tokens.len() - 1) as u32
                    });
                    by_address.insert(address, g);
                    g
                }
            };
            numbers.push(g);
            sizes[g as usize] += postings.len();
        }
    }
    let mut lists: Vec<Vec<Posting>> = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
    let mut numbers = numbers.into_iter();
    for (d, doc) in docs.iter().enumerate() {
        for ((_, postings), g) in doc.postings.iter().zip(&mut numbers) {
            lists[g as usize].extend(postings.iter().map(|p| Posting {
                doc: d as u32,
                ..*p
            }));
        }
    }
    let mut merged: Vec<(Token, Vec<Posting>)> = tokens.into_iter().cloned().zip(lists).collect();
    merged.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    merged
}

/// What results show for every document, and the index's postings in token order: what
/// [`merge`] gives for [`documents`], made without keeping each document's postings apart (a
/// build does not patch its index later). Each piece of procedures tokenised together puts its
/// postings straight into lists by token; pieces cover consecutive documents, so joining their
/// lists in order keeps every list in document order.
pub fn index(ctx: &RenderContext) -> (Vec<SearchDoc>, Vec<(Token, Vec<Posting>)>) {
    let mut parts: Vec<Part> = (0..ctx.rows.len())
        .into_par_iter()
        .with_min_len(32)
        .fold(Part::default, |mut part, i| {
            part.add(i as u32, &procedure_source(ctx, i));
            part.shown.push(search_doc(&ctx.rows[i]));
            part
        })
        .collect();
    let mut pages = Part::default();
    for (i, p) in ctx.site.pages.iter().enumerate() {
        let text = crate::markdown::to_plain_text(&p.page.body);
        pages.add(
            (ctx.rows.len() + i) as u32,
            &page_source(&p.page.title, &text),
        );
        pages.shown.push(page_doc(p));
    }
    parts.push(pages);
    // Number the tokens across the pieces and size every list once (growing them cost a fifth
    // of the index's time, most of it the kernel handing out fresh pages).
    let mut global: FastMap<&str, u32> = FastMap::default();
    let mut tokens: Vec<&Token> = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    let numbers: Vec<Vec<u32>> = parts
        .iter()
        .map(|part| {
            let tk = &part.tk;
            part.lists
                .iter()
                .enumerate()
                .map(|(id, list)| {
                    if list.is_empty() {
                        return u32::MAX;
                    }
                    let token = &tk.slots[id].0;
                    let g = *global.entry(token).or_insert_with(|| {
                        tokens.push(token);
                        sizes.push(0);
                        (tokens.len() - 1) as u32
                    });
                    sizes[g as usize] += list.len();
                    g
                })
                .collect()
        })
        .collect();
    let mut lists: Vec<Vec<Posting>> = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (part, numbers) in parts.iter().zip(&numbers) {
        for (list, &g) in part.lists.iter().zip(numbers) {
            if g != u32::MAX {
                lists[g as usize].extend_from_slice(list);
            }
        }
    }
    // Rayon hands back the pieces in order; the lists then are too.
    debug_assert!(
        lists
            .iter()
            .all(|l| l.windows(2).all(|w| w[0].doc <= w[1].doc))
    );
    let mut merged: Vec<(Token, Vec<Posting>)> = tokens.into_iter().cloned().zip(lists).collect();
    merged.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let shown = parts.into_iter().flat_map(|p| p.shown).collect();
    (shown, merged)
}

/// Consecutive documents tokenised together, their postings in lists by token id.
#[derive(Default)]
struct Part {
    tk: Tokenizer,
    /// By the tokenizer's token id: postings in document order.
    lists: Vec<Vec<Posting>>,
    shown: Vec<SearchDoc>,
}

impl Part {
    fn add(&mut self, doc: u32, s: &Source) {
        self.tk.group(s);
        let w = &self.tk.scratch;
        let mut start = 0;
        for &(t, end) in &w.ends {
            let t = t as usize;
            if t >= self.lists.len() {
                self.lists.resize_with(self.tk.slots.len(), Vec::new);
            }
            let list = &mut self.lists[t];
            list.extend(
                w.postings[start..end as usize]
                    .iter()
                    .map(|p| Posting { doc, ..*p }),
            );
            start = end as usize;
        }
    }
}

impl SearchIndex {
    pub fn build(ctx: &RenderContext) -> SearchIndex {
        let (docs, tokens) = index(ctx);
        SearchIndex { docs, tokens }
    }

    /// The postings of `token`, if it is in the index.
    pub fn postings(&self, token: &str) -> Option<&[Posting]> {
        self.tokens
            .binary_search_by(|(t, _)| (**t).cmp(token))
            .ok()
            .map(|i| &self.tokens[i].1[..])
    }

    /// The alphabetic tokens (the vocabulary the page script matches words in), or the numeric.
    pub fn vocabulary(&self, numeric: bool) -> impl Iterator<Item = &str> {
        self.tokens
            .iter()
            .map(|(t, _)| &**t)
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
                    .map(|&(t, q)| (self.postings(t).unwrap_or_default(), q))
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

/// The postings of one document, grouped by token (`doc` is set when merged).
#[derive(Debug, Default, PartialEq)]
pub struct DocPostings {
    /// Each token with the end of its postings in `postings`, in order of first occurrence.
    tokens: Vec<(Token, u32)>,
    postings: Vec<Posting>,
}

impl DocPostings {
    /// Each token with its postings.
    pub fn iter(&self) -> impl Iterator<Item = (&Token, &[Posting])> {
        let starts = std::iter::once(0).chain(self.tokens.iter().map(|t| t.1));
        self.tokens
            .iter()
            .zip(starts)
            .map(|((t, end), start)| (t, &self.postings[start as usize..*end as usize]))
    }
}

/// Search tokens of many texts (`search_tokens(normalize_for_search(text))`), remembering what
/// each whitespace-separated piece gave: normalising is piece by piece (no step looks across a
/// space: composition, casing, tone placement and tokens all stop there), and documents repeat
/// their words heavily, so most pieces are normalised once per worker, not once per use.
#[derive(Default)]
pub struct Tokenizer {
    /// Piece → its tokens, a range of `piece_tokens`.
    pieces: FastMap<Box<str>, (u32, u32)>,
    piece_tokens: Vec<u32>,
    ids: FastMap<Token, u32>,
    /// By token id: the token, and the last document it was seen in (for grouping).
    slots: Vec<(Token, u32, u32)>,
    stamp: u32,
    /// Working space of [`Tokenizer::doc_postings`], kept between documents.
    scratch: Scratch,
}

#[derive(Default)]
struct Scratch {
    ids: Vec<u32>,
    found: Vec<(u32, Posting)>,
    groups: Vec<u32>,
    counts: Vec<u32>,
    next: Vec<u32>,
    sorted: Vec<Posting>,
    postings: Vec<Posting>,
    ends: Vec<(u32, u32)>,
}

impl Tokenizer {
    /// Appends the token ids of `text` to `out`.
    fn tokens(&mut self, text: &str, out: &mut Vec<u32>) {
        for piece in text.split(crate::text::is_space) {
            if piece.is_empty() {
                continue;
            }
            let (start, end) = match self.pieces.get(piece) {
                Some(&r) => r,
                None => {
                    let start = self.piece_tokens.len() as u32;
                    for t in field_tokens(piece) {
                        let id = match self.ids.get(t.as_str()) {
                            Some(&id) => id,
                            None => {
                                let id = self.slots.len() as u32;
                                let token: Token = t.into();
                                self.slots.push((token.clone(), u32::MAX, 0));
                                self.ids.insert(token, id);
                                id
                            }
                        };
                        self.piece_tokens.push(id);
                    }
                    let r = (start, self.piece_tokens.len() as u32);
                    self.pieces.insert(piece.into(), r);
                    r
                }
            };
            out.extend_from_slice(&self.piece_tokens[start as usize..end as usize]);
        }
    }

    /// Groups the postings of `s` by token, in order of first occurrence, into the scratch
    /// space: `ends` holds each token id with the end of its postings in `postings`.
    fn group(&mut self, s: &Source) {
        let clamp = |n: usize| n.min(u16::MAX as usize) as u16;
        let posting = |class, pos: usize, off: usize, len: usize| Posting {
            doc: 0,
            class,
            pos: clamp(pos),
            off: clamp(off),
            len: clamp(len),
        };
        let mut w = std::mem::take(&mut self.scratch);
        // Every occurrence, in class order (code, title, keywords, field, body).
        w.found.clear();
        self.tokens(s.code, &mut w.ids);
        w.found
            .extend(w.ids.drain(..).map(|t| (t, posting(CODE, 0, 0, 0))));
        self.tokens(s.title, &mut w.ids);
        let n = w.ids.len();
        w.found.extend(
            w.ids
                .drain(..)
                .enumerate()
                .map(|(i, t)| (t, posting(TITLE, i, i, n))),
        );
        let mut pos = 0;
        for k in s.keywords {
            self.tokens(k, &mut w.ids);
            let n = w.ids.len();
            w.found.extend(
                w.ids
                    .drain(..)
                    .enumerate()
                    .map(|(i, t)| (t, posting(KEYWORD, pos + i, i, n))),
            );
            pos += n + 1;
        }
        self.tokens(s.field, &mut w.ids);
        w.found
            .extend(w.ids.drain(..).map(|t| (t, posting(FIELD, 0, 0, 0))));
        for b in &s.body {
            self.tokens(b, &mut w.ids);
            w.found
                .extend(w.ids.drain(..).map(|t| (t, posting(BODY, 0, 0, 0))));
        }
        // Group by token (in order of first occurrence), keeping each token's occurrences in
        // class order: a counting sort on the group.
        self.stamp = self.stamp.wrapping_add(1);
        w.groups.clear();
        w.counts.clear();
        for (t, _) in w.found.iter_mut() {
            let slot = &mut self.slots[*t as usize];
            if slot.1 != self.stamp {
                slot.1 = self.stamp;
                slot.2 = w.groups.len() as u32;
                w.groups.push(*t);
                w.counts.push(0);
            }
            w.counts[slot.2 as usize] += 1;
            *t = slot.2;
        }
        w.next.clear();
        let mut at = 0;
        for c in &w.counts {
            w.next.push(at);
            at += c;
        }
        w.sorted.clear();
        w.sorted.resize(w.found.len(), posting(0, 0, 0, 0));
        for (g, p) in &w.found {
            w.sorted[w.next[*g as usize] as usize] = *p;
            w.next[*g as usize] += 1;
        }
        w.ends.clear();
        w.postings.clear();
        let mut start = 0;
        for (g, &t) in w.groups.iter().enumerate() {
            let all = &w.sorted[start..start + w.counts[g] as usize];
            start += w.counts[g] as usize;
            // Title and keywords keep every position (for phrases), the code its first; a
            // token in none of these keeps one posting: its first in the field, or the body.
            let before = w.postings.len();
            let mut code = false;
            for p in all {
                if p.class == TITLE || p.class == KEYWORD || (p.class == CODE && !code) {
                    code |= p.class == CODE;
                    w.postings.push(*p);
                }
            }
            if w.postings.len() == before {
                w.postings.push(all[0]);
            }
            w.ends.push((t, w.postings.len() as u32));
        }
        self.scratch = w;
    }

    fn doc_postings(&mut self, s: &Source) -> DocPostings {
        self.group(s);
        let w = &self.scratch;
        DocPostings {
            tokens: w
                .ends
                .iter()
                .map(|&(t, end)| (self.slots[t as usize].0.clone(), end))
                .collect(),
            postings: w.postings.clone(),
        }
    }
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
    fn tokenizer_gives_the_tokens_of_the_whole_text() {
        #[derive(serde::Deserialize)]
        struct Row {
            input: String,
        }
        let rows: Vec<Row> =
            serde_json::from_str(include_str!("../tests/vectors/normalize.json")).unwrap();
        let mut texts: Vec<String> = rows.into_iter().map(|r| r.input).collect();
        texts.extend(
            [
                "Hoà  GIẢI hòa 1.001193",
                "a\u{2000}b\u{2001}c\u{3000}d\u{85}e\u{feff}f",
                "\u{301}a b\u{301} \u{301}",
                "ΟΔΟΣ ΟΔΟΣ. Σ",
                "İstanbul ǅemal",
                "UỶ BAN\u{a0}nhân\tdân\r\n",
                "1.2.3 v1.0 1. .5 1..2",
                "hoa\u{300} thuy\u{301} khoe\u{309}",
                "",
                "   ",
            ]
            .map(String::from),
        );
        // All of it again as one text: its pieces come from the memo.
        texts.push(texts.join(" \u{a0}\t"));
        let mut tk = Tokenizer::default();
        for text in texts.iter().chain(&texts) {
            let mut ids = Vec::new();
            tk.tokens(text, &mut ids);
            let got: Vec<&str> = ids.iter().map(|&i| &*tk.slots[i as usize].0).collect();
            assert_eq!(got, field_tokens(text), "{text:?}");
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
