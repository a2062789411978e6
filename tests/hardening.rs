//! Hostile and broken input: every mistake gets an error naming the file (and line), exit 1,
//! and the previous output stays exactly as it was; nothing lands outside the output folder;
//! files are copied byte for byte.

mod common;
use common::SiteTest;
use std::fs;
use std::path::Path;

fn fixture_text(rel: &str) -> Vec<u8> {
    fs::read(common::repo().join("tests/fixtures").join(rel)).unwrap()
}

/// A minimal site built once, so each refused build can be compared with its output.
struct Built {
    t: SiteTest,
    before: Vec<(String, Vec<u8>)>,
}

impl Built {
    fn new() -> Built {
        let t = SiteTest::fixture("minimal");
        t.build();
        let before = t.snapshot("public");
        assert!(!before.is_empty());
        Built { t, before }
    }

    /// Put `bytes` at `rel`, build: exit 1, the error points at `rel` (`:line:col` when
    /// given), stderr holds each of `needles`, and `public/` is byte-for-byte unchanged.
    /// The file is then restored (or removed), so the site builds again.
    fn refuses(&self, rel: &str, bytes: &[u8], line_col: &str, needles: &[&str]) -> common::Run {
        let path = self.t.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let previous = fs::read(&path).ok();
        fs::write(&path, bytes).unwrap();
        let run = self.t.run(&["build"]);
        run.assert_code(1)
            .assert_stderr_contains(&format!("--> {rel}{line_col}"))
            .assert_stderr_contains("nothing was written");
        for n in needles {
            run.assert_stderr_contains(n);
        }
        assert!(
            self.before == self.t.snapshot("public"),
            "{rel}: the previous output changed"
        );
        match previous {
            Some(p) => fs::write(&path, p).unwrap(),
            None => fs::remove_file(&path).unwrap(),
        }
        run
    }
}

