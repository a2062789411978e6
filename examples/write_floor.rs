//! The raw write floor: the time a minimal program takes to create the files of a built site
//! with the same bytes, sequentially, into a new folder. `scripts/bench.sh` compares niemyet's
//! build time on the same disk with it.
//!
//! usage: cargo run --release --example write_floor -- BUILT_SITE NEW_DIR

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (from, to) = (PathBuf::from(&args[1]), PathBuf::from(&args[2]));
    // Read everything first: only the writing is timed.
    let files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(&from)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&from).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    let start = Instant::now();
    for (rel, data) in &files {
        let path = to.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, data).unwrap();
    }
    println!(
        "{:.3} s for {} files, {} bytes",
        start.elapsed().as_secs_f64(),
        files.len(),
        files.iter().map(|(_, d)| d.len()).sum::<usize>()
    );
}
