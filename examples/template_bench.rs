//! The cost of rendering one procedure page through Tera, on one thread: the view converted
//! into template values, the base layout and the page's own content. Run it with a theme
//! folder whose `procedure.html` or `base.html` is cut down to see what each part costs.
//!
//! usage: cargo run --release --example template_bench -- CONTENT_DIR [THEME_DIR] [PAGES]
//! (e.g. the content/ written by `scripts/gen_site.py 10000 SITE_DIR`)

use std::path::Path;
use std::time::Instant;

use niemyet::{load, site, theme, views};
use rayon::prelude::*;

// As in the binary: the allocator is a large part of a render's cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: template_bench CONTENT_DIR [THEME_DIR] [PAGES]");
    let theme_dir = args.next().filter(|d| !d.is_empty());
    let pages: usize = args.next().map_or(3000, |n| n.parse().expect("PAGES"));
    let dir = Path::new(&dir);
    let (content, _) = load::load(dir, dir.parent().unwrap_or(dir));
    let content = content.expect("content loads");
    let site = site::Site::build(&content);
    let theme = theme::Theme::load(theme_dir.as_deref().map(Path::new)).expect("theme");
    let engine = niemyet::render::Engine::new(&theme, &site).expect("templates compile");
    let procedures: Vec<_> = site
        .procedures
        .par_iter()
        .map(|sp| {
            let facts = views::ProcedureFacts::of(sp, &engine.i18n);
            let row = views::procedure_row(&site, sp, &engine.i18n);
            views::procedure_view(&site, sp, &row, &facts, &engine.i18n)
        })
        .collect();
    let pages = pages.min(procedures.len());
    for _ in 0..3 {
        let (mut convert, mut bytes) = (0.0, 0);
        let t = Instant::now();
        for p in &procedures[..pages] {
            let c0 = Instant::now();
            let mut c = tera::Context::new();
            c.insert("p", p);
            convert += c0.elapsed().as_secs_f64();
            c.insert("title", &p.title);
            let page = engine
                .render("procedure.html", &p.url, c)
                .expect("page renders");
            bytes += page.data.len();
        }
        let per = |s: f64| s * 1e6 / pages as f64;
        println!(
            "procedure.html: {:.2} µs a page, of which {:.2} µs converting the view; {} bytes a page",
            per(t.elapsed().as_secs_f64()),
            per(convert),
            bytes / pages
        );
    }
}
