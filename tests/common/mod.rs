//! Test harness in the manner of mdBook's: a fixture site copied to a temp folder, the real
//! binary run in it, and small checks on what it wrote and printed.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Tests run on a fixed day (2026-11-25, 12:00 in Vietnam) so date rules give the same
/// answers every year.
pub const TODAY_EPOCH: &str = "1795582800";

pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
    pub fn assert_stderr_contains(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
    pub fn assert_stdout_contains(&self, needle: &str) -> &Run {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout
        );
        self
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> SiteTest {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
        SiteTest { dir }
    }

    /// A copy of the built-in example site (`content/`).
    pub fn example() -> SiteTest {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("content"), &dir.path().join("content"));
        SiteTest { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out: Output = Command::new(env!("CARGO_BIN_EXE_niemyet"))
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
        }
    }

    /// `niemyet build`, which must succeed.
    pub fn build(&self) -> Run {
        let r = self.run(&["build"]);
        r.assert_code(0);
        r
    }

    pub fn write(&self, rel: &str, text: &str) -> &SiteTest {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
        self
    }

    /// Replace `from` by `to` in a file of the site; `from` must be there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &SiteTest {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} lacks {from:?}");
        self.write(rel, &text.replace(from, to))
    }

    pub fn remove(&self, rel: &str) -> &SiteTest {
        fs::remove_file(self.path(rel)).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn check_file_contains(&self, rel: &str, needle: &str) -> &SiteTest {
        let text = self.read(rel);
        assert!(text.contains(needle), "{rel} lacks {needle:?}\n{text}");
        self
    }

    pub fn check_file_doesnt_contain(&self, rel: &str, needle: &str) -> &SiteTest {
        let text = self.read(rel);
        assert!(!text.contains(needle), "{rel} contains {needle:?}");
        self
    }

    /// Every file under `rel` with its bytes, for before/after comparisons.
    pub fn snapshot(&self, rel: &str) -> Vec<(String, Vec<u8>)> {
        let root = self.path(rel);
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() {
                out.push((
                    e.path().strip_prefix(&root).unwrap().display().to_string(),
                    fs::read(e.path()).unwrap(),
                ));
            }
        }
        out
    }
}

/// `f` of the render context of the site in `dir` (its `content/`), as `niemyet build`
/// makes it.
pub fn with_render_context<T>(
    dir: &Path,
    f: impl FnOnce(&niemyet::render::RenderContext) -> T,
) -> T {
    let paths = niemyet::Paths {
        root: dir.to_path_buf(),
        content: dir.join("content"),
        theme: None,
        output: dir.join("public"),
    };
    let (content, diags) = niemyet::check(&paths, false);
    let content = content.unwrap_or_else(|| panic!("{} fails: {diags:?}", dir.display()));
    let site = niemyet::site::Site::build(&content);
    let theme = niemyet::theme::Theme::load(None).unwrap();
    let engine = niemyet::render::Engine::new(&theme, &site).unwrap();
    let ctx = niemyet::render::RenderContext::new(&site, &engine, &theme, &paths.content);
    f(&ctx)
}
