//! Search ranking on the example content: every query of the shared vectors
//! (`tests/vectors/ranking.json`, also typed into the page by `tests/browser/search.test.mjs`)
//! puts the expected procedure or page first.

mod common;

use niemyet::render::{Engine, RenderContext};
use niemyet::search::SearchIndex;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    query: String,
    first: String,
    why: String,
}

#[test]
fn shared_ranking_vectors_put_the_expected_result_first() {
    let root = common::repo();
    let paths = niemyet::Paths {
        root: root.clone(),
        content: root.join("content"),
        theme: None,
        output: root.join("public"),
    };
    let (content, diags) = niemyet::check(&paths, false);
    let content = content.unwrap_or_else(|| panic!("example content fails: {diags:?}"));
    let site = niemyet::site::Site::build(&content);
    let theme = niemyet::theme::Theme::load(None).unwrap();
    let engine = Engine::new(&theme, &site).unwrap();
    let ctx = RenderContext::new(&site, &engine, &theme, &paths.content);
    let index = SearchIndex::build(&ctx);

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
