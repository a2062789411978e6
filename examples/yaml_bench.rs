//! Single-threaded cost of YAML loading over every `.yaml` file of a site: the parser's raw
//! events alone, `yaml::parse` (fast path, serde fallback), and the serde-saphyr path alone.
//!
//! usage: cargo run --release --example yaml_bench -- CONTENT_DIR
//! (e.g. the content/ written by `scripts/gen_site.py 10000 SITE_DIR`)

use std::time::Instant;

use niemyet::yaml;
use serde_saphyr::granit_parser::Parser;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: yaml_bench CONTENT_DIR");
    let texts: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("{} files, {:.1} MB", texts.len(), bytes as f64 / 1e6);
    let time = |name: &str, f: &dyn Fn(&str) -> usize| {
        let start = Instant::now();
        let n: usize = texts.iter().map(|t| f(t)).sum();
        println!(
            "{name:<24} {:>7.1} ms  ({n})",
            start.elapsed().as_secs_f64() * 1e3
        );
    };
    time("parser events only", &|t| Parser::new_from_str(t).count());
    time("yaml::parse", &|t| usize::from(yaml::parse(t).is_ok()));
    time("serde-saphyr path only", &|t| {
        usize::from(yaml::parse_with_serde(t).is_ok())
    });
}
