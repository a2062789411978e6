//! Search ranking on the example content: every query of the shared vectors
//! (`tests/vectors/ranking.json`, also typed into the page by `tests/browser/search.test.mjs`)
//! puts the expected procedure or page first.

mod common;

use niemyet::render::RenderContext;
use niemyet::search::SearchIndex;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    query: String,
    first: String,
    why: String,
}

/// `f` of the example content's render context, as `niemyet build` makes it.
fn with_example<T>(f: impl FnOnce(&RenderContext) -> T) -> T {
    common::with_render_context(&common::repo(), f)
}

/// The search index of the example content, built as `niemyet build` builds it.
fn example_index() -> SearchIndex {
    with_example(SearchIndex::build)
}

/// A build makes its index in one pass (`index`); `serve` keeps each document's postings to
/// patch its index later (`documents`, then `merge`). Both give the same index.
#[test]
fn a_build_and_serve_make_the_same_index() {
    with_example(|ctx| {
        let (shown, tokens) = niemyet::search::index(ctx);
        let docs = niemyet::search::documents(ctx, None);
        let merged = niemyet::search::merge(&docs);
        assert!(tokens.len() > 500, "{} tokens", tokens.len());
        assert_eq!(tokens, merged);
        let kept: Vec<_> = docs.iter().map(|d| d.shown.clone()).collect();
        assert_eq!(shown, kept);
    });
}

#[test]
fn shared_ranking_vectors_put_the_expected_result_first() {
    let index = example_index();
    let vectors: Vec<Vector> = serde_json::from_str(include_str!("vectors/ranking.json")).unwrap();
    assert!(vectors.len() >= 30, "only {} queries", vectors.len());
    let mut failures = Vec::new();
    for v in &vectors {
        let hits = index.query(&v.query);
        let name = |h: &niemyet::search::Hit| {
            let d = &index.docs[h.doc];
            if d.code.is_empty() {
                d.url.clone()
            } else {
                d.code.clone()
            }
        };
        let first = hits.first().map(name).unwrap_or_default();
        if first != v.first {
            let top: Vec<String> = hits
                .iter()
                .take(3)
                .map(|h| format!("{} ({}, {:.2})", name(h), h.coverage, h.score))
                .collect();
            failures.push(format!(
                "{:?} ({}): expected {}, got {}",
                v.query,
                v.why,
                v.first,
                top.join(", ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The built example carries a small index whose every file is named by `search/meta.js`, and
/// every page loads the search script (relative to the page, so it works from `file://`).
#[test]
fn the_index_is_small_script_files_that_every_page_can_load() {
    let t = common::SiteTest::example();
    t.build();
    let files = t.snapshot("public");
    let index: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(p, _)| p.starts_with("search/"))
        .collect();
    let meta = index
        .iter()
        .find(|(p, _)| p == "search/meta.js")
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .expect("search/meta.js");
    for (path, bytes) in &index {
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(text.starts_with("niemyetSearch.add(\""), "{path}");
        let name = path.trim_start_matches("search/");
        assert!(
            name == "meta.js" || meta.contains(&format!("\"{name}\"")),
            "{name} is not in meta.js"
        );
    }
    let total: usize = index.iter().map(|(_, b)| b.len()).sum();
    assert!(total < 100 * 1024, "the example's index is {total} bytes");
    t.check_file_contains(
        "public/index.html",
        r#"<script src="static/search.js"></script>"#,
    );
    t.check_file_contains(
        "public/thu-tuc/dang-ky-khai-sinh.html",
        r#"<script src="../static/search.js"></script>"#,
    );
}

/// The page's script (static/search.js) ranks exactly as `niemyet::search` does: same
/// normalisation on the shared vectors, and the same top 10, coverage and score for every
/// ranking vector and more queries (prefixes, typos, telex, codes), on the built example.
#[test]
fn the_page_script_ranks_exactly_like_rust() {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(std::env::var_os("CI").is_none(), "node is needed on CI");
        eprintln!("SKIPPED: node is not installed");
        return;
    }
    let t = common::SiteTest::example();
    t.build();
    let index = example_index();
    let vectors: Vec<Vector> = serde_json::from_str(include_str!("vectors/ranking.json")).unwrap();
    let mut queries: Vec<String> = vectors.into_iter().map(|v| v.query).collect();
    queries.extend(
        [
            "d",
            "đ",
            "kh",
            "khai s",
            "chứng thực",
            "chung thuc",
            "chứng thư",
            "hoa giai",
            "hòa",
            "hoà",
            "1",
            "1.0",
            "2.000",
            "nn-0",
            "giay to",
            "xac nhan",
            "ban sao",
            "kinh doanhf",
            "uỷ ban",
            "ủy ban nhân dân",
            "qqqzzz",
            "a b c d e f g h i j",
            "Hướng dẫn",
            "thuc",
        ]
        .map(String::from),
    );
    let rust: Vec<serde_json::Value> = queries
        .iter()
        .map(|q| {
            let hits = index.query(q);
            let top: Vec<serde_json::Value> = hits
                .iter()
                .take(10)
                .map(|h| serde_json::json!([h.doc, h.coverage, h.score]))
                .collect();
            serde_json::json!({"query": q, "hits": top, "count": hits.len()})
        })
        .collect();
    let expected = t.path("rust-ranking.json");
    std::fs::write(&expected, serde_json::to_string(&rust).unwrap()).unwrap();
    let out = std::process::Command::new("node")
        .arg(common::repo().join("tests/browser/search-engine.mjs"))
        .env("SITE_DIR", t.path("public"))
        .env("RUST_RANKING", &expected)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{report}");
    assert!(report.contains(" 0 failed"), "{report}");
}
