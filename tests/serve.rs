//! `niemyet serve` as staff use it: the real binary on a copy of the minimal site, asked over
//! plain HTTP. Edits show up after the rebuild, a broken file keeps the last good page served
//! and reports the error (terminal and the endpoint the page's reload script reads), fixing it
//! recovers, a deleted procedure's page goes away, and nothing outside the site is served.
//!
//! Rebuilds take a variable time on a loaded machine, so every "after the change" check polls
//! with a bounded number of tries instead of assuming a delay.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::{SiteTest, TODAY_EPOCH};

const TRIES: usize = 300;
const PAUSE: Duration = Duration::from_millis(100);

/// The server process; killed when the test ends, however it ends.
struct Server {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Collect a child's output in the background (an unread pipe would block the server).
fn collect(from: impl Read + Send + 'static, lines: mpsc::Sender<String>) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    thread::spawn(move || {
        for line in BufReader::new(from).lines().map_while(Result::ok) {
            let mut t = sink.lock().unwrap();
            t.push_str(&line);
            t.push('\n');
            drop(t);
            let _ = lines.send(line);
        }
    });
    text
}

impl Server {
    fn start(site: &SiteTest) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_niemyet"))
            .args(["serve", "--port", "0"])
            .current_dir(site.dir.path())
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start niemyet serve");
        let (tx, lines) = mpsc::channel();
        let stdout = collect(child.stdout.take().unwrap(), tx.clone());
        let stderr = collect(child.stderr.take().unwrap(), tx);
        let mut server = Server {
            child,
            port: 0,
            stdout,
            stderr,
        };
        // "Serving content at http://127.0.0.1:PORT/ ..." once it listens and watches.
        while let Ok(line) = lines.recv_timeout(Duration::from_secs(60)) {
            if let Some(rest) = line.split_once(" at http://").map(|(_, r)| r) {
                let (host, rest) = rest.split_once(':').unwrap();
                assert_eq!(host, "127.0.0.1", "serves on loopback by default: {line}");
                server.port = rest.split_once('/').unwrap().0.parse().unwrap();
                return server;
            }
        }
        panic!(
            "the server did not announce its address\n{}",
            server.output()
        );
    }

    fn output(&self) -> String {
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }

    fn get(&self, target: &str) -> (u16, String) {
        get(self.port, target)
    }

    fn status(&self, since: Option<u64>) -> (u64, String) {
        status(self.port, since)
    }

    /// Ask until `check` accepts the answer; fails after a bounded number of tries.
    fn until<T>(&self, what: &str, mut check: impl FnMut(&Server) -> Option<T>) -> T {
        for _ in 0..TRIES {
            if let Some(t) = check(self) {
                return t;
            }
            thread::sleep(PAUSE);
        }
        panic!("never saw: {what}\n{}", self.output());
    }

    fn page_with(&self, target: &str, text: &str) -> Option<String> {
        let (code, body) = self.get(target);
        (code == 200 && body.contains(text)).then_some(body)
    }
}

/// One GET request; the status code and the body.
fn get(port: u16, target: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read response");
    let response = String::from_utf8(response).expect("UTF-8 response");
    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {response:?}"));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    (status, body.to_string())
}

/// The build status the reload script reads: (version, errors).
fn status(port: u16, since: Option<u64>) -> (u64, String) {
    let target = match since {
        Some(v) => format!("/__niemyet/wait?v={v}"),
        None => "/__niemyet/wait".to_string(),
    };
    let (code, body) = get(port, &target);
    assert_eq!(code, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    (
        json["version"].as_u64().unwrap(),
        json["errors"].as_str().unwrap().to_string(),
    )
}

/// Replace a file the way editors save: write beside it, then rename over it, so the server
/// never reads a half-written file.
fn save(path: &Path, text: &str) {
    let tmp = path.with_file_name(".saving.tmp");
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, path).unwrap();
}

