//! The search index as plain script files under `search/`, so it loads from `file://` too
//! (where `fetch()` is blocked): each file calls `niemyetSearch.add(name, data)`, and the
//! page's `static/search.js` adds `<script>` elements for the files a query needs.
//!
//! - `search/meta.js` (`"meta"`): document count, chunk size, the vocabulary of alphabetic
//!   tokens (for folded, prefix, typo and telex matching), and the names of the other files.
//! - `search/s-….js` (`"s:KEY"`): the postings of every token whose folded form starts with
//!   KEY (its first two characters). A query loads only the shards of its candidates.
//! - `search/d-….js` (`"d:N"`): what results show for documents `N × CHUNK …`, loaded only for
//!   the results on screen.
//!
//! Shard and chunk names carry a hash of their content, so a browser never mixes files of two
//! builds. Postings of a token are `[code, title, keywords, field, body]`, each list sorted by
//! document and delta-coded (`doc − previous`, previous starting at 0; title and keyword lists
//! repeat a document for each position): code `[Δ…]`,
//! title `[Δ, pos, len, …]`, keywords `[Δ, pos, off, len, …]`, field and body `[Δ…]` or, when
//! shorter, a base64 bitmap string (bit `d % 8` of byte `d / 8`); `0` for an empty list.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::{OutputFile, RenderContext, RenderError};
use crate::search::{
    self, BODY, CODE, Document, FIELD, FastMap, KEYWORD, Posting, SearchDoc, TITLE, Token,
};
use crate::text::fold;

/// Documents per result-display file.
pub const CHUNK: usize = 64;

/// At most this many changed documents are patched into `serve`'s index; more rebuild it whole.
const MAX_PATCHED: usize = 32;

/// What `serve` keeps between rebuilds (see [`RenderContext::keep_state`]).
const STATE: &str = "search";

pub fn render(ctx: &RenderContext) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    let mut phases = crate::Phases::new();
    // A build: every file, written as it is made. `serve` (outputs in memory) keeps its index.
    if ctx.fragments.is_none() || ctx.sink.is_some() {
        let (shown, tokens) = search::index(ctx);
        return build(ctx, &shown, tokens, None)
            .map(|(files, _)| files)
            .map_err(|e| vec![e]);
    }
    // A rebuild that keeps every procedure in its place: those outside the scope have the
    // documents of the last rebuild, and its index is patched.
    let n = ctx.site.procedures.len();
    let cache = ctx
        .take_state::<Cache>(STATE)
        .filter(|c| c.docs.len() == n + ctx.site.pages.len());
    let docs = search::documents(ctx, cache.as_ref().map(|c| &c.docs[..n]));
    phases.mark("    search docs");
    let patched = cache.and_then(|mut cache| cache.patch(&docs).then_some(cache));
    let cache = match patched {
        Some(mut cache) => {
            cache.docs = docs;
            cache
        }
        None => {
            let tokens = search::merge(&docs);
            let shown: Vec<SearchDoc> = docs.iter().map(|d| d.shown.clone()).collect();
            build(ctx, &shown, tokens, Some(docs))
                .map_err(|e| vec![e])?
                .1
                .expect("kept")
        }
    };
    phases.mark("    search index");
    let files = cache.files();
    ctx.keep_state(STATE, cache);
    phases.mark("    search files");
    Ok(files)
}

/// The shard a token's postings live in: the first two characters of its folded form.
pub fn shard_key(token: &str) -> String {
    match token.as_bytes() {
        // Folding leaves lower-case ASCII as it is; marks after it only go.
        [a, b, ..] if a.is_ascii() && b.is_ascii() => token[..2].to_ascii_lowercase(),
        _ => fold(token).chars().take(2).collect(),
    }
}

/// The index as `serve` last wrote it, to patch when few documents change.
struct Cache {
    /// The procedures' documents, then the free pages'.
    docs: Vec<Arc<Document>>,
    shards: BTreeMap<String, Shard>,
    chunks: Vec<OutputFile>,
    meta: OutputFile,
}

struct Shard {
    tokens: BTreeMap<Token, Vec<Posting>>,
    file: OutputFile,
}

fn copy(f: &OutputFile) -> OutputFile {
    OutputFile {
        path: f.path.clone(),
        data: f.data.clone(),
    }
}

