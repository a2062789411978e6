//! Content Markdown → HTML. Raw HTML is shown as text, never passed through, and links or
//! images with a scheme other than http(s), mailto or tel are dropped (their text is kept).

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Bytes that are never Markdown syntax inside a line: letters, digits, a few punctuation
/// marks, and every byte of a character beyond ASCII.
const PLAIN_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c >= 0x80
            || c.is_ascii_alphanumeric()
            || matches!(
                c,
                b' ' | b',' | b'.' | b';' | b':' | b'?' | b'(' | b')' | b'/' | b'%' | b'-'
            );
        b += 1;
    }
    t
};

/// Whether `s` holds only [`PLAIN_BYTE`]s: nothing Markdown could read as syntax inside a line.
fn is_plain(s: &str) -> bool {
    s.bytes().all(|b| PLAIN_BYTE[usize::from(b)])
}

/// Paragraphs of words and plain punctuation only: no character Markdown could read as syntax
/// (so pulldown-cmark gives each line back as it is), each line starting with a letter (no
/// list, heading, quote or indented code can begin) and ending in neither a space (a hard
/// break) nor other whitespace. Blank lines separate paragraphs. Most summaries and
/// requirements are like this; the parser is skipped for them (see
/// `plain_paragraphs_match_the_parser`). Every Markdown syntax character is ASCII, so letters
/// beyond ASCII need no lookup.
fn plain_paragraphs(markdown: &str) -> Option<impl Iterator<Item = Vec<&str>>> {
    let mut any = false;
    for line in markdown.split('\n') {
        let (Some(first), Some(last)) = (line.chars().next(), line.chars().next_back()) else {
            continue;
        };
        if !first.is_alphabetic() || last.is_whitespace() || !is_plain(line) {
            return None;
        }
        any = true;
    }
    if !any {
        return None;
    }
    let mut lines = markdown.split('\n').peekable();
    Some(std::iter::from_fn(move || {
        while lines.peek() == Some(&"") {
            lines.next();
        }
        let mut paragraph = Vec::new();
        while let Some(line) = lines.next_if(|l| !l.is_empty()) {
            paragraph.push(line);
        }
        (!paragraph.is_empty()).then_some(paragraph)
    }))
}

/// A Markdown block (summary, requirements, a page body).
pub fn to_html(markdown: &str) -> String {
    if let Some(paragraphs) = plain_paragraphs(markdown) {
        let mut out = String::with_capacity(markdown.len() + 16);
        for lines in paragraphs {
            out.push_str("<p>");
            out.push_str(&lines.join("\n"));
            out.push_str("</p>\n");
        }
        return out;
    }
    parsed_html(markdown)
}

