//! Any bytes as a procedure file: decoding, YAML parsing, typed reading, and the printing
//! of every diagnostic (snippets index into the source) must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let (_, diags) =
        niemyet::load::procedure_from_bytes(Path::new("content/procedures/x.yaml"), data);
    for d in &diags.items {
        let _ = d.render(false);
    }
});