#[test]
fn serve_rebuilds_on_change_and_keeps_the_last_good_site() {
    let site = SiteTest::fixture("minimal");
    // Files outside the content folder, where a path traversal would lead.
    fs::write(site.path("Cargo.toml"), "[package]\nname = \"secret\"\n").unwrap();
    let server = Server::start(&site);
    assert!(
        !server.stdout.lock().unwrap().contains("other computers"),
        "{}",
        server.output()
    );

    // The home page and a procedure page, each with the reload script.
    let old_title = "Cấp bản sao trích lục hộ tịch";
    let old_page = "/thu-tuc/cap-ban-sao-trich-luc-ho-tich.html";
    let (code, home) = server.get("/");
    assert_eq!(code, 200, "{home}");
    assert!(home.contains(old_title), "{home}");
    assert!(home.contains(r#"<script src="/__niemyet/live.js"></script></body>"#));
    let (code, page) = server.get(old_page);
    assert_eq!(code, 200, "{page}");
    assert!(page.contains(&format!("<h1>{old_title}</h1>")), "{page}");
    let (code, script) = server.get("/__niemyet/live.js");
    assert_eq!(code, 200);
    assert!(script.contains("niemyet-errors") && script.contains("location.reload()"));
    let (first, errors) = server.status(None);
    assert_eq!(errors, "", "the minimal site builds");

    // An unknown path gets the site's 404 page, still live.
    let (code, missing) = server.get("/khong-co.html");
    assert_eq!(code, 404);
    assert!(missing.contains("/__niemyet/live.js"), "{missing}");

    // Nothing outside the site, however the path is spelled.
    for target in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E%2FCargo.toml",
        "/thu-tuc/../../Cargo.toml",
        "/../content/site.yaml",
    ] {
        let (code, body) = server.get(target);
        assert_ne!(code, 200, "{target} was served");
        assert!(
            !body.contains("[package]") && !body.contains("base_url"),
            "{target} leaked a file"
        );
    }

    // Edit a title: the page moves to the new title's name and the home page lists it.
    let file = site.path("content/procedures/ho-tich/cap-ban-sao-trich-luc.yaml");
    let good = fs::read_to_string(&file).unwrap();
    let new_title = "Cấp bản sao trích lục hộ tịch điện tử";
    let edited = good.replace(
        &format!("title: {old_title}\n"),
        &format!("title: {new_title}\n"),
    );
    assert_ne!(edited, good);
    save(&file, &edited);
    let new_page = "/thu-tuc/cap-ban-sao-trich-luc-ho-tich-dien-tu.html";
    server.until("the edited title on its new page", |s| {
        s.page_with(new_page, &format!("<h1>{new_title}</h1>"))
    });
    server.until("the new title on the home page", |s| {
        s.page_with("/", new_title)
    });
    assert_eq!(server.get(old_page).0, 404, "the old page name is gone");
    let (edited_version, errors) = server.status(None);
    assert!(edited_version > first);
    assert_eq!(errors, "");

    // A YAML error: reported in the terminal and to the page, the last good page stays.
    save(&file, &format!("{edited}steps: [unclosed\n"));
    let (broken_version, errors) = server.until("the YAML error reported to the page", |s| {
        let (v, errors) = s.status(None);
        (!errors.is_empty()).then_some((v, errors))
    });
    assert!(errors.contains("cap-ban-sao-trich-luc.yaml"), "{errors}");
    assert!(errors.contains("YAML"), "{errors}");
    server.until("the error in the terminal", |s| {
        let err = s.stderr.lock().unwrap();
        (err.contains("cap-ban-sao-trich-luc.yaml")
            && err.contains("still serving the last good site"))
        .then_some(())
    });
    let (code, page) = server.get(new_page);
    assert_eq!(code, 200, "the last good page is still served");
    assert!(page.contains(new_title) && page.contains("/__niemyet/live.js"));

    // An open page waits for the next build, as the reload script does (asking again after
    // each answer); fixing the file answers it with no errors.
    let waiting = {
        let port = server.port;
        thread::spawn(move || {
            let mut seen = broken_version;
            // A save may arrive as more than one rebuild; each answer is a newer build.
            for _ in 0..20 {
                let (v, errors) = status(port, Some(seen));
                assert!(v > seen, "a wait answered without a new build");
                if errors.is_empty() {
                    return Some(v);
                }
                seen = v;
            }
            None
        })
    };
    thread::sleep(PAUSE);
    save(&file, &edited);
    let fixed = waiting.join().unwrap();
    assert!(
        fixed.is_some(),
        "no build without errors\n{}",
        server.output()
    );
    assert!(server.page_with(new_page, new_title).is_some());

    // A deleted procedure: its page is gone, the home page no longer lists it.
    let land_page = "/thu-tuc/cap-giay-chung-nhan-quyen-su-dung-dat-lan-dau.html";
    assert!(server.page_with(land_page, "Cấp Giấy chứng nhận").is_some());
    fs::remove_file(site.path("content/procedures/dat-dai/cap-giay-chung-nhan.yaml")).unwrap();
    server.until("the deleted procedure's page to 404", |s| {
        (s.get(land_page).0 == 404).then_some(())
    });
    let (_, home) = server.get("/");
    assert!(!home.contains("cap-giay-chung-nhan"), "{home}");
    assert!(home.contains(new_title));
}

/// Content that never built: there is no last good site, so every path gets a page that
/// carries the reload script (it shows the errors) until the content is fixed.
#[test]
fn serve_shows_errors_when_the_content_never_built() {
    let site = SiteTest::fixture("minimal");
    let file = site.path("content/procedures/ho-tich/dang-ky-khai-sinh.yaml");
    let good = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{good}title: [unclosed\n")).unwrap();
    let server = Server::start(&site);

    let (code, page) = server.get("/");
    assert_eq!(code, 503, "{page}");
    assert!(page.contains("/__niemyet/live.js"), "{page}");
    let (_, errors) = server.status(None);
    assert!(errors.contains("dang-ky-khai-sinh.yaml"), "{errors}");
    assert!(server.stderr.lock().unwrap().contains("no page to serve"));

    save(&file, &good);
    server.until("the site once the file is fixed", |s| {
        s.page_with("/thu-tuc/dang-ky-khai-sinh.html", "<h1>")
    });
    assert_eq!(server.status(None).1, "");
}

/// The path `link` (an attribute value of the page at `from`) leads to on the server.
fn resolve(from: &str, link: &str) -> String {
    let link = link.split(['#', '?']).next().unwrap_or("");
    let joined = if link.starts_with('/') {
        link.to_string()
    } else {
        format!("{}{link}", &from[..=from.rfind('/').unwrap()])
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/').skip(1) {
        match part {
            ".." => {
                parts.pop();
            }
            "." => {}
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The values of the page's `href`, `src`, `action` and `data-root` attributes.
fn attributes<'p>(page: &'p str, names: &[&str]) -> Vec<&'p str> {
    let mut found = Vec::new();
    for name in names {
        let needle = format!(" {name}=\"");
        for (i, _) in page.match_indices(&needle) {
            let rest = &page[i + needle.len()..];
            found.push(&rest[..rest.find('"').unwrap()]);
        }
    }
    found
}

/// Web servers show the 404 page at any path, so the built one links from the path of
/// `base_url`; the preview serves the site at `/`, and the 404 page it shows links from there.
/// Its stylesheet, scripts, links and search form lead to real files whatever `base_url` is,
/// at any depth.
#[test]
fn the_404_page_of_the_preview_links_to_real_files_whatever_the_base_url() {
    for base_url in ["base_url: https://example.vn/thutuc/\n", ""] {
        let site = SiteTest::fixture("minimal");
        site.edit(
            "content/site.yaml",
            "base_url: https://thu.example.vn/\n",
            base_url,
        );
        let server = Server::start(&site);
        let (code, home) = server.get("/");
        assert_eq!(code, 200, "{home}");
        for target in [
            "/khong-co.html",
            "/thutuc/khong-co.html",
            "/thu-tuc/khong-co/trang.html",
            "/404.html",
        ] {
            let (code, page) = server.get(target);
            let expected = if target == "/404.html" { 200 } else { 404 };
            assert_eq!(code, expected, "{target}: {page}");
            assert!(page.contains("/__niemyet/live.js"), "{page}");
            let links = attributes(&page, &["href", "src", "action"]);
            assert!(
                links.iter().any(|l| l.ends_with("static/site.css")),
                "{page}"
            );
            assert!(links.iter().any(|l| l.ends_with("a-z.html")), "{page}");
            for link in links {
                // Other sites, and places on this same page.
                if ["http", "mailto:", "tel:", "#"]
                    .iter()
                    .any(|p| link.starts_with(p))
                {
                    continue;
                }
                let path = resolve(target, link);
                let (code, body) = server.get(&path);
                assert_eq!(
                    code, 200,
                    "{base_url:?}: {link} on {target} leads to {path}: {body}"
                );
            }
            // The search script finds its index from the page's root.
            let roots = attributes(&page, &["data-root"]);
            assert_eq!(roots.len(), 1, "{page}");
            let (code, index) = server.get(&resolve(target, &format!("{}index.html", roots[0])));
            assert_eq!((code, index.as_str()), (200, home.as_str()));
        }
    }
    // What `build` writes for deployment still links from the path of `base_url`.
    let site = SiteTest::fixture("minimal");
    site.edit(
        "content/site.yaml",
        "base_url: https://thu.example.vn/\n",
        "base_url: https://example.vn/thutuc/\n",
    );
    site.build();
    site.check_file_contains("public/404.html", "href=\"/thutuc/static/site.css\"");
}
