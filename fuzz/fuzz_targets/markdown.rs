//! Any text as a Markdown field: no panic, and nothing it produces can run in a browser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let html = niemyet::markdown::to_html(text);
    let _ = niemyet::markdown::to_inline_html(text);
    let _ = niemyet::markdown::to_plain_text(text);
    // Text escapes `<`, so a literal `<` always starts a tag the renderer made: never one a
    // script could hide in.
    let lower = html.to_ascii_lowercase();
    for tag in [
        "<script", "<iframe", "<object", "<embed", "<style", "<svg", "<math", "<form",
    ] {
        assert!(!lower.contains(tag), "{tag} in {html}");
    }
    // Every link and image address the renderer wrote has a safe scheme.
    for start in ["<a href=\"", "<img src=\""] {
        for (i, _) in lower.match_indices(start) {
            let value = &lower[i + start.len()..];
            let value = &value[..value.find('"').unwrap_or(value.len())];
            let scheme: String = value
                .chars()
                .filter(|c| !c.is_control() && !c.is_whitespace())
                .collect();
            for bad in ["javascript:", "vbscript:", "data:"] {
                assert!(!scheme.starts_with(bad), "{bad} link in {html}");
            }
        }
    }
});