#[test]
fn every_kind_of_mistake_leaves_the_previous_output_untouched() {
    let b = Built::new();
    let mut names: Vec<String> = fs::read_dir(common::repo().join("tests/fixtures/mistakes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // These two are warnings, which fail only with --strict.
        .filter(|n| n != "old_updated.yaml" && n != "online_without_url.yaml")
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    for name in names {
        let rel = format!("content/procedures/ho-tich/{name}");
        b.refuses(&rel, &fixture_text(&format!("mistakes/{name}")), ":", &[]);
    }
}

#[test]
fn wrong_types_are_located() {
    let b = Built::new();
    let rel = "content/procedures/wrong_types.yaml";
    b.refuses(
        rel,
        &fixture_text("bad/wrong_types.yaml"),
        ":10:36",
        &[
            "`documents[0].originals`: expected the number of originals as a number, found the text \"một\"",
            "`agency`: expected text, found a list",
            &format!("--> {rel}:12:9"),
        ],
    );
}

#[test]
fn alias_bombs_are_refused_in_bounded_time() {
    let b = Built::new();
    // Fully expanded this file would be 9^9 ≈ 387 million strings; the parser's budget stops it.
    b.refuses(
        "content/procedures/bomb.yaml",
        &fixture_text("bad/billion_laughs.yaml"),
        ":",
        &["too large or too deeply nested", "aliases"],
    );
}

#[test]
fn deep_nesting_is_refused_with_a_short_message() {
    let b = Built::new();
    let run = b.refuses(
        "content/procedures/deep.yaml",
        &fixture_text("bad/deep_nesting.yaml"),
        ":2:",
        &["nested too deeply"],
    );
    // The offending line is 40,000 characters; the snippet shows a window of it.
    assert!(run.stderr.len() < 2_000, "{} bytes", run.stderr.len());
}

#[test]
fn a_file_that_is_not_utf8_is_located() {
    let b = Built::new();
    let rel = "content/procedures/ho-tich/dang-ky-khai-sinh.yaml";
    let text = String::from_utf8(b.t.read(rel).into_bytes()).unwrap();
    // "Đăng ký" saved in the old Windows-1258 code page: Đ is 0xD0, ă is 0xE3.
    let latin = text.replace("title: Đăng ký", "title: \u{0}\u{1}ng ký");
    let mut bytes = latin.into_bytes();
    let at = bytes.iter().position(|&c| c == 0).unwrap();
    bytes[at] = 0xD0;
    bytes[at + 1] = 0xE3;
    b.refuses(
        rel,
        &bytes,
        ":2:8",
        &["the file is not UTF-8 text", "Encoding: UTF-8"],
    );
}

#[test]
fn an_empty_file_is_refused() {
    let b = Built::new();
    b.refuses(
        "content/procedures/empty.yaml",
        b"",
        ":1:1",
        &["found nothing (an empty value)"],
    );
    b.refuses(
        "content/fields.yaml",
        b"\n# nothing yet\n",
        ":1:1",
        &["expected a list of fields"],
    );
}

#[test]
fn a_50_mb_file_is_refused_without_reading_it() {
    let b = Built::new();
    let mut big = fixture_text("minimal/content/procedures/ho-tich/dang-ky-khai-sinh.yaml");
    big.extend(std::iter::repeat_n(b'#', 50 * 1024 * 1024));
    b.refuses(
        "content/procedures/big.yaml",
        &big,
        "\n",
        &["the file is 50 MB; content files are limited to 8 MB"],
    );
}

#[test]
fn unknown_references_and_impossible_values() {
    let b = Built::new();
    for (name, line_col, needle) in [
        (
            "mistakes/unknown_level.yaml",
            ":4:8",
            "unknown level `comune`",
        ),
        (
            "mistakes/unknown_field.yaml",
            ":3:8",
            "unknown field `ho-tic`",
        ),
        ("mistakes/unknown_unit.yaml", ":5:9", "unknown unit `xa-c`"),
        (
            "mistakes/unit_wrong_level.yaml",
            ":5:9",
            "the unit `huyen` is at level `district`",
        ),
        ("mistakes/bad_date.yaml", ":13:10", "2019-02-30"),
        (
            "bad/far_future.yaml",
            ":13:10",
            "`updated` is in the future (31/12/9999)",
        ),
        ("mistakes/zero_duration.yaml", ":8:15", "`0 days`"),
        (
            "bad/absurd_duration.yaml",
            ":8:15",
            "is longer than the limit of 260 working days",
        ),
    ] {
        b.refuses(
            "content/procedures/x.yaml",
            &fixture_text(name),
            line_col,
            &[needle],
        );
    }
}

#[test]
fn bom_and_crlf_simply_work() {
    let t = SiteTest::fixture("minimal");
    for e in walkdir::WalkDir::new(t.path("content")) {
        let e = e.unwrap();
        let ext = e.path().extension().and_then(|x| x.to_str()).unwrap_or("");
        if ext == "yaml" || ext == "md" {
            let text = fs::read_to_string(e.path()).unwrap();
            let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
            fs::write(e.path(), crlf).unwrap();
        }
    }
    t.build();
    t.check_file_contains(
        "public/thu-tuc/dang-ky-khai-sinh.html",
        "<h1>Đăng ký khai sinh</h1>",
    )
    .check_file_contains("public/trang/huong-dan.html", "Hướng dẫn nộp hồ sơ")
    .check_file_contains("public/linh-vuc/ho-tich.html", "Hộ tịch")
    .check_file_doesnt_contain("public/thu-tuc/dang-ky-khai-sinh.html", "\r")
    .check_file_doesnt_contain("public/index.html", "\u{feff}");
}

#[test]
fn one_broken_procedure_among_ten_thousand_is_named() {
    let b = Built::new();
    let broken = 7_321;
    many_procedures(&b.t, 10_000, "", |i, text| {
        if i == broken {
            *text = text.replacen("amount: 8000", "amount: \"tám nghìn\"", 1);
            assert!(
                text.contains("tám nghìn"),
                "the template has no `amount: 8000`"
            );
        }
    });
    let run = b.t.run(&["build"]);
    run.assert_code(1)
        .assert_stderr_contains(&format!("--> content/procedures/many/p{broken:05}.yaml:"))
        .assert_stderr_contains("\"tám nghìn\"")
        .assert_stderr_contains("error: 1 error; nothing was written");
    assert!(b.before == b.t.snapshot("public"));
}

/// `n` procedures in `content/procedures/many/p00000.yaml`…, made from one of the minimal
/// site's; `edit` may change the text of any of them.
fn many_procedures(t: &SiteTest, n: usize, title_suffix: &str, edit: impl Fn(usize, &mut String)) {
    let template = String::from_utf8(fixture_text(
        "minimal/content/procedures/ho-tich/cap-ban-sao-trich-luc.yaml",
    ))
    .unwrap();
    let code_line = template.lines().find(|l| l.starts_with("code:")).unwrap();
    let title_line = template.lines().find(|l| l.starts_with("title:")).unwrap();
    let dir = t.path("content/procedures/many");
    fs::create_dir_all(&dir).unwrap();
    for i in 0..n {
        let mut text = template
            .replace(code_line, &format!("code: \"8.{i:05}\""))
            .replace(title_line, &format!("title: Thủ tục số {i}{title_suffix}"));
        edit(i, &mut text);
        fs::write(dir.join(format!("p{i:05}.yaml")), text).unwrap();
    }
}

/// The staging and old folders niemyet keeps beside `public/` while it works.
fn leftovers(t: &SiteTest) -> Vec<String> {
    fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.niemyet-"))
        .collect()
}

/// Start a build of a changed site and stop it with `signal` while it writes; the previous
/// output must be exactly as it was, and the next build must leave no staging folder behind.
fn interrupted_build(signal: &str) {
    let t = SiteTest::fixture("minimal");
    many_procedures(&t, 600, "", |_, _| {});
    t.build();
    let mut before = t.snapshot("public");
    // Whether the signal lands while files are written depends on timing; a run that had
    // already swapped its output in is not a failure, so try again with new content.
    for attempt in 0..8 {
        many_procedures(&t, 600, &format!(" (lần {attempt})"), |_, _| {});
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_niemyet"))
            .arg("build")
            .current_dir(t.dir.path())
            .env("SOURCE_DATE_EPOCH", common::TODAY_EPOCH)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the staging folder to hold its first pages, then interrupt.
        let writing = loop {
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            let staging = leftovers(&t)
                .into_iter()
                .find(|n| n.contains("-staging-"))
                .map(|n| t.dir.path().join(n).join("thu-tuc"));
            if staging.is_some_and(|s| s.is_dir()) {
                break true;
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        };
        if writing {
            // The shell's own `kill`, so no extra package is needed.
            let status = std::process::Command::new("sh")
                .args([
                    "-c",
                    "kill -s \"$0\" \"$1\"",
                    signal,
                    &child.id().to_string(),
                ])
                .status()
                .unwrap();
            assert!(status.success());
        }
        let status = child.wait().unwrap();
        let left = leftovers(&t);
        if writing && !status.success() && !left.is_empty() {
            assert!(
                before == t.snapshot("public"),
                "the previous output changed after {signal}"
            );
            // The next run clears what the interrupted one left and builds normally.
            t.build();
            assert_eq!(leftovers(&t), Vec::<String>::new());
            t.check_file_contains(
                &format!("public/thu-tuc/thu-tuc-so-0-lan-{attempt}.html"),
                "Thủ tục số 0",
            );
            eprintln!("{signal} landed mid-write on attempt {attempt}");
            return;
        }
        assert!(left.is_empty(), "{left:?}");
        before = t.snapshot("public");
    }
    panic!("{signal} never landed while the build was writing");
}

#[test]
fn a_killed_build_leaves_the_previous_output_as_it_was() {
    interrupted_build("KILL");
}

#[test]
fn ctrl_c_leaves_the_previous_output_as_it_was() {
    interrupted_build("INT");
}

/// Every file under `dir` (relative paths), to prove nothing was written beside the output.
fn tree(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| !e.path().starts_with(dir.join("public")))
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn ids_that_are_not_plain_slugs_are_refused() {
    let b = Built::new();
    let long = "a".repeat(65);
    let fields = format!(
        "- {{id: ho-tich, name: Hộ tịch}}\n- {{id: dat-dai, name: Đất đai}}\n- {{id: ../../x, name: A}}\n- {{id: a/b, name: B}}\n- {{id: {long}, name: C}}\n- {{id: đất-đai, name: D}}\n- {{id: Ho-Tich, name: E}}\n- {{id: \"a\\\\b\", name: F}}\n"
    );
    let before = tree(b.t.dir.path());
    let run = b.refuses(
        "content/fields.yaml",
        fields.as_bytes(),
        ":3:8",
        &[
            "`[2].id`: `../../x` cannot be used as an id",
            "lowercase letters a–z without accents, digits and single hyphens, at most 64 characters",
            "help: write `x`",
            "`a/b` cannot be used as an id",
            "help: write `a-b`",
            "help: write `dat-dai`",
            "help: write `ho-tich`",
        ],
    );
    assert_eq!(run.stderr.matches("cannot be used as an id").count(), 6);
    assert_eq!(before, tree(b.t.dir.path()));
    // Units and levels follow the same rule.
    b.refuses(
        "content/units.yaml",
        b"- {id: ../xa, name: X, level: commune, address: A}\n",
        ":1:8",
        &["`../xa` cannot be used as an id"],
    );
    let site =
        b.t.read("content/site.yaml")
            .replace("{id: commune,", "{id: ../commune,");
    b.refuses(
        "content/site.yaml",
        site.as_bytes(),
        ":",
        &["`../commune` cannot be used as an id"],
    );
}

#[test]
fn hostile_titles_stay_inside_the_output_folder() {
    let t = SiteTest::fixture("minimal");
    let template = t.read("content/procedures/ho-tich/cap-ban-sao-trich-luc.yaml");
    let long = "Thủ tục rất dài ".repeat(40);
    let titles = [
        "../../x",
        "a/b",
        "..",
        "/etc/passwd",
        "C:\\Windows\\x",
        "\"'<>&",
        "🙂🙂🙂",
        "شهادة ميلاد",
        "\u{202e}lmth.exe",
        long.trim(),
    ];
    for (i, title) in titles.iter().enumerate() {
        let text = template
            .replace("code: \"2.000635\"", &format!("code: \"7.{i}\""))
            .replace(
                "title: Cấp bản sao trích lục hộ tịch",
                &format!("title: {}", serde_json::to_string(title).unwrap()),
            );
        assert!(text.contains("code: \"7."), "the template changed");
        t.write(&format!("content/procedures/h{i}.yaml"), &text);
    }
    let before = tree(t.dir.path());
    t.build();
    assert_eq!(
        before,
        tree(t.dir.path()),
        "a file was written outside public/"
    );
    let pages = t.snapshot("public/thu-tuc");
    assert_eq!(
        pages.len(),
        3 + titles.len(),
        "{:?}",
        pages.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    for (name, _) in &pages {
        assert!(
            name.len() <= 100
                && name.ends_with(".html")
                && name.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'-'
                    || b == b'.'),
            "{name}"
        );
    }
    // Each title is shown, escaped, on its own page.
    let all: String = pages
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(
        all.contains("<h1>&quot;&#39;&lt;&gt;&amp;</h1>"),
        "escaped title missing"
    );
    assert!(all.contains("🙂🙂🙂") && all.contains("شهادة ميلاد"));
}

#[test]
fn forms_and_static_assets_are_copied_byte_for_byte() {
    let t = SiteTest::fixture("minimal");
    // Every byte value, a CRLF text, a BOM, an empty file, a name with Vietnamese letters.
    let all_bytes: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("content/forms/bytes.bin", all_bytes),
        ("content/forms/crlf.txt", b"mot\r\nhai\r\n".to_vec()),
        ("content/forms/bom.txt", b"\xef\xbb\xbfto khai".to_vec()),
        ("content/forms/empty.doc", Vec::new()),
        (
            "content/forms/mẫu/tờ khai.docx",
            b"PK\x03\x04\x00\xff".to_vec(),
        ),
    ];
    for (rel, data) in &files {
        let p = t.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, data).unwrap();
    }
    t.build();
    let forms = t.snapshot("content/forms");
    assert_eq!(forms.len(), files.len() + 1);
    assert_eq!(forms, t.snapshot("public/forms"));
    // The theme's static files, as embedded in the binary, are the repository's.
    let statics = t.snapshot("public/static");
    assert!(!statics.is_empty());
    for (name, data) in statics {
        let original = fs::read(common::repo().join("themes/default/static").join(&name))
            .unwrap_or_else(|e| panic!("static/{name}: {e}"));
        assert!(original == data, "static/{name} differs");
    }
    // A second build carries the unchanged files over, still identical.
    t.build();
    assert_eq!(t.snapshot("content/forms"), t.snapshot("public/forms"));
}

#[test]
fn web_addresses_must_be_http() {
    let b = Built::new();
    let site = b.t.read("content/site.yaml");
    let procedure =
        b.t.read("content/procedures/ho-tich/dang-ky-khai-sinh.yaml");
    assert!(procedure.contains("online: {level: partial, url: "));
    for bad in [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/",
        "https://a b.vn/",
    ] {
        let quoted = serde_json::to_string(bad).unwrap();
        let with = |text: &str, from: &str| {
            let start = text.find(from).unwrap() + from.len();
            let end = start + text[start..].find(['\n', '}']).unwrap();
            format!("{}{quoted}{}", &text[..start], &text[end..])
        };
        for (rel, text) in [
            ("content/site.yaml", with(&site, "base_url: ")),
            ("content/site.yaml", with(&site, "  url: ")),
            (
                "content/procedures/ho-tich/dang-ky-khai-sinh.yaml",
                with(&procedure, "online: {level: partial, url: "),
            ),
        ] {
            b.refuses(
                rel,
                text.as_bytes(),
                ":",
                &["is not a web address", "https://"],
            );
        }
    }
}

#[test]
fn form_paths_and_links_out_of_the_forms_folder_are_refused() {
    let b = Built::new();
    let rel = "content/procedures/ho-tich/dang-ky-khai-sinh.yaml";
    let text = b.t.read(rel);
    assert!(text.contains("form: forms/to-khai.pdf"));
    for bad in [
        "/etc/passwd",
        "C:\\\\Windows\\\\win.ini",
        "forms/../../secret.txt",
        "forms/./to-khai.pdf",
    ] {
        let with = text.replace("form: forms/to-khai.pdf", &format!("form: \"{bad}\""));
        b.refuses(
            rel,
            with.as_bytes(),
            ":22:",
            &["points outside `content/forms/`"],
        );
    }
    // A link inside forms/ to a file elsewhere (a file or a whole folder) is refused too.
    b.t.write("secret.txt", "mật khẩu");
    let forms = b.t.path("content/forms");
    std::os::unix::fs::symlink(b.t.path("secret.txt"), forms.join("link.pdf")).unwrap();
    let run = b.t.run(&["build"]);
    run.assert_code(1)
        .assert_stderr_contains("--> content/forms/link.pdf")
        .assert_stderr_contains("this form file is a link to a file outside `content/forms/`");
    assert!(b.before == b.t.snapshot("public"));
    fs::remove_file(forms.join("link.pdf")).unwrap();
    b.t.write("outside/secret.txt", "mật khẩu");
    std::os::unix::fs::symlink(b.t.path("outside"), forms.join("all")).unwrap();
    b.t.run(&["build"])
        .assert_code(1)
        .assert_stderr_contains("--> content/forms/all/secret.txt")
        .assert_stderr_contains("a link to a file outside");
    assert!(b.before == b.t.snapshot("public"));
    // A link back to a folder that holds it is a loop: reported, not walked forever.
    fs::remove_file(forms.join("all")).unwrap();
    std::os::unix::fs::symlink(b.t.dir.path(), forms.join("loop")).unwrap();
    b.t.run(&["build"])
        .assert_code(1)
        .assert_stderr_contains("--> content/forms/loop")
        .assert_stderr_contains("a folder that holds it");
    assert!(b.before == b.t.snapshot("public"));
}

#[test]
fn dangerous_output_folders_are_refused() {
    let t = SiteTest::fixture("minimal");
    let home = tempfile::tempdir().unwrap();
    fs::write(home.path().join("thesis.docx"), "precious").unwrap();
    let site = t.dir.path().to_path_buf();
    let before = tree(&site);
    for (out, why) in [
        ("/".to_string(), "the root of the file system"),
        (home.path().display().to_string(), "your home folder"),
        (".".to_string(), "it holds the content folder"),
        ("..".to_string(), "it holds the content folder"),
        ("content".to_string(), "it holds the content folder"),
        ("content/forms".to_string(), "inside the content folder"),
        (
            "content/../content/x".to_string(),
            "inside the content folder",
        ),
    ] {
        let out_run = std::process::Command::new(env!("CARGO_BIN_EXE_niemyet"))
            .args(["build", "--output", &out])
            .current_dir(&site)
            .env("HOME", home.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out_run.stderr);
        assert_eq!(out_run.status.code(), Some(2), "{out}: {stderr}");
        assert!(stderr.contains(why), "{out}: {stderr}");
        assert!(
            stderr.contains("--output") || stderr.contains("`public`"),
            "{out}: {stderr}"
        );
    }
    // Content kept elsewhere: the site folder itself is still refused.
    let elsewhere = SiteTest::fixture("minimal");
    let content = elsewhere.path("content").display().to_string();
    t.run(&["build", "--content", &content, "--output", "."])
        .assert_code(2)
        .assert_stderr_contains("the site folder itself");
    assert_eq!(before, tree(&site));
    assert_eq!(
        fs::read_to_string(home.path().join("thesis.docx")).unwrap(),
        "precious"
    );
}
