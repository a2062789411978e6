//! Browser checks in Debian's Chromium: builds the example site, then runs every
//! `tests/browser/*.test.mjs` against it (over file:// and a loopback HTTP server).
//! `.ci/run` installs Chromium and the npm packages; without them the checks fail on CI and
//! are skipped, loudly, elsewhere.

mod common;
use common::SiteTest;
use std::process::Command;

fn browser_ready() -> Result<(), String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !std::path::Path::new(&chromium).exists() {
        return Err(format!("{chromium} is missing (apt-get install chromium)"));
    }
    if !common::repo()
        .join("tests/browser/node_modules/playwright-core")
        .exists()
    {
        return Err("tests/browser/node_modules is missing (cd tests/browser && npm ci)".into());
    }
    Ok(())
}

#[test]
fn browser_checks() {
    if let Err(why) = browser_ready() {
        assert!(
            std::env::var_os("CI").is_none(),
            "browser checks cannot run on CI: {why}"
        );
        eprintln!("SKIPPED browser checks: {why}");
        return;
    }
    let t = SiteTest::example();
    t.build();
    let site = t.path("public");
    let mut scripts: Vec<_> = std::fs::read_dir(common::repo().join("tests/browser"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty());
    let mut failures = Vec::new();
    for script in scripts {
        let out = Command::new("node")
            .arg(&script)
            .env("SITE_DIR", &site)
            .env("CONTENT_DIR", t.path("content"))
            .env("NIEMYET", env!("CARGO_BIN_EXE_niemyet"))
            .output()
            .unwrap();
        let name = script.file_name().unwrap().to_string_lossy().into_owned();
        println!(
            "{name}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if !out.status.success() {
            failures.push(name);
        }
    }
    assert!(failures.is_empty(), "browser checks failed: {failures:?}");
}
