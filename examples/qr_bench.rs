//! The cost of one detail sheet's QR code (`render::qr::qr_svg`), on one thread, for the
//! addresses of a synthetic site's procedures.
//!
//! usage: cargo run --release --example qr_bench [CODES]

use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(10_000, |s| s.parse().expect("CODES"));
    let urls: Vec<String> = (0..n)
        .map(|i| format!("https://thutuc.example.vn/thu-tuc/cap-ban-sao-tu-ban-chinh-cho-ca-nhan-mau-{i}.html"))
        .collect();
    for _ in 0..3 {
        let t = Instant::now();
        let bytes: usize = urls
            .iter()
            .map(|u| niemyet::render::qr::qr_svg(u).expect("a code").len())
            .sum();
        println!(
            "qr_svg: {:.2} µs a code, {} bytes a code",
            t.elapsed().as_secs_f64() * 1e6 / n as f64,
            bytes / n
        );
    }
}