/// Every search file of a full build from what results show (`shown`, one per document) and
/// the postings in token order, each file handed to [`RenderContext::emit`] as soon as it is
/// made (a build does not hold every shard's text at once); with the documents to `keep`,
/// also what `serve` keeps to patch.
fn build(
    ctx: &RenderContext,
    shown: &[SearchDoc],
    tokens: Vec<(Token, Vec<Posting>)>,
    keep: Option<Vec<Arc<Document>>>,
) -> Result<(Vec<OutputFile>, Option<Cache>), RenderError> {
    let n = shown.len();
    let vocabulary: Vec<&str> = tokens
        .iter()
        .map(|(t, _)| &**t)
        .filter(|t| !search::is_numeric(t))
        .collect();
    let vocabulary = vocabulary.join(" ");
    let mut by_key: BTreeMap<String, Vec<(Token, Vec<Posting>)>> = BTreeMap::new();
    for (t, p) in tokens {
        by_key.entry(shard_key(&t)).or_default().push((t, p));
    }
    // Shards are independent: encoded and written in parallel, gathered in key order.
    type Made = (String, String, Vec<OutputFile>, Option<Shard>);
    let made: Vec<Result<Made, RenderError>> = by_key
        .into_par_iter()
        .map(|(key, tokens)| {
            let file = shard_file(&key, tokens.iter().map(|(t, p)| (&**t, &p[..])), n);
            let name = file_name(&file);
            let kept = keep.is_some().then(|| Shard {
                file: copy(&file),
                tokens: tokens.into_iter().collect(),
            });
            Ok((key, name, ctx.emit(vec![file])?, kept))
        })
        .collect();
    let mut out = Vec::new();
    let mut shard_names = serde_json::Map::new();
    let mut shards = BTreeMap::new();
    for m in made {
        let (key, name, files, kept) = m?;
        shard_names.insert(key.clone(), Value::String(name));
        out.extend(files);
        if let Some(s) = kept {
            shards.insert(key, s);
        }
    }
    let mut chunks = Vec::new();
    let mut chunk_names = Vec::new();
    for (i, chunk) in shown.chunks(CHUNK).enumerate() {
        let file = chunk_file(i, chunk.iter());
        chunk_names.push(Value::String(file_name(&file)));
        if keep.is_some() {
            chunks.push(copy(&file));
        }
        out.extend(ctx.emit(vec![file])?);
    }
    let meta = meta_file(n, vocabulary, shard_names, chunk_names);
    let cache = keep.map(|docs| Cache {
        docs,
        shards,
        chunks,
        meta: copy(&meta),
    });
    out.push(meta);
    Ok((out, cache))
}

impl Cache {
    /// Bring the files up to date with `docs` by re-encoding only the shards whose tokens'
    /// postings changed, and the result files whose documents changed (the caller then keeps
    /// `docs`). False, and the cache unusable, when too much changed.
    fn patch(&mut self, docs: &[Arc<Document>]) -> bool {
        let n = docs.len();
        if n != self.docs.len() {
            return false;
        }
        let changed: Vec<usize> = (0..n)
            .filter(|&d| {
                !Arc::ptr_eq(&docs[d], &self.docs[d]) && docs[d].postings != self.docs[d].postings
            })
            .collect();
        if changed.len() > MAX_PATCHED {
            return false;
        }
        let mut dirty: BTreeSet<String> = BTreeSet::new();
        for &d in &changed {
            let old: FastMap<&str, &[Posting]> = self.docs[d]
                .postings
                .iter()
                .map(|(t, p)| (&**t, p))
                .collect();
            let mut seen: FastMap<&str, ()> = FastMap::default();
            for (t, p) in docs[d].postings.iter() {
                seen.insert(t, ());
                if old.get(&**t) != Some(&p) {
                    dirty.insert(set_postings(&mut self.shards, t, d as u32, p));
                }
            }
            for (t, _) in self.docs[d].postings.iter() {
                if !seen.contains_key(&**t) {
                    dirty.insert(set_postings(&mut self.shards, t, d as u32, &[]));
                }
            }
        }
        let mut shards: Vec<(&String, &mut Shard)> = self
            .shards
            .iter_mut()
            .filter(|(k, _)| dirty.contains(*k))
            .collect();
        shards.par_iter_mut().for_each(|(key, shard)| {
            let tokens = shard.tokens.iter().map(|(t, p)| (&**t, &p[..]));
            shard.file = shard_file(key, tokens, n);
        });
        self.shards.retain(|_, s| !s.tokens.is_empty());
        let mut chunks_changed = false;
        for (i, (new, old)) in docs.chunks(CHUNK).zip(self.docs.chunks(CHUNK)).enumerate() {
            let same =
                |(a, b): (&Arc<Document>, &Arc<Document>)| Arc::ptr_eq(a, b) || a.shown == b.shown;
            if !new.iter().zip(old).all(same) {
                self.chunks[i] = chunk_file(i, new.iter().map(|d| &d.shown));
                chunks_changed = true;
            }
        }
        if !dirty.is_empty() || chunks_changed {
            let mut vocabulary: Vec<&str> = self
                .shards
                .values()
                .flat_map(|s| s.tokens.keys().map(|t| &**t))
                .filter(|t| !search::is_numeric(t))
                .collect();
            vocabulary.sort_unstable();
            let vocabulary = vocabulary.join(" ");
            let shard_names = self
                .shards
                .iter()
                .map(|(k, s)| (k.clone(), Value::String(file_name(&s.file))))
                .collect();
            let chunk_names = self
                .chunks
                .iter()
                .map(|f| Value::String(file_name(f)))
                .collect();
            self.meta = meta_file(n, vocabulary, shard_names, chunk_names);
        }
        true
    }

