//! `niemyet serve`: a local preview for staff. Builds the site in memory, serves it on
//! loopback, watches the content and theme folders, rebuilds incrementally on every change
//! (see `incremental`), and reloads the open browser pages. Errors show in the terminal and
//! as an overlay on the page, and the last good site stays served.
//!
//! The reload script is served as a file (`/__niemyet/live.js`) and added to HTML responses
//! only here, so it passes the pages' Content-Security-Policy (`script-src 'self'`,
//! `connect-src 'self'`) and never reaches a built site.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::Paths;
use crate::incremental::{Incremental, Outcome};

const LIVE_JS: &str = include_str!("serve_live.js");
const LIVE_TAG: &str = "<script src=\"/__niemyet/live.js\"></script>";
/// Served while the content has never built (errors from the start).
const NOT_BUILT: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>niemyet</title></head><body data-niemyet-unbuilt><p>The site has not been built yet: see the errors in the terminal.</p></body></html>";
/// How long a long-poll request waits for a rebuild before answering "nothing new".
const POLL_WAIT: Duration = Duration::from_secs(25);
/// Editors write a file in several steps; events this close together are one change.
const SETTLE: Duration = Duration::from_millis(15);

/// What the browser pages are told: the build number and the errors, if any.
struct Status {
    version: u64,
    errors: String,
}

struct Shared {
    engine: Mutex<Incremental>,
    status: Mutex<Status>,
    changed: Condvar,
}

pub struct Options {
    pub bind: String,
    pub port: u16,
    pub color: bool,
}

/// Run until interrupted. Returns an error message when the server cannot start.
pub fn serve(paths: Paths, options: Options) -> Result<(), String> {
    // Listen first: a port in use fails at once, before a build.
    // A host and a port apart, so IPv6 addresses (`::1`) need no brackets.
    let listener = TcpListener::bind((options.bind.as_str(), options.port)).map_err(|e| {
        format!(
            "cannot listen on {} port {}: {e}; choose another port with --port",
            options.bind, options.port
        )
    })?;
    let local: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;

    let (tx, rx) = mpsc::channel::<PathBuf>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !matches!(event.kind, notify::EventKind::Access(_))
        {
            for p in event.paths {
                let _ = tx.send(p);
            }
        }
    })
    .map_err(|e| format!("cannot watch for changes: {e}"))?;
    watcher
        .watch(&paths.content, RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", paths.content.display()))?;
    if let Some(theme) = &paths.theme {
        watcher
            .watch(theme, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", theme.display()))?;
    }

    let mut engine = Incremental::new(paths.clone());
    let first = engine.build_full();
    let mut served = first.ok;
    let errors = report(&first, served, options.color);
    let shared = Arc::new(Shared {
        engine: Mutex::new(engine),
        status: Mutex::new(Status { version: 1, errors }),
        changed: Condvar::new(),
    });

    // An address a browser can open (`[::1]:1111` for IPv6); "any address" is opened here.
    let mut shown = local;
    if local.ip().is_unspecified() {
        shown.set_ip(match local.ip() {
            IpAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            IpAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
        });
    }
    // Printed once the watcher runs: a change saved after this line is seen.
    println!(
        "Serving {} at http://{shown}/ (Ctrl+C to stop); watching for changes",
        paths.content.display()
    );
    if !local.ip().is_loopback() {
        println!(
            "note: listening on {}: other computers on the network can open this preview",
            local.ip()
        );
    }

    let http = Arc::clone(&shared);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let shared = Arc::clone(&http);
            std::thread::spawn(move || {
                let _ = handle(stream, &shared);
            });
        }
    });

    // Rebuild loop: wait for a change, let the burst settle, rebuild once.
    while let Ok(first) = rx.recv() {
        let mut changed = vec![first];
        while let Ok(p) = rx.recv_timeout(SETTLE) {
            changed.push(p);
        }
        changed.sort();
        changed.dedup();
        let outcome = shared.engine.lock().expect("engine lock").update(&changed);
        if outcome.ok && outcome.changed.is_empty() && outcome.removed.is_empty() {
            // Saved without a change that shows: nothing to reload.
            let status = shared.status.lock().expect("status lock");
            if status.errors.is_empty() {
                continue;
            }
        }
        served |= outcome.ok;
        let errors = report(&outcome, served, options.color);
        let mut status = shared.status.lock().expect("status lock");
        status.version += 1;
        status.errors = errors;
        shared.changed.notify_all();
    }
    Ok(())
}

