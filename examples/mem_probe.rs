//! Live heap bytes after each stage before rendering (load, the texts dropped, site model,
//! engine, listing rows and facts), counted by an allocator that wraps mimalloc: what the model and
//! the views hold, as against the resident memory the allocator's pages add.
//!
//! usage: cargo run --release --example mem_probe -- CONTENT_DIR
//!        cargo run --release --example mem_probe -- CONTENT_DIR OUTPUT_DIR   (a whole build's peak)

use niemyet::{load, site, theme};
use std::alloc::{GlobalAlloc, Layout};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
/// mimalloc, counting the bytes live, their peak and the allocations made.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let n = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(n, Relaxed);
        COUNT.fetch_add(1, Relaxed);
        unsafe { mimalloc::MiMalloc.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        unsafe { mimalloc::MiMalloc.dealloc(p, l) }
    }
}
#[global_allocator]
static G: Counting = Counting;
fn report_line(what: &str) {
    println!(
        "{what}: live {:.1} MB peak {:.1} MB allocs {}",
        LIVE.load(Relaxed) as f64 / 1e6,
        PEAK.load(Relaxed) as f64 / 1e6,
        COUNT.load(Relaxed)
    );
}
fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: mem_probe CONTENT_DIR [OUTPUT_DIR]");
    let dir = Path::new(&dir);
    if let Some(out) = std::env::args().nth(2) {
        let root = dir.parent().unwrap_or(dir).to_path_buf();
        let paths = niemyet::Paths {
            root,
            content: dir.to_path_buf(),
            theme: None,
            output: out.into(),
        };
        let (report, _) = niemyet::build(&paths, false);
        assert!(report.is_ok(), "the build failed");
        report_line("build");
        return;
    }
    let (content, _d) = load::load(dir, dir.parent().unwrap_or(dir));
    let mut content = content.unwrap();
    report_line("load");
    let empty: std::sync::Arc<str> = std::sync::Arc::from("");
    for p in &mut content.procedures {
        p.text = empty.clone();
    }
    report_line("texts dropped");
    let site = site::Site::build(&content);
    report_line("site");
    let theme = theme::Theme::load(None).expect("theme");
    let engine = niemyet::render::Engine::new(&theme, &site).expect("engine");
    report_line("engine");
    // The listing rows and facts a build makes up front (views are made page by page).
    let ctx = niemyet::render::RenderContext::new(&site, &engine, &theme, dir);
    report_line("rows and facts");
    drop(ctx);
}
