//! Single-process cost of the stages before rendering, each timed on its own: load, validate,
//! site model, the theme and its compiled templates, procedure views (in parallel, as a build
//! does), and the listing rows.
//!
//! usage: cargo run --release --example load_bench -- CONTENT_DIR [RUNS]
//! (e.g. the content/ written by `scripts/gen_site.py 10000 SITE_DIR`)

use std::path::Path;
use std::time::Instant;

use niemyet::{load, site, theme, validate, views};
use rayon::prelude::*;

// As in the binary: the allocator is a large part of these stages' cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: load_bench CONTENT_DIR [RUNS]");
    let runs: usize = args.next().map_or(3, |r| r.parse().expect("RUNS"));
    let dir = Path::new(&dir);
    for _ in 0..runs {
        let mut line = Vec::new();
        let mut t = Instant::now();
        let mut lap = |name: &str, t: &mut Instant| {
            line.push(format!(
                "{name} {:>6.1} ms",
                t.elapsed().as_secs_f64() * 1e3
            ));
            *t = Instant::now();
        };
        let (content, diags) = load::load(dir, dir.parent().unwrap_or(dir));
        let content = content.expect("content loads");
        lap("load", &mut t);
        let d = validate::validate(
            &content,
            &validate::Rules {
                today: niemyet::format::today_vietnam(),
            },
        );
        assert!(!diags.has_errors() && !d.has_errors());
        lap("validate", &mut t);
        let site = site::Site::build(&content);
        lap("site", &mut t);
        let theme = theme::Theme::load(None).expect("theme");
        let engine = niemyet::render::Engine::new(&theme, &site).expect("engine");
        lap("theme+engine", &mut t);
        let i18n = engine.i18n;
        let procedures: Vec<_> = site
            .procedures
            .par_iter()
            .map(|sp| {
                let facts = views::ProcedureFacts::of(sp, &i18n);
                let row = views::procedure_row(&site, sp, &i18n);
                views::procedure_view(&site, sp, &row, &facts, &i18n)
            })
            .collect();
        lap("views", &mut t);
        let rows: Vec<_> = site
            .procedures
            .par_iter()
            .map(|sp| views::procedure_row(&site, sp, &i18n))
            .collect();
        lap("rows", &mut t);
        println!(
            "{}  ({} views, {} rows)",
            line.join("  "),
            procedures.len(),
            rows.len()
        );
    }
}
