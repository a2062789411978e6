//! How long `niemyet serve` takes to rebuild after a one-file edit, measured on the engine it
//! uses (no watcher, no HTTP). Used by `scripts/bench.sh`.
//!
//! usage: cargo run --release --example edit_bench -- SITE_DIR [EDITS]
//! (SITE_DIR holds content/, e.g. from `scripts/gen_site.py 10000 SITE_DIR`)

use std::path::PathBuf;

use niemyet::Paths;
use niemyet::incremental::Incremental;

// The allocator of the `niemyet` binary, so the figures are those `serve` shows.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = PathBuf::from(args.get(1).expect("usage: edit_bench SITE_DIR [EDITS]"));
    let edits: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(11);
    let paths = Paths {
        root: root.clone(),
        content: root.join("content"),
        theme: None,
        output: root.join("public"),
    };
    let mut engine = Incremental::new(paths);
    let first = engine.build_full();
    assert!(first.ok, "the site has errors: {:?}", first.diagnostics);
    println!(
        "first build: {:.1} ms, {} outputs",
        first.millis,
        first.changed.len()
    );

    // Edit the summary of one procedure of each kind: a provincial one (listed on the big
    // provincial pages) and a commune one (listed by 99 communes).
    let files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content/procedures"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| e.into_path())
        .collect();
    let provincial = files.iter().find(|f| read(f).contains("level: province"));
    let commune = files.iter().find(|f| read(f).contains("level: commune"));
    for (kind, file) in [("provincial", provincial), ("commune", commune)] {
        let Some(file) = file else { continue };
        let original = read(file);
        let mut times = Vec::new();
        let mut changed = 0;
        for i in 0..edits {
            let text =
                original.replacen("summary: |\n  ", &format!("summary: |\n  Sửa lần {i}. "), 1);
            assert!(text != original, "{} has no summary", file.display());
            std::fs::write(file, text).unwrap();
            let out = engine.update(std::slice::from_ref(file));
            assert!(out.ok && !out.full, "the edit should rebuild incrementally");
            changed = out.changed.len();
            times.push(out.millis);
        }
        std::fs::write(file, &original).unwrap();
        engine.update(std::slice::from_ref(file));
        times.sort_by(f64::total_cmp);
        println!(
            "edit of a {kind} procedure: median {:.1} ms, min {:.1} ms, max {:.1} ms over {edits} edits; {changed} outputs rewritten",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
    }
}

fn read(p: &PathBuf) -> String {
    std::fs::read_to_string(p).unwrap()
}
