//! A link checker over the written site, templates included (not only Markdown): every
//! internal `href`, `src` and `action` in every HTML file, and every `url()` in CSS, points at
//! a file that exists, and every `#fragment` at an `id` in its page. Links must work from
//! `file://`: no absolute `/` paths and no folder links (a folder has no index over file://).

mod common;
use common::SiteTest;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The value of every `name="…"` attribute in the tags of `html`. Only tags are read: text
/// may hold `href="…"` shown as text (Markdown's raw HTML is escaped as `&lt;a href="…"&gt;`),
/// and a literal `<` starts a tag only outside text, where every `<` is escaped.
fn attributes<'h>(html: &'h str, name: &str) -> Vec<&'h str> {
    let needle = format!("{name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        // The tag ends at the first `>` outside quotes.
        let mut quote = None;
        let end = rest
            .char_indices()
            .find(|&(_, c)| match (quote, c) {
                (None, '"' | '\'') => {
                    quote = Some(c);
                    false
                }
                (Some(q), c) if c == q => {
                    quote = None;
                    false
                }
                (None, '>') => true,
                _ => false,
            })
            .map_or(rest.len(), |(i, _)| i);
        let tag = &rest[..end];
        let mut at = tag;
        while let Some(i) = at.find(&needle) {
            let before = at[..i].chars().next_back();
            at = &at[i + needle.len()..];
            let Some(close) = at.find('"') else { break };
            // An attribute follows whitespace; `data-href="` is another attribute.
            if before.is_some_and(|c| c.is_ascii_whitespace()) {
                out.push(&at[..close]);
            }
            at = &at[close..];
        }
        rest = &rest[end..];
    }
    out
}

/// `url(…)` targets in a stylesheet.
fn css_urls(css: &str) -> Vec<String> {
    css.split("url(")
        .skip(1)
        .filter_map(|s| s.split_once(')'))
        .map(|(u, _)| u.trim().trim_matches(['"', '\'']).to_string())
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolve `link` found in the file `from` (both relative to the site root, `/`-separated).
/// Ok(None) for external links; Ok(Some((path, fragment))) for internal ones.
fn resolve(from: &str, link: &str) -> Result<Option<(String, Option<String>)>, String> {
    let link = unescape(link);
    if link.is_empty() {
        return Err("empty link".into());
    }
    let lower = link.to_ascii_lowercase();
    if ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return Ok(None);
    }
    if lower.starts_with("data:") {
        return Ok(None);
    }
    // The 404 page is shown by web servers at any depth, so it alone links from the path of
    // base_url (`/` in these fixtures); resolve it from the root.
    if from == "404.html"
        && let Some(rest) = link.strip_prefix('/')
    {
        return resolve("index.html", rest);
    }
    if link.starts_with('/') {
        return Err("absolute path: breaks over file:// and in sub-folders".into());
    }
    if let Some(scheme) = link.split_once(':').map(|(s, _)| s)
        && !scheme.contains(['/', '?', '#'])
    {
        return Err(format!("unexpected scheme `{scheme}:`"));
    }
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (link.as_str(), None),
    };
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() {
        return Ok(Some((from.to_string(), fragment)));
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    let decoded = percent_decode(path);
    for seg in decoded.split('/') {
        match seg {
            "" => {
                return Err(
                    "folder link or `//`: over file:// a folder shows no index.html".into(),
                );
            }
            "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("leads outside the site".into());
                }
            }
            s => parts.push(s),
        }
    }
    Ok(Some((parts.join("/"), fragment)))
}

/// Check every link of the site in `root`; returns the problems, one a line.
fn check_site(root: &Path) -> (Vec<String>, usize) {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for e in walkdir::WalkDir::new(root) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(root).unwrap();
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    for (rel, data) in &files {
        if rel.ends_with(".html") {
            let html = std::str::from_utf8(data).unwrap();
            let set = attributes(html, "id")
                .into_iter()
                .chain(attributes(html, "name"))
                .map(unescape)
                .collect();
            ids.insert(rel, set);
        }
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for (rel, data) in &files {
        let links: Vec<String> = if rel.ends_with(".html") {
            let html = std::str::from_utf8(data).unwrap();
            ["href", "src", "action"]
                .iter()
                .flat_map(|a| attributes(html, a))
                .map(str::to_string)
                .collect()
        } else if rel.ends_with(".css") {
            css_urls(std::str::from_utf8(data).unwrap())
        } else {
            continue;
        };
        for link in links {
            checked += 1;
            match resolve(rel, &link) {
                Err(why) => problems.push(format!("{rel}: `{link}`: {why}")),
                Ok(None) => {}
                Ok(Some((target, fragment))) => {
                    if !files.contains_key(&target) {
                        problems.push(format!("{rel}: `{link}`: {target} does not exist"));
                    } else if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                        match ids.get(target.as_str()) {
                            Some(set) if set.contains(&f) => {}
                            _ => problems.push(format!("{rel}: `{link}`: no id `{f}` in {target}")),
                        }
                    }
                }
            }
        }
    }
    (problems, checked)
}