fn parsed_html(markdown: &str) -> String {
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

/// `**Bước 1:** Nộp hồ sơ…`, the usual shape of a step: one line, a bold label of plain words
/// starting with a letter and not ending in whitespace, then nothing or a space and plain
/// words not ending in whitespace. The opening `**` is then left-flanking and the closing one
/// right-flanking (a letter or punctuation before it, a space or the end after it), so the
/// parser gives exactly `<strong>label</strong>rest`; the parser is skipped for it (see
/// `plain_paragraphs_match_the_parser`).
fn labelled_line(markdown: &str) -> Option<String> {
    let rest = markdown.strip_prefix("**")?;
    let (label, after) = rest.split_once("**")?;
    let label_ok = label.chars().next().is_some_and(char::is_alphabetic)
        && !label.ends_with(char::is_whitespace)
        && is_plain(label);
    let after_ok = after.is_empty()
        || (after.starts_with(' ') && !after.ends_with(char::is_whitespace) && is_plain(after));
    if !(label_ok && after_ok) {
        return None;
    }
    let mut out = String::with_capacity(markdown.len() + 13);
    out.push_str("<strong>");
    out.push_str(label);
    out.push_str("</strong>");
    out.push_str(after);
    Some(out)
}

/// A short Markdown text shown inline (a step, a note): the wrapping paragraph is removed
/// when the text is a single paragraph.
pub fn to_inline_html(markdown: &str) -> String {
    if let Some(html) = labelled_line(markdown) {
        return html;
    }
    let mut html = to_html(markdown);
    let trimmed = html.trim_end().len();
    // `<p>…</p>` with no other paragraph: the inner text, cut out in place.
    if trimmed >= "<p></p>".len()
        && html.starts_with("<p>")
        && html[..trimmed].ends_with("</p>")
        && !html[3..trimmed - 4].contains("<p>")
    {
        html.truncate(trimmed - 4);
        html.drain(..3);
    }
    html
}

/// Markdown → plain text, for search indexes, feeds and meta descriptions.
pub fn to_plain_text(markdown: &str) -> String {
    if plain_paragraphs(markdown).is_some() {
        return collapse_whitespace(markdown);
    }
    parsed_plain_text(markdown)
}

fn parsed_plain_text(markdown: &str) -> String {
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
    collapse_whitespace(&out)
}

/// The words of `text` joined by single spaces: `split_whitespace().join(" ")` without the
/// list of words, looking up only characters beyond ASCII.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start = None;
    let word = |out: &mut String, start: Option<usize>, end: usize| {
        if let Some(start) = start {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&text[start..end]);
        }
    };
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        // Whitespace beyond ASCII (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000) starts with
        // one of these byte pairs; other characters (Vietnamese letters: E1 BA/BB …) need no lookup.
        let space = match (b, bytes.get(i + 1)) {
            (b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r', _) => true,
            (0xc2, Some(0x85 | 0xa0))
            | (0xe1, Some(0x9a))
            | (0xe2, Some(0x80 | 0x81))
            | (0xe3, Some(0x80)) => text[i..].chars().next().is_some_and(char::is_whitespace),
            _ => false,
        };
        if space {
            word(&mut out, word_start.take(), i);
        } else if word_start.is_none() && !(0x80..0xc0).contains(&b) {
            // At a character's first byte, never at a continuation byte.
            word_start = Some(i);
        }
    }
    word(&mut out, word_start, text.len());
    out
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

    /// What `to_inline_html` gives: the parser's HTML without a single paragraph's `<p>`.
    fn inline_by_parser(text: &str) -> String {
        let html = parsed_html(text);
        let inner = html
            .trim_end()
            .strip_prefix("<p>")
            .and_then(|s| s.strip_suffix("</p>"));
        match inner {
            Some(i) if !i.contains("<p>") => i.to_string(),
            _ => html,
        }
    }

    #[test]
    fn plain_paragraphs_match_the_parser() {
        let fast = [
            "Nhận hồ sơ",
            "Nhận hồ sơ.\n",
            "Một, hai; ba: bốn? (năm) 6/7 8% chín-mười.",
            "Dòng một\ndòng hai\n\n\nĐoạn hai\n",
            "Xem https://dichvucong.gov.vn/ hoặc gọi 1900",
            "A\n\nB\nC",
            "Đ 2",
            "a\u{a0}b",
            "e\u{301} \u{2028} x",
            "Ông\u{3000}bà",
        ];
        let labelled = [
            "**Bước 1:** nộp hồ sơ tại Bộ phận một cửa; nhận phiếu hẹn.",
            "**Bước 1:**",
            "**Lưu ý** hồ sơ (bản sao) 50%",
            "**Bước 2 (trực tuyến):**  đăng nhập",
            "**Ông\u{a0}bà:** x",
            "**A**",
        ];
        for text in labelled {
            assert!(labelled_line(text).is_some(), "{text:?}");
            assert_eq!(to_inline_html(text), inline_by_parser(text), "{text:?}");
        }
        // Shapes the label path leaves to the parser.
        for text in [
            "**Bước 1:**nộp",
            "**Bước 1:** nộp ",
            "**Bước 1:** nộp\nhồ sơ",
            "** Bước 1:** nộp",
            "**Bước 1: ** nộp",
            "**1.** nộp",
            "**Bước 1:** *nộp*",
            "**Bước 1:** a & b",
            "**Bước <1>:** nộp",
            "**Bước 1:** nộp **kèm** bản sao",
            "**Bước 1:** nộp\u{a0}",
            "****",
            "**Bước 1:",
        ] {
            assert!(labelled_line(text).is_none(), "{text:?}");
            assert_eq!(to_inline_html(text), inline_by_parser(text), "{text:?}");
        }
        for text in fast {
            assert!(plain_paragraphs(text).is_some(), "{text:?}");
            assert_eq!(to_html(text), parsed_html(text), "{text:?}");
            assert_eq!(to_inline_html(text), inline_by_parser(text), "{text:?}");
            assert_eq!(to_plain_text(text), parsed_plain_text(text), "{text:?}");
        }
        // Anything that could be syntax goes to the parser.
        let parsed = [
            "",
            "\n",
            "1. một",
            "- một",
            "# tiêu đề",
            "> trích",
            "    mã",
            "Hai  \nba",
            "a *b*",
            "a _b_",
            "a `b`",
            "a [b](c)",
            "a <b>",
            "a & b",
            "a ~~b~~",
            "a | b",
            "a\\b",
            "a \"b\"",
            "a\tb",
            "a\r\nb",
            " a",
            "a\n===",
            "a\n---",
            "a!",
            "a\u{a0}",
            "\u{a0}a",
            "\u{301}e",
            "a\u{3000}",
            "a\0b",
        ];
        for text in parsed {
            assert!(plain_paragraphs(text).is_none(), "{text:?}");
        }
        for text in parsed.iter().chain(&[
            "**Bước 1:** nộp",
            "a\n\nb",
            "<p>x</p>",
            "- a\n- b",
            "`<p>`",
            "|a|b|\n|-|-|\n|1|2|",
        ]) {
            assert_eq!(to_inline_html(text), inline_by_parser(text), "{text:?}");
        }
    }

    #[test]
    fn whitespace_collapses_like_split_whitespace() {
        for text in [
            "",
            " ",
            "a",
            " a  b\n\tc ",
            "Ông\u{a0}\u{a0}bà\u{3000}x\u{2028}",
            "ờ ",
            "\u{85}a",
            "ạ ờ\u{2028}x  \u{a0}",
            "\u{1680}ễ\u{205f}",
        ] {
            assert_eq!(
                collapse_whitespace(text),
                text.split_whitespace().collect::<Vec<_>>().join(" "),
                "{text:?}"
            );
        }
    }

    #[test]
    fn plain_text() {
        assert_eq!(
            to_plain_text("**Đăng ký** khai sinh\ncho *trẻ*"),
            "Đăng ký khai sinh cho trẻ"
        );
    }
}
