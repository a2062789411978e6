//! `niemyet serve` rebuilds incrementally: after each change (an edit, a new file, a deleted
//! file, a renamed field, a broken then fixed file) the outputs it holds must be exactly those
//! of a clean full build of the same content.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::SiteTest;
use niemyet::Paths;
use niemyet::incremental::Incremental;

fn paths(site: &SiteTest) -> Paths {
    Paths {
        root: site.dir.path().to_path_buf(),
        content: site.path("content"),
        theme: None,
        output: site.path("public"),
    }
}

/// A clean build through the same stages as `niemyet build`, kept in memory.
fn clean_build(paths: &Paths) -> BTreeMap<String, Vec<u8>> {
    let (content, diags) = niemyet::check(paths, false);
    let content = content.unwrap_or_else(|| panic!("content has errors: {:?}", diags.items));
    let theme = niemyet::theme::Theme::load(None).unwrap();
    let site = niemyet::site::Site::build(&content);
    let files = niemyet::render_site(&site, &theme, &paths.content)
        .unwrap_or_else(|e| panic!("render failed: {e:?}"));
    files.into_iter().map(|f| (f.path, f.data)).collect()
}

fn assert_same_as_clean(engine: &Incremental, paths: &Paths, after: &str) {
    let clean = clean_build(paths);
    let incremental: BTreeMap<String, Vec<u8>> = engine
        .outputs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect();
    let missing: Vec<&String> = clean
        .keys()
        .filter(|k| !incremental.contains_key(*k))
        .collect();
    let extra: Vec<&String> = incremental
        .keys()
        .filter(|k| !clean.contains_key(*k))
        .collect();
    let differ: Vec<&String> = clean
        .iter()
        .filter(|(k, v)| incremental.get(*k).is_some_and(|i| i != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && differ.is_empty(),
        "after {after}: missing {missing:?}, extra {extra:?}, different {differ:?}"
    );
}

fn messages(out: &niemyet::incremental::Outcome) -> String {
    out.diagnostics
        .items
        .iter()
        .map(|d| d.render(false))
        .collect::<Vec<_>>()
        .join("\n")
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn incremental_rebuilds_equal_a_clean_build() {
    let site = SiteTest::example();
    let paths = paths(&site);
    let mut engine = Incremental::new(paths.clone());
    let first = engine.build_full();
    assert!(first.ok, "{}", messages(&first));
    assert_same_as_clean(&engine, &paths, "the first build");

    let proc_dir = site.path("content/procedures/ho-tich");
    let birth: PathBuf = proc_dir.join("dang-ky-khai-sinh.yaml");

    // An edit of one procedure's text re-renders only what lists it.
    edit(&birth, "summary: |\n  ", "summary: |\n  Đã sửa. ");
    let out = engine.update(std::slice::from_ref(&birth));
    assert!(
        out.ok && !out.full,
        "a text edit should not re-render everything"
    );
    // Its listing row (title, duration, fees) is unchanged: its page is rewritten (with the
    // data files and search shards that hold its text), no listing is.
    assert!(
        out.changed
            .contains(&"thu-tuc/dang-ky-khai-sinh.html".to_string())
    );
    let listings = ["index.html", "a-z.html", "linh-vuc/", "cap/", "don-vi/"];
    assert!(
        !out.changed
            .iter()
            .any(|p| listings.iter().any(|l| p.starts_with(l))),
        "{:?}",
        out.changed
    );
    assert_same_as_clean(&engine, &paths, "an edit");

    // A new title moves the page (new slug, new place in the A–Z list).
    edit(
        &birth,
        "title: Đăng ký khai sinh",
        "title: Ấn định khai sinh",
    );
    let out = engine.update(std::slice::from_ref(&birth));
    assert!(out.ok);
    assert!(
        out.removed.iter().any(|p| p.contains("dang-ky-khai-sinh")),
        "{:?}",
        out.removed
    );
    assert_same_as_clean(&engine, &paths, "a new title");

    // A new file.
    let copy = proc_dir.join("ban-sao.yaml");
    let text = fs::read_to_string(proc_dir.join("dang-ky-khai-tu.yaml")).unwrap();
    let text = text.replacen("code: \"", "code: \"9", 1).replacen(
        "title: Đăng ký khai tử",
        "title: Đăng ký khai tử bản thử",
        1,
    );
    fs::write(&copy, text).unwrap();
    let out = engine.update(std::slice::from_ref(&copy));
    assert!(out.ok, "{}", messages(&out));
    assert_same_as_clean(&engine, &paths, "a new file");

    // A deleted file.
    let gone = proc_dir.join("dang-ky-lai-khai-tu.yaml");
    fs::remove_file(&gone).unwrap();
    let out = engine.update(std::slice::from_ref(&gone));
    assert!(out.ok && !out.removed.is_empty());
    assert_same_as_clean(&engine, &paths, "a deleted file");

    // A renamed field: fields.yaml and every procedure that names it change together.
    let fields = site.path("content/fields.yaml");
    edit(&fields, "id: chung-thuc", "id: chung-thuc-ban-sao");
    let mut changed = vec![fields];
    for entry in fs::read_dir(site.path("content/procedures/chung-thuc")).unwrap() {
        let p = entry.unwrap().path();
        edit(&p, "field: chung-thuc", "field: chung-thuc-ban-sao");
        changed.push(p);
    }
    // Results tables name fields too.
    if let Ok(dir) = fs::read_dir(site.path("content/results")) {
        for entry in dir {
            let p = entry.unwrap().path();
            let text = fs::read_to_string(&p).unwrap();
            fs::write(
                &p,
                text.replace("field: chung-thuc,", "field: chung-thuc-ban-sao,"),
            )
            .unwrap();
            changed.push(p);
        }
    }
    let out = engine.update(&changed);
    assert!(out.ok, "{}", messages(&out));
    assert_same_as_clean(&engine, &paths, "a renamed field");

    // A broken file keeps the last good site; fixing it catches up with every change since.
    let before = engine.get("index.html").unwrap().to_vec();
    edit(&birth, "steps:", "steps: [unclosed");
    let out = engine.update(std::slice::from_ref(&birth));
    assert!(!out.ok && out.diagnostics.has_errors());
    assert_eq!(&engine.get("index.html").unwrap()[..], before.as_slice());
    let other = proc_dir.join("dang-ky-ket-hon.yaml");
    edit(&other, "summary: |\n  ", "summary: |\n  Cũng sửa. ");
    assert!(!engine.update(std::slice::from_ref(&other)).ok);
    edit(&birth, "steps: [unclosed", "steps:");
    let out = engine.update(std::slice::from_ref(&birth));
    assert!(out.ok, "{}", messages(&out));
    assert_same_as_clean(&engine, &paths, "a fix after an error");
}

#[test]
fn the_search_index_patched_after_edits_equals_a_clean_build() {
    let site = SiteTest::example();
    let paths = paths(&site);
    let mut engine = Incremental::new(paths.clone());
    let first = engine.build_full();
    assert!(first.ok, "{}", messages(&first));
    let dir = site.path("content/procedures/ho-tich");
    let birth = dir.join("dang-ky-khai-sinh.yaml");
    let marriage = dir.join("dang-ky-ket-hon.yaml");
    let update = |engine: &mut Incremental, files: &[PathBuf], after: &str| {
        let out = engine.update(files);
        assert!(out.ok && !out.full, "{after}: {}", messages(&out));
        assert_same_as_clean(engine, &paths, after);
        out
    };

    // Words no document had: a new token in a new shard ("xy"), one in a shard that exists.
    edit(
        &birth,
        "summary: |\n  ",
        "summary: |\n  Xylophone quaggaz. ",
    );
    let out = update(&mut engine, std::slice::from_ref(&birth), "new words");
    assert!(
        out.changed.contains(&"search/meta.js".to_string()),
        "{:?}",
        out.changed
    );
    // Gone again: the tokens leave the vocabulary, the new shard goes.
    edit(&birth, "Xylophone quaggaz. ", "");
    let out = update(&mut engine, std::slice::from_ref(&birth), "words removed");
    assert!(
        out.removed.iter().any(|p| p.starts_with("search/s-")),
        "{:?}",
        out.removed
    );
    // A keyword moves from one procedure to another (positions in both change), in one update.
    edit(&birth, "keywords: [giấy khai sinh, ", "keywords: [");
    edit(&marriage, "keywords: [", "keywords: [giấy khai sinh, ");
    update(
        &mut engine,
        &[birth.clone(), marriage.clone()],
        "a keyword moved",
    );
    // What a result shows changes (the duration of both channels): its result chunk is
    // rewritten.
    for _ in 0..2 {
        edit(
            &birth,
            "duration: trong ngày",
            "duration: \"3 working days\"",
        );
    }
    let out = update(&mut engine, std::slice::from_ref(&birth), "a new duration");
    assert!(
        out.changed.iter().any(|p| p.starts_with("search/d-")),
        "{:?}",
        out.changed
    );
}

/// Diagnostics of the engine equal those `niemyet check` gives for the same content.
fn assert_same_diagnostics(out: &niemyet::incremental::Outcome, paths: &Paths, after: &str) {
    let (_, clean) = niemyet::check(paths, false);
    let render = |d: &niemyet::diagnostics::Diagnostics| -> Vec<String> {
        d.items.iter().map(|d| d.render(false)).collect()
    };
    assert_eq!(
        render(&out.diagnostics),
        render(&clean),
        "diagnostics after {after}"
    );
}

/// Apply `edits` (file, from, to), rebuild, and compare outputs and diagnostics with a clean
/// build. (Edits that change counts shown on every page, such as a field's, re-render all.)
fn step(
    engine: &mut Incremental,
    paths: &Paths,
    edits: &[(&Path, &str, &str)],
    after: &str,
) -> niemyet::incremental::Outcome {
    for (file, from, to) in edits {
        edit(file, from, to);
    }
    let files: Vec<PathBuf> = edits.iter().map(|(f, _, _)| f.to_path_buf()).collect();
    let out = engine.update(&files);
    assert!(out.ok, "after {after}: {}", messages(&out));
    assert_same_as_clean(engine, paths, after);
    assert_same_diagnostics(&out, paths, after);
    out
}

/// [`step`] with one edit, then [`step`] undoing it: both must equal a clean build. Returns the
/// first step's outcome.
fn there_and_back(
    engine: &mut Incremental,
    paths: &Paths,
    (file, from, to): (&Path, &str, &str),
    what: &str,
) -> niemyet::incremental::Outcome {
    let out = step(engine, paths, &[(file, from, to)], what);
    step(
        engine,
        paths,
        &[(file, to, from)],
        &format!("{what}, undone"),
    );
    out
}

/// The shortcuts of an edit that keeps every procedure in its place (same title, code, field,
/// level, counters and status), and the edits that leave it: each ends equal to a clean build.
#[test]
fn edits_in_place_and_edits_that_move_equal_a_clean_build() {
    let site = SiteTest::example();
    let paths = paths(&site);
    let mut engine = Incremental::new(paths.clone());
    assert!(engine.build_full().ok);
    let dir = site.path("content/procedures/ho-tich");
    let (a, b) = (
        dir.join("dang-ky-ket-hon.yaml"),
        dir.join("dang-ky-lai-ket-hon.yaml"),
    );
    let (a, b) = (a.as_path(), b.as_path());

    // Two texts at once: only their own outputs change.
    let out = step(
        &mut engine,
        &paths,
        &[
            (a, "summary: |\n  ", "summary: |\n  Sửa một. "),
            (b, "summary: |\n  ", "summary: |\n  Sửa hai. "),
        ],
        "two text edits",
    );
    assert!(!out.full);
    assert!(out.changed.contains(&"data/procedures.json".to_string()));
    assert!(!out.changed.contains(&"data/procedures.csv".to_string()));
    assert!(!out.changed.iter().any(|p| p.starts_with("linh-vuc/")));

    // Saved unchanged: nothing changes.
    let out = step(
        &mut engine,
        &paths,
        &[(a, "Sửa một. ", "Sửa một. ")],
        "a save",
    );
    assert!(!out.full && out.changed.is_empty(), "{:?}", out.changed);

    // A fee: the listing rows change (fee column), the places do not.
    let out = step(
        &mut engine,
        &paths,
        &[(a, "amount: 0", "amount: 15000")],
        "a fee",
    );
    assert!(!out.full);
    assert!(out.changed.contains(&"linh-vuc/ho-tich.html".to_string()));
    assert!(out.changed.contains(&"data/procedures.csv".to_string()));

    // The date of the last check: a warning of this file alone appears, then goes.
    there_and_back(
        &mut engine,
        &paths,
        (a, "updated: 2026-07-25", "updated: 2020-07-25"),
        "an old `updated`",
    );

    // Abolished: its detail sheets leave the boards; active again: they come back.
    let out = there_and_back(
        &mut engine,
        &paths,
        (a, "status: active", "status: abolished"),
        "abolished",
    );
    assert!(!out.removed.is_empty());

    // Posted by one counter only, then by every commune again.
    there_and_back(
        &mut engine,
        &paths,
        (a, "level: commune\n", "level: commune\nunits: [phuong-1]\n"),
        "one counter",
    );

    // Another field, and back.
    there_and_back(
        &mut engine,
        &paths,
        (a, "field: ho-tich", "field: chung-thuc"),
        "another field",
    );

    // A title that another procedure has: both pages take the code into their file names;
    // back: both return.
    let out = there_and_back(
        &mut engine,
        &paths,
        (b, "title: Đăng ký lại kết hôn", "title: Đăng ký kết hôn"),
        "a shared title",
    );
    assert!(
        out.removed
            .contains(&"thu-tuc/dang-ky-ket-hon.html".to_string()),
        "{:?}",
        out.removed
    );

    // A code clash made in the earlier file is reported on the later one, which did not
    // change; the last good site stays; the fix catches up.
    let before = engine.get("data/procedures.json").unwrap().to_vec();
    edit(a, "code: \"1.000894\"", "code: \"1.004746\"");
    let out = engine.update(&[a.to_path_buf()]);
    assert!(!out.ok);
    assert_same_diagnostics(&out, &paths, "a code clash");
    assert!(
        out.diagnostics
            .items
            .iter()
            .any(|d| d.file.ends_with("dang-ky-lai-ket-hon.yaml") && d.is_error()),
        "{}",
        messages(&out)
    );
    assert_eq!(
        &engine.get("data/procedures.json").unwrap()[..],
        &before[..]
    );
    edit(b, "summary: |\n  ", "summary: |\n  Trong lúc lỗi. ");
    assert!(!engine.update(&[b.to_path_buf()]).ok);
    let out = step(
        &mut engine,
        &paths,
        &[(a, "code: \"1.004746\"", "code: \"1.000894\"")],
        "the clash fixed",
    );
    assert!(
        out.changed
            .contains(&"thu-tuc/dang-ky-lai-ket-hon.html".to_string())
    );
}