#[test]
fn the_scanner_reads_attributes_and_resolves_like_a_browser() {
    let html = r#"<a href="a.html#x" data-href="no.html">x</a><img src="../s/i.png" alt="href=&quot;q&quot;"><p id="x">&lt;a href="javascript:x"&gt;"#;
    assert_eq!(attributes(html, "href"), vec!["a.html#x"]);
    assert_eq!(attributes(html, "id"), vec!["x"]);
    assert_eq!(attributes(html, "src"), vec!["../s/i.png"]);
    assert_eq!(
        resolve("thu-tuc/a.html", "../static/site.css").unwrap(),
        Some(("static/site.css".into(), None))
    );
    assert_eq!(
        resolve("thu-tuc/a.html", "#buoc").unwrap(),
        Some(("thu-tuc/a.html".into(), Some("buoc".into())))
    );
    assert_eq!(
        resolve("a.html", "forms/t%E1%BB%9D.pdf").unwrap(),
        Some(("forms/tờ.pdf".into(), None))
    );
    assert_eq!(resolve("a.html", "https://x.vn/").unwrap(), None);
    for bad in [
        "/index.html",
        "thu-tuc/",
        "../x.html",
        "javascript:alert(1)",
        "",
    ] {
        assert!(resolve("a.html", bad).is_err(), "{bad}");
    }
}

/// Build `t` and check its links: none broken, and at least `min` of them checked.
fn assert_links_resolve(t: &SiteTest, min: usize) {
    t.build();
    let (problems, checked) = check_site(&t.path("public"));
    assert!(checked >= min, "only {checked} links found");
    assert!(
        problems.is_empty(),
        "{} broken links:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_internal_link_of_the_example_resolves() {
    assert_links_resolve(&SiteTest::example(), 1000);
}

#[test]
fn every_internal_link_of_the_minimal_site_resolves() {
    assert_links_resolve(&SiteTest::fixture("minimal"), 50);
}

#[test]
fn every_internal_link_of_the_hostile_site_resolves() {
    assert_links_resolve(&SiteTest::fixture("hostile"), 100);
}

#[test]
fn a_broken_link_is_reported() {
    let t = SiteTest::fixture("minimal");
    t.build();
    let page = t.path("public/trang/huong-dan.html");
    let html = std::fs::read_to_string(&page)
        .unwrap()
        .replace("../a-z.html", "../khong-co.html\" class=\"x");
    std::fs::write(
        &page,
        html.replace(
            "<main",
            "<a href=\"/index.html\">x</a><a href=\"../index.html#khong\">y</a><main",
        ),
    )
    .unwrap();
    let (problems, _) = check_site(&t.path("public"));
    let all = problems.join("\n");
    assert!(all.contains("khong-co.html does not exist"), "{all}");
    assert!(all.contains("absolute path"), "{all}");
    assert!(all.contains("no id `khong` in index.html"), "{all}");
}

#[test]
fn form_files_with_odd_names_are_linked_correctly() {
    let t = SiteTest::fixture("minimal");
    let names = [
        "số #1?.pdf",
        "100%.pdf",
        "\"><img src=x onerror=alert(1)>.pdf",
        "mẫu/tờ khai.docx",
    ];
    for n in names {
        t.write(&format!("content/forms/{n}"), "x");
    }
    let rel = "content/procedures/ho-tich/dang-ky-khai-sinh.yaml";
    let text = t.read(rel);
    assert!(text.contains("form: forms/to-khai.pdf"));
    t.write(
        rel,
        &text.replace("form: forms/to-khai.pdf", "form: \"forms/số #1?.pdf\""),
    );
    assert_links_resolve(&t, 50);
    t.check_file_contains("public/bieu-mau.html", "forms/số%20%231%3F.pdf")
        .check_file_contains(
            "public/thu-tuc/dang-ky-khai-sinh.html",
            "forms/số%20%231%3F.pdf",
        )
        .check_file_doesnt_contain("public/bieu-mau.html", "<img src=x");
}