/// Print the outcome of a build; returns the error text for the page overlay (empty if ok).
/// `served`: a good build exists, so its pages are still served.
fn report(outcome: &Outcome, served: bool, color: bool) -> String {
    let mut diags = outcome.diagnostics.clone();
    diags.print(color);
    if outcome.ok {
        println!(
            "Rebuilt in {:.1} ms{}: {} changed, {} removed",
            outcome.millis,
            if outcome.full { " (everything)" } else { "" },
            crate::diagnostics::count(outcome.changed.len(), "output"),
            outcome.removed.len()
        );
        String::new()
    } else {
        eprintln!(
            "error: {}; {}",
            crate::diagnostics::count(diags.error_count(), "error"),
            if served {
                "still serving the last good site"
            } else {
                "no page to serve until they are fixed"
            }
        );
        diags
            .items
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.render(false))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn handle(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Only the Host header matters: a page elsewhere could point a name it controls at
    // 127.0.0.1 (DNS rebinding) and read the preview; only local names are answered.
    let mut line = String::new();
    let mut host_ok = true;
    while reader.read_line(&mut line)? > 2 {
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("host")
        {
            host_ok = is_local_host(value.trim());
        }
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let mut out = stream;
    if !host_ok {
        return respond(
            &mut out,
            "421 Misdirected Request",
            "text/plain",
            b"preview answers local names only\n",
            method,
        );
    }
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut out,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
            method,
        );
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match path {
        "/__niemyet/live.js" => respond(
            &mut out,
            "200 OK",
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes(),
            method,
        ),
        "/__niemyet/wait" => {
            let since: Option<u64> = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("v="))
                .and_then(|v| v.parse().ok());
            let status = shared.status.lock().expect("status lock");
            let (status, _) = shared
                .changed
                .wait_timeout_while(status, POLL_WAIT, |s| Some(s.version) == since)
                .expect("status lock");
            let body =
                serde_json::json!({"version": status.version, "errors": status.errors}).to_string();
            drop(status);
            respond(
                &mut out,
                "200 OK",
                "application/json",
                body.as_bytes(),
                method,
            )
        }
        _ => {
            let mut rel = percent_decode(path.trim_start_matches('/'));
            if rel.is_empty() || rel.ends_with('/') {
                rel.push_str("index.html");
            }
            let engine = shared.engine.lock().expect("engine lock");
            // The 404 page, asked for or not, is the one whose links work on this server.
            let page = if rel == crate::site::paths::NOT_FOUND {
                engine.not_found_page()
            } else {
                engine.get(&rel)
            };
            let (status, rel, data) = match page {
                Some(d) => ("200 OK", rel, d.to_vec()),
                None => match engine.not_found_page() {
                    Some(d) => ("404 Not Found", "404.html".into(), d.to_vec()),
                    // No good build yet: a page that shows the errors and reloads when fixed.
                    None => (
                        "503 Service Unavailable",
                        "503.html".into(),
                        NOT_BUILT.as_bytes().to_vec(),
                    ),
                },
            };
            drop(engine);
            let kind = content_type(&rel);
            let body = if kind.starts_with("text/html") {
                inject_live(data)
            } else {
                data
            };
            respond(&mut out, status, kind, &body, method)
        }
    }
}

/// `localhost`, `127.x.y.z`, `[::1]` or any IP literal (a user who binds another address
/// reaches it by number), with or without a port.
fn is_local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

/// Add the reload script before `</body>` (or at the end).
fn inject_live(html: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{LIVE_TAG}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{LIVE_TAG}").into_bytes(),
    }
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    method: &str,
) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        out.write_all(body)?;
    }
    out.flush()
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// `%xx` escapes of a request path to UTF-8 text (file names may be Vietnamese).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if bytes[i] == b'%'
            && let Some(b) = hex
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {

    #[test]
    fn only_local_host_names_are_answered() {
        for ok in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:1111",
            "[::1]:8080",
            "192.168.1.5:1111",
        ] {
            assert!(is_local_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.1.evil.example",
        ] {
            assert!(!is_local_host(bad), "{bad}");
        }
    }

    use super::*;

    #[test]
    fn request_paths_decode_and_pages_get_the_reload_script() {
        assert_eq!(
            percent_decode("forms/t%E1%BB%9D-khai.pdf"),
            "forms/tờ-khai.pdf"
        );
        assert_eq!(percent_decode("a%2"), "a%2");
        let html = inject_live(b"<html><body><p>x</p></body></html>".to_vec());
        assert_eq!(
            String::from_utf8(html).unwrap(),
            format!("<html><body><p>x</p>{LIVE_TAG}</body></html>")
        );
        assert_eq!(content_type("a/b.HTML"), "text/html; charset=utf-8");
    }
}