    /// Every search file, as of the last patch.
    fn files(&self) -> Vec<OutputFile> {
        let shards = self.shards.values().map(|s| &s.file);
        shards
            .chain(&self.chunks)
            .chain([&self.meta])
            .map(copy)
            .collect()
    }
}

/// Make `postings` (their `doc` set to `doc`) document `doc`'s postings of `token`; returns the
/// token's shard key.
fn set_postings(
    shards: &mut BTreeMap<String, Shard>,
    token: &Token,
    doc: u32,
    postings: &[Posting],
) -> String {
    let key = shard_key(token);
    let shard = shards.entry(key.clone()).or_insert_with(|| Shard {
        tokens: BTreeMap::new(),
        file: OutputFile {
            path: String::new(),
            data: Vec::new(),
        },
    });
    let list = shard.tokens.entry(token.clone()).or_default();
    let from = list.partition_point(|p| p.doc < doc);
    let to = list.partition_point(|p| p.doc <= doc);
    list.splice(from..to, postings.iter().map(|p| Posting { doc, ..*p }));
    if list.is_empty() {
        shard.tokens.remove(&**token);
    }
    key
}

/// `search/s-….js`: the postings of a shard's tokens, in token order.
fn shard_file<'a>(
    key: &str,
    tokens: impl Iterator<Item = (&'a str, &'a [Posting])>,
    n_docs: usize,
) -> OutputFile {
    // Sized up front (growing it cost more than writing it); a dense list is a bitmap.
    let bitmap = n_docs / 6 + 8;
    let tokens: Vec<(&str, &[Posting])> = tokens.collect();
    let size: usize = tokens
        .iter()
        .map(|(t, p)| t.len() + 16 + (5 * p.len()).min(2 * bitmap))
        .sum();
    let mut data = Vec::with_capacity(size + 64);
    data.extend_from_slice(b"niemyetSearch.add(");
    data.extend_from_slice(name_json(&format!("s:{key}")).as_bytes());
    data.extend_from_slice(b",{");
    for (i, (token, postings)) in tokens.into_iter().enumerate() {
        if i > 0 {
            data.push(b',');
        }
        push_json_string(&mut data, token);
        data.push(b':');
        encode_postings(&mut data, postings, n_docs);
    }
    data.extend_from_slice(b"});\n");
    hashed_file("s", data)
}

/// `search/d-….js`: what results show for one chunk of documents.
fn chunk_file<'a>(i: usize, docs: impl Iterator<Item = &'a SearchDoc>) -> OutputFile {
    let rows: Vec<Value> = docs
        .map(|d| json!([d.url, d.title, d.code, d.field, d.level, d.duration, d.fee]))
        .collect();
    hashed_file(
        "d",
        register(&format!("d:{i}"), &Value::Array(rows)).into_bytes(),
    )
}

fn meta_file(
    n: usize,
    vocabulary: String,
    shards: serde_json::Map<String, Value>,
    docs: Vec<Value>,
) -> OutputFile {
    let meta = json!({
        "n": n,
        "chunk": CHUNK,
        "vocab": vocabulary,
        "shards": shards,
        "docs": docs,
    });
    OutputFile {
        path: "search/meta.js".into(),
        data: register("meta", &meta).into_bytes(),
    }
}

fn name_json(name: &str) -> String {
    serde_json::to_string(name).unwrap_or_default()
}

