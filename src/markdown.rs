//! Content Markdown → HTML. Raw HTML is shown as text, never passed through, and links or
//! images with a scheme other than http(s), mailto or tel are dropped (their text is kept).

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// A Markdown block (summary, requirements, a page body).
pub fn to_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    // For each open link or image: was it kept? Its end tag follows the same choice.
    let mut links: Vec<bool> = Vec::new();
    let mut images: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let keep = is_safe_url(dest_url);
            links.push(keep);
            keep.then_some(event)
        }
        Event::End(TagEnd::Link) => links.pop().unwrap_or(false).then_some(event),
        Event::Start(Tag::Image { ref dest_url, .. }) => {
            let keep = is_safe_url(dest_url) && !dest_url.is_empty();
            images.push(keep);
            keep.then_some(event)
        }
        Event::End(TagEnd::Image) => images.pop().unwrap_or(false).then_some(event),
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// A short Markdown text shown inline (a step, a note): the wrapping paragraph is removed
/// when the text is a single paragraph.
pub fn to_inline_html(markdown: &str) -> String {
    let html = to_html(markdown);
    let trimmed = html.trim_end();
    if let Some(inner) = trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        return inner.to_string();
    }
    html
}

/// Markdown → plain text, for search indexes, feeds and meta descriptions.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// http(s), mailto, tel, and relative links (no scheme) are safe; `javascript:`, `data:`,
/// `vbscript:`, `file:` and anything else are not. Browsers ignore control characters and
/// spaces inside a scheme, so they are removed before looking.
pub fn is_safe_url(url: &CowStr) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find(':') {
        None => true,
        Some(i) => {
            let scheme = &cleaned[..i];
            if scheme.contains(['/', '?', '#']) {
                return true; // a colon later in a relative path
            }
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = to_html("Xin <script>alert(1)</script> chào\n\n<img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn dangerous_links_are_dropped_but_text_kept() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "vbscript:x",
            "data:text/html,<b>",
        ] {
            let html = to_html(&format!("[bấm đây]({url})"));
            assert!(!html.contains("href"), "{url}: {html}");
            assert!(html.contains("bấm đây"), "{url}: {html}");
        }
        let html = to_html("![ảnh](javascript:alert(1))");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn safe_links_stay() {
        let html = to_html(
            "[Cổng dịch vụ công](https://dichvucong.gov.vn/) và [gọi](tel:02993123456) và [trang](../a-z.html)",
        );
        assert!(html.contains("href=\"https://dichvucong.gov.vn/\""));
        assert!(html.contains("href=\"tel:02993123456\""));
        assert!(html.contains("href=\"../a-z.html\""));
    }

    #[test]
    fn inline_drops_the_paragraph() {
        assert_eq!(
            to_inline_html("**Bước 1:** nộp hồ sơ"),
            "<strong>Bước 1:</strong> nộp hồ sơ"
        );
    }

    #[test]
    fn plain_text() {
        assert_eq!(
            to_plain_text("**Đăng ký** khai sinh\ncho *trẻ*"),
            "Đăng ký khai sinh cho trẻ"
        );
    }
}
