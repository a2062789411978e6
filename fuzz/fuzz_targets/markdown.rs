//! Any text as a Markdown field: no panic, and nothing it produces can run in a browser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let html = niemyet::markdown::to_html(text);
    let _ = niemyet::markdown::to_inline_html(text);
    let _ = niemyet::markdown::to_plain_text(text);
    // Raw HTML is shown as text, so no tag a script could hide in is ever produced.
    let lower = html.to_ascii_lowercase();
    for tag in ["<script", "<iframe", "<object", "<embed", "<style", "<svg", "<math", "<form"] {
        assert!(!lower.contains(tag), "{tag} in {html}");
    }
    assert!(!lower.contains("href=\"javascript:"), "{html}");
    assert!(!lower.contains("src=\"javascript:"), "{html}");
});