fn register(name: &str, data: &Value) -> String {
    // `</` cannot occur in a script file loaded by src, but keep the output inert anyway.
    let json = crate::views::json_for_script(data);
    format!("niemyetSearch.add({},{json});\n", name_json(name))
}

/// `text` as [`crate::views::json_for_script`] writes a string.
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    let plain = |b: &u8| *b >= 0x20 && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&');
    if text.as_bytes().iter().all(plain) {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        let json = crate::views::json_for_script(&Value::String(text.to_string()));
        out.extend_from_slice(json.as_bytes());
    }
}

fn hashed_file(prefix: &str, data: Vec<u8>) -> OutputFile {
    OutputFile {
        path: format!("search/{prefix}-{:010x}.js", fnv1a(&data) >> 24),
        data,
    }
}

fn file_name(f: &OutputFile) -> String {
    f.path.trim_start_matches("search/").to_string()
}

/// FNV-1a, 64 bits: a content hash for file names, not for security.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn push_number(out: &mut Vec<u8>, n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

fn decimal_len(n: u32) -> usize {
    n.checked_ilog10().unwrap_or(0) as usize + 1
}

/// A token's postings as `[code, title, keywords, field, body]` (see the module's comment).
fn encode_postings(out: &mut Vec<u8>, postings: &[Posting], n_docs: usize) {
    out.push(b'[');
    for class in [CODE, TITLE, KEYWORD, FIELD, BODY] {
        if class != CODE {
            out.push(b',');
        }
        let ps = || postings.iter().filter(move |p| p.class == class);
        if ps().next().is_none() {
            out.push(b'0');
            continue;
        }
        if class == FIELD || class == BODY {
            // The shorter of a list of deltas and a bitmap string.
            let (mut count, mut digits, mut prev) = (0, 0, 0);
            for p in ps() {
                count += 1;
                digits += decimal_len(p.doc - prev);
                prev = p.doc;
            }
            let list_len = 2 + digits + count - 1;
            let bitmap_len = n_docs.div_ceil(8).div_ceil(3) * 4;
            if bitmap_len + 2 < list_len {
                out.push(b'"');
                out.extend_from_slice(bitmap(ps().map(|p| p.doc as usize), n_docs).as_bytes());
                out.push(b'"');
                continue;
            }
        }
        out.push(b'[');
        let mut prev = 0;
        for (i, p) in ps().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_number(out, p.doc - prev);
            prev = p.doc;
            let extra: &[u16] = match class {
                TITLE => &[p.pos, p.len],
                KEYWORD => &[p.pos, p.off, p.len],
                _ => &[],
            };
            for &x in extra {
                out.push(b',');
                push_number(out, u32::from(x));
            }
        }
        out.push(b']');
    }
    out.push(b']');
}

fn bitmap(docs: impl Iterator<Item = usize>, n_docs: usize) -> String {
    let mut bytes = vec![0u8; n_docs.div_ceil(8)];
    for d in docs {
        bytes[d / 8] |= 1 << (d % 8);
    }
    base64(&bytes)
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        for (input, expected) in [
            (&b""[..], ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (&[0xff, 0xfe, 0x01], "//4B"),
        ] {
            assert_eq!(base64(input), expected);
        }
    }

    #[test]
    fn shards_are_keyed_by_the_first_two_folded_characters() {
        assert_eq!(shard_key("đăng"), "da");
        assert_eq!(shard_key("ý"), "y");
        assert_eq!(shard_key("1.001193"), "1.");
        assert_eq!(shard_key("xylophone"), "xy");
        assert_eq!(shard_key("a"), "a");
        assert_eq!(shard_key("a\u{301}b"), "ab");
        assert_eq!(shard_key("Đa"), "da");
    }

    #[test]
    fn dense_body_lists_become_bitmaps() {
        let p = |doc| Posting {
            doc,
            class: BODY,
            pos: 0,
            off: 0,
            len: 0,
        };
        let encoded = |ps: &[Posting], n| {
            let mut out = Vec::new();
            encode_postings(&mut out, ps, n);
            String::from_utf8(out).unwrap()
        };
        let dense: Vec<Posting> = (0..40).map(p).collect();
        assert_eq!(encoded(&dense, 40), r#"[0,0,0,0,"//////8="]"#);
        let sparse = [p(3), p(10)];
        assert_eq!(encoded(&sparse, 4000), "[0,0,0,0,[3,7]]");
    }
}
