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

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::{OutputFile, RenderContext, RenderError};
use crate::search::{BODY, CODE, FIELD, KEYWORD, Posting, SearchIndex, TITLE};
use crate::text::fold;

/// Documents per result-display file.
pub const CHUNK: usize = 64;

pub fn render(ctx: &RenderContext) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    files(ctx, &SearchIndex::build(ctx)).map_err(|e| vec![e])
}

/// The shard a token's postings live in: the first two characters of its folded form.
pub fn shard_key(token: &str) -> String {
    fold(token).chars().take(2).collect()
}

/// The search files of `index`, each handed to [`RenderContext::emit`] as soon as it is made
/// (a build does not hold every shard's text at once).
pub fn files(ctx: &RenderContext, index: &SearchIndex) -> Result<Vec<OutputFile>, RenderError> {
    let n = index.docs.len();
    let mut out = Vec::new();
    let mut shards: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    // Encoding and serialising are independent per token and per shard: in parallel, then
    // gathered in token order (the same files as one pass).
    let encoded: Vec<(String, &String, Value)> = index
        .tokens
        .par_iter()
        .map(|(token, postings)| (shard_key(token), token, encode_postings(postings, n)))
        .collect();
    for (key, token, value) in encoded {
        shards.entry(key).or_default().insert(token.clone(), value);
    }
    let shard_list: Vec<(String, serde_json::Map<String, Value>)> = shards.into_iter().collect();
    // (shard key, file name, the file when kept in memory)
    type Shard = (String, String, Vec<OutputFile>);
    let rendered: Vec<Result<Shard, RenderError>> = shard_list
        .into_par_iter()
        .map(|(key, tokens)| {
            let file = script_file("s", &format!("s:{key}"), &Value::Object(tokens));
            let name = file_name(&file);
            Ok((key, name, ctx.emit(vec![file])?))
        })
        .collect();
    let mut shard_files = serde_json::Map::new();
    for r in rendered {
        let (key, name, files) = r?;
        shard_files.insert(key, Value::String(name));
        out.extend(files);
    }
    let mut doc_files = Vec::new();
    for (i, chunk) in index.docs.chunks(CHUNK).enumerate() {
        let rows: Vec<Value> = chunk
            .iter()
            .map(|d| json!([d.url, d.title, d.code, d.field, d.level, d.duration, d.fee]))
            .collect();
        let file = script_file("d", &format!("d:{i}"), &Value::Array(rows));
        doc_files.push(Value::String(file_name(&file)));
        out.extend(ctx.emit(vec![file])?);
    }
    let vocabulary: Vec<&str> = index.vocabulary(false).collect();
    let meta = json!({
        "n": n,
        "chunk": CHUNK,
        "vocab": vocabulary.join(" "),
        "shards": shard_files,
        "docs": doc_files,
    });
    out.push(OutputFile {
        path: "search/meta.js".into(),
        data: register("meta", &meta).into_bytes(),
    });
    Ok(out)
}

fn register(name: &str, data: &Value) -> String {
    // `</` cannot occur in a script file loaded by src, but keep the output inert anyway.
    let json = crate::views::json_for_script(data);
    format!(
        "niemyetSearch.add({},{json});\n",
        serde_json::to_string(name).unwrap_or_default()
    )
}

fn script_file(prefix: &str, name: &str, data: &Value) -> OutputFile {
    let text = register(name, data);
    OutputFile {
        path: format!("search/{prefix}-{:010x}.js", fnv1a(text.as_bytes()) >> 24),
        data: text.into_bytes(),
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

fn encode_postings(postings: &[Posting], n_docs: usize) -> Value {
    let lists: Vec<Value> = [CODE, TITLE, KEYWORD, FIELD, BODY]
        .into_iter()
        .map(|class| {
            let ps: Vec<&Posting> = postings.iter().filter(|p| p.class == class).collect();
            if ps.is_empty() {
                return json!(0);
            }
            let mut flat: Vec<u32> = Vec::new();
            let mut prev = 0;
            for p in &ps {
                flat.push(p.doc - prev);
                prev = p.doc;
                match class {
                    TITLE => flat.extend([u32::from(p.pos), u32::from(p.len)]),
                    KEYWORD => flat.extend([u32::from(p.pos), u32::from(p.off), u32::from(p.len)]),
                    _ => {}
                }
            }
            if class == FIELD || class == BODY {
                let list = serde_json::to_string(&flat).unwrap_or_default();
                let bitmap = bitmap(ps.iter().map(|p| p.doc as usize), n_docs);
                if bitmap.len() + 2 < list.len() {
                    return Value::String(bitmap);
                }
            }
            json!(flat)
        })
        .collect();
    Value::Array(lists)
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
        let dense: Vec<Posting> = (0..40).map(p).collect();
        assert_eq!(encode_postings(&dense, 40), json!([0, 0, 0, 0, "//////8="]));
        let sparse = [p(3), p(10)];
        assert_eq!(encode_postings(&sparse, 4000), json!([0, 0, 0, 0, [3, 7]]));
    }
}
