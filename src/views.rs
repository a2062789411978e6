//! What templates see: plain, pre-formatted views of the site model, built once and shared by
//! every renderer (website, boards, search, feeds). Fees, durations and dates are worded here
//! from the primitives in `format`; the words come from the theme's translations.

use std::collections::HashMap;

use serde::Serialize;

use crate::format::{self, Lang};
use crate::markdown;
use crate::model::*;
use crate::site::{Site, SiteProcedure};

/// UI strings of the theme for the site's language.
pub struct I18n {
    pub lang: Lang,
    pub strings: HashMap<String, String>,
}

impl I18n {
    /// The text for `key`, or the key itself so a missing translation shows, not breaks.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map(String::as_str).unwrap_or(key)
    }
}

#[derive(Serialize, Clone)]
pub struct Link {
    pub id: String,
    pub name: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct ProcedureView {
    pub code: String,
    pub title: String,
    pub url: String,
    pub field: Link,
    pub level: Link,
    pub audience: Vec<String>,
    pub keywords: Vec<String>,
    pub summary_html: String,
    pub summary_text: String,
    pub steps_html: Vec<String>,
    pub channels: Vec<ChannelView>,
    pub documents: Vec<DocumentView>,
    pub requirements_html: String,
    pub result: String,
    pub agency: String,
    pub legal_basis: Vec<LegalView>,
    pub online: Option<OnlineView>,
    pub abolished: bool,
    pub effective: String,
    pub updated: String,
    pub updated_iso: String,
    pub history: Vec<ChangeView>,
    pub units: Vec<Link>,
    /// The quickest channel's duration, for listings.
    pub duration_short: String,
    /// All channels' fees in one phrase, for listings.
    pub fee_short: String,
    pub online_level: String,
    pub json_ld: String,
}

#[derive(Serialize)]
pub struct ChannelView {
    pub method: String,
    pub method_name: String,
    pub duration: String,
    pub duration_max: String,
    pub duration_note_html: String,
    pub fees: Vec<FeeView>,
    pub fee_text: String,
    pub free: bool,
}

#[derive(Serialize)]
pub struct FeeView {
    pub name: String,
    pub text: String,
    pub note: String,
}

#[derive(Serialize)]
pub struct DocumentView {
    pub name: String,
    pub form_url: String,
    pub form_name: String,
    pub form_type: String,
    pub form_size: String,
    pub originals: u32,
    pub copies: u32,
    pub show_only: bool,
    pub condition: String,
    pub note: String,
}

#[derive(Serialize)]
pub struct LegalView {
    pub number: String,
    pub title: String,
    pub issued: String,
    pub issuer: String,
}

#[derive(Serialize)]
pub struct OnlineView {
    pub level: String,
    pub level_name: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct ChangeView {
    pub date: String,
    pub date_iso: String,
    pub decision: String,
    pub change_html: String,
}

/// Wording of one fee row: `8.000 đồng/bản`, `1.000 đồng/trang (từ trang thứ 3)`,
/// `… tối đa 200.000 đồng`, `Miễn phí`, or the act that sets it when the amount is not fixed.
pub fn fee_text(fee: &Fee, i18n: &I18n) -> String {
    let lang = i18n.lang;
    let mut text = match fee.amount {
        Some(0) => i18n.t("fee.free").to_string(),
        Some(amount) => {
            let mut s = format::money(amount, lang);
            if let Some(per) = &fee.per {
                s.push('/');
                s.push_str(per);
            }
            s
        }
        None => fee
            .basis
            .clone()
            .unwrap_or_else(|| i18n.t("fee.set_by_law").to_string()),
    };
    if let Some(from) = fee.from {
        let per = fee.per.as_deref().unwrap_or("");
        text.push_str(&format!(
            " ({})",
            i18n.t("fee.from")
                .replace("{per}", per)
                .replace("{n}", &from.to_string())
        ));
    }
    if let Some(max) = fee.max {
        text.push_str(&format!(
            ", {} {}",
            i18n.t("fee.max"),
            format::money(max, lang)
        ));
        if let Some(per) = &fee.max_per {
            text.push('/');
            text.push_str(per);
        }
    }
    if fee.amount.is_some()
        && let Some(basis) = &fee.basis
    {
        text.push_str(&format!(" ({basis})"));
    }
    text
}

/// True when nothing is charged on this channel.
pub fn is_free(fees: &[Fee]) -> bool {
    fees.iter().all(|f| f.amount == Some(0))
}

/// One phrase for a channel's fees, used in tables: `Miễn phí` or `Lệ phí: 8.000 đồng/bản; …`.
/// A free case beside charged ones (on-time birth registration) stays visible: `Miễn phí; Lệ
/// phí: …`, so a listing never shows only the late fee.
pub fn channel_fee_text(fees: &[Fee], i18n: &I18n) -> String {
    if is_free(fees) {
        return i18n.t("fee.free").to_string();
    }
    fees.iter()
        .map(|f| match f.amount {
            Some(0) => i18n.t("fee.free").to_string(),
            _ => format!("{}: {}", f.name, fee_text(f, i18n)),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The file type label and size of a form, e.g. (`PDF`, `12 KB`).
pub fn form_label(path: &str, size: u64) -> (String, String) {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_uppercase())
        .unwrap_or_default();
    let size = if size < 1024 {
        format!("{size} B")
    } else if size < 1024 * 1024 {
        format!("{} KB", size.div_ceil(1024))
    } else {
        format!("{:.1} MB", size as f64 / 1_048_576.0)
    };
    (ext, size)
}

fn date_or_empty(d: Option<jiff::civil::Date>) -> String {
    d.map(format::date_dmy).unwrap_or_default()
}

/// JSON for a `<script type="application/ld+json">` block: `<`, `>` and `&` are escaped so
/// no text can close the element.
/// A relative file path as it goes into `href`: characters that would end the path (`#`, `?`),
/// start an escape (`%`) or break it (spaces, controls) are percent-encoded; letters such as
/// `ờ` stay, as browsers encode them the same way over file:// and http.
pub fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if matches!(c, '%' | '#' | '?') || c.is_whitespace() || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub fn json_for_script(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A string as `json_for_script` writes it: JSON-escaped, then `<`, `>`, `&` as `\u00XX`.
fn push_script_json_str(out: &mut String, text: &str) {
    let json = serde_json::to_string(text).unwrap_or_default();
    if !json.contains(['<', '>', '&']) {
        out.push_str(&json);
        return;
    }
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
}

/// The JSON-LD of a procedure page, written directly: the same bytes as `json_for_script` of
/// the `serde_json` object (whose keys serialise sorted), without building the object.
fn service_json_ld(
    p: &Procedure,
    field_name: &str,
    authority: &str,
    description: &str,
    url: Option<(&str, &str)>,
) -> String {
    let mut out = String::with_capacity(512 + description.len());
    let field = |out: &mut String, key: &str, value: &str| {
        out.push_str(if out.is_empty() { "{\"" } else { ",\"" });
        out.push_str(key);
        out.push_str("\":");
        push_script_json_str(out, value);
    };
    field(&mut out, "@context", "https://schema.org");
    field(&mut out, "@type", "GovernmentService");
    field(&mut out, "areaServed", authority);
    field(&mut out, "description", description);
    field(&mut out, "identifier", &p.code.value);
    field(&mut out, "name", &p.title);
    out.push_str(",\"provider\":{\"@type\":\"GovernmentOrganization\",\"name\":");
    push_script_json_str(&mut out, &p.agency);
    out.push('}');
    field(&mut out, "serviceType", field_name);
    if let Some((base, path)) = url {
        field(&mut out, "url", &format!("{base}{path}"));
    }
    out.push('}');
    out
}

/// The quickest channel's duration, for listings.
fn duration_short(p: &Procedure, i18n: &I18n) -> String {
    p.channels
        .iter()
        .min_by_key(|c| c.duration.sort_key())
        .map(|c| c.duration.display(i18n.lang))
        .unwrap_or_default()
}

/// All channels' fees in one phrase, for listings: one channel's phrase when they all say the
/// same, else each channel's named. `channels`: each channel's name and fee phrase.
fn fee_short<'c>(channels: &[(&'c str, &'c str)], i18n: &I18n) -> String {
    let mut phrases: Vec<&str> = Vec::new();
    for (_, fee) in channels {
        if !phrases.contains(fee) {
            phrases.push(fee);
        }
    }
    if phrases.len() > 1 {
        channels
            .iter()
            .map(|(method, fee)| format!("{method}: {fee}"))
            .collect::<Vec<_>>()
            .join("; ")
    } else {
        phrases
            .pop()
            .map_or_else(|| i18n.t("fee.free").to_string(), str::to_string)
    }
}

fn method_name(c: &Channel, i18n: &I18n) -> String {
    let key = match c.method {
        Method::InPerson => "method.in_person",
        Method::Online => "method.online",
        Method::Postal => "method.postal",
    };
    i18n.t(key).to_string()
}

fn online_level_name(p: &Procedure, i18n: &I18n) -> String {
    let key = match p.online.as_ref().map(|o| o.level) {
        Some(OnlineLevel::Full) => "online.full",
        Some(OnlineLevel::Partial) => "online.partial",
        None => "online.none",
    };
    i18n.t(key).to_string()
}

fn summary_text(p: &Procedure) -> String {
    p.summary
        .as_deref()
        .map(markdown::to_plain_text)
        .unwrap_or_default()
}

/// Procedure `sp`'s view; `row` and `facts`: its [`ProcedureRow`] and [`ProcedureFacts`],
/// whose texts the view repeats.
pub fn procedure_view(
    site: &Site,
    sp: &SiteProcedure,
    row: &ProcedureRow,
    facts: &ProcedureFacts,
    i18n: &I18n,
) -> ProcedureView {
    let p = sp.p;
    let content = site.content;
    let field = &site.fields[sp.field];
    let level = &site.levels[sp.level];
    let channels: Vec<ChannelView> = p
        .channels
        .iter()
        .map(|c| ChannelView {
            method: c.method.id().to_string(),
            method_name: method_name(c, i18n),
            duration: c.duration.display(i18n.lang),
            duration_max: c
                .duration_max
                .map(|d| d.display(i18n.lang))
                .unwrap_or_default(),
            duration_note_html: c
                .duration_note
                .as_deref()
                .map(markdown::to_inline_html)
                .unwrap_or_default(),
            fees: c
                .fees
                .iter()
                .map(|f| FeeView {
                    name: f.name.clone(),
                    text: fee_text(f, i18n),
                    note: f.note.clone().unwrap_or_default(),
                })
                .collect(),
            fee_text: channel_fee_text(&c.fees, i18n),
            free: is_free(&c.fees),
        })
        .collect();
    let documents = p
        .documents
        .iter()
        .map(|d| {
            let form = d.form.as_ref().map(|f| f.value.replace('\\', "/"));
            let size = form
                .as_deref()
                .and_then(|f| content.forms.iter().find(|x| x.path == f))
                .map_or(0, |x| x.size);
            let (form_type, form_size) = form
                .as_deref()
                .map(|f| form_label(f, size))
                .unwrap_or_default();
            DocumentView {
                name: d.name.clone(),
                form_name: form
                    .as_deref()
                    .and_then(|f| f.rsplit('/').next())
                    .unwrap_or("")
                    .to_string(),
                form_url: form.as_deref().map(url_path).unwrap_or_default(),
                form_type,
                form_size,
                originals: d.originals,
                copies: d.copies,
                show_only: d.kind == DocumentKind::Show,
                condition: d.condition.clone().unwrap_or_default(),
                note: d.note.clone().unwrap_or_default(),
            }
        })
        .collect();
    let online = p.online.as_ref().map(|o| {
        let level = match o.level {
            OnlineLevel::Full => "full",
            OnlineLevel::Partial => "partial",
        };
        OnlineView {
            level: level.into(),
            level_name: i18n.t(&format!("online.{level}")).to_string(),
            url: o.url.clone().unwrap_or_default(),
        }
    });
    let json_ld = service_json_ld(
        p,
        &field.f.name,
        &content.site.authority,
        &facts.summary_text,
        content
            .site
            .base_url
            .as_deref()
            .map(|base| (base, sp.url.as_str())),
    );
    ProcedureView {
        code: p.code.value.clone(),
        title: p.title.clone(),
        url: sp.url.clone(),
        field: Link {
            id: field.f.id.clone(),
            name: field.f.name.clone(),
            url: field.url.clone(),
        },
        level: Link {
            id: level.l.id.clone(),
            name: level.l.name.clone(),
            url: level.url.clone(),
        },
        audience: p
            .audience
            .iter()
            .map(|a| i18n.t(&format!("audience.{a}")).to_string())
            .collect(),
        keywords: p.keywords.clone(),
        summary_html: p
            .summary
            .as_deref()
            .map(markdown::to_html)
            .unwrap_or_default(),
        summary_text: facts.summary_text.clone(),
        steps_html: p
            .steps
            .iter()
            .map(|s| markdown::to_inline_html(s))
            .collect(),
        channels,
        documents,
        requirements_html: p
            .requirements
            .as_deref()
            .map(markdown::to_html)
            .unwrap_or_default(),
        result: p.result.clone(),
        agency: p.agency.clone(),
        legal_basis: p
            .legal_basis
            .iter()
            .map(|a| LegalView {
                number: a.number.clone(),
                title: a.title.clone(),
                issued: date_or_empty(a.issued),
                issuer: a.issuer.clone().unwrap_or_default(),
            })
            .collect(),
        online,
        abolished: p.status == Status::Abolished,
        effective: date_or_empty(p.effective),
        updated: date_or_empty(p.updated.as_ref().map(|d| d.value)),
        updated_iso: facts.updated_iso.clone(),
        history: p
            .history
            .iter()
            .map(|h| ChangeView {
                date: format::date_dmy(h.date),
                date_iso: format::date_iso(h.date),
                decision: h.decision.clone(),
                change_html: markdown::to_inline_html(&h.change),
            })
            .collect(),
        units: sp
            .units
            .iter()
            .map(|&u| {
                let u = &site.units[u];
                Link {
                    id: u.u.id.clone(),
                    name: u.u.name.clone(),
                    url: u.url.clone(),
                }
            })
            .collect(),
        duration_short: row.duration.clone(),
        fee_short: row.fee.clone(),
        online_level: facts.online_level.clone(),
        json_ld,
    }
}

/// A row of a listing (A–Z, field, level, counter pages).
#[derive(Serialize, Clone, PartialEq)]
pub struct ProcedureRow {
    pub code: String,
    pub title: String,
    pub url: String,
    pub field: String,
    pub level: String,
    pub duration: String,
    pub fee: String,
    pub abolished: bool,
    /// First letter for A–Z grouping (Vietnamese letters: `Đ` is its own group).
    pub letter: String,
    pub updated: String,
}

/// Procedure `sp`'s listing row, worded as its view words the same texts (a test holds the
/// two together). Made from the model: a build makes every row first and each view only
/// where the procedure's page and sheet are rendered.
pub fn procedure_row(site: &Site, sp: &SiteProcedure, i18n: &I18n) -> ProcedureRow {
    let p = sp.p;
    let letter = p
        .title
        .chars()
        .next()
        .map(|c| base_letter(&c.to_uppercase().to_string()))
        .unwrap_or_default();
    let named: Vec<(String, String)> = p
        .channels
        .iter()
        .map(|c| (method_name(c, i18n), channel_fee_text(&c.fees, i18n)))
        .collect();
    let named: Vec<(&str, &str)> = named
        .iter()
        .map(|(m, f)| (m.as_str(), f.as_str()))
        .collect();
    ProcedureRow {
        code: p.code.value.clone(),
        title: p.title.clone(),
        url: sp.url.clone(),
        field: site.fields[sp.field].f.name.clone(),
        level: site.levels[sp.level].l.name.clone(),
        duration: duration_short(p, i18n),
        fee: fee_short(&named, i18n),
        abolished: p.status == Status::Abolished,
        letter,
        updated: date_or_empty(p.updated.as_ref().map(|d| d.value)),
    }
}

/// What the search index, the data files, the sitemap and the list boards take of a
/// procedure besides its [`ProcedureRow`]; its view repeats them.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcedureFacts {
    pub summary_text: String,
    pub online_level: String,
    /// The channels' names, each once, as a list board's cell shows them.
    pub channels: String,
    pub updated_iso: String,
}

impl ProcedureFacts {
    /// Procedure `sp`'s facts, from the model.
    pub fn of(sp: &SiteProcedure, i18n: &I18n) -> ProcedureFacts {
        let p = sp.p;
        let mut channels: Vec<String> = Vec::new();
        for c in &p.channels {
            let name = method_name(c, i18n);
            if !channels.contains(&name) {
                channels.push(name);
            }
        }
        ProcedureFacts {
            summary_text: summary_text(p),
            online_level: online_level_name(p, i18n),
            channels: channels.join(", "),
            updated_iso: p
                .updated
                .as_ref()
                .map(|d| format::date_iso(d.value))
                .unwrap_or_default(),
        }
    }
}

/// The letter of the Vietnamese alphabet a character belongs to: tone marks removed, letter
/// marks kept (`Ấ` → `Â`, `Đ` stays `Đ`).
pub fn base_letter(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    s.nfd().filter(|c| !TONES.contains(c)).nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_is_the_serde_json_object() {
        let yaml = "code: \"1.0\"\ntitle: \"Cấp <b>giấy</b> & \\\"phép\\\" \\\\ \\u2028\"\nfield: f\nlevel: commune\nsummary: s\nsteps: [a]\nchannels:\n  - {method: in_person, duration: 1 ngày, fees: [{name: Lệ phí, amount: 0}]}\ndocuments: [{name: d}]\nresult: r\nagency: \"UBND </script>\"\n";
        let (p, d) =
            crate::load::procedure_from_bytes(std::path::Path::new("p.yaml"), yaml.as_bytes());
        let p = p.unwrap_or_else(|| panic!("{d:?}"));
        for url in [None, Some(("https://x.vn/", "thu-tuc/a&b.html"))] {
            let mut v = serde_json::json!({
                "@context": "https://schema.org",
                "@type": "GovernmentService",
                "name": p.title,
                "identifier": p.code.value,
                "serviceType": "Lĩnh vực <x>",
                "provider": {"@type": "GovernmentOrganization", "name": p.agency},
                "areaServed": "Tỉnh \u{1}",
                "description": "mô tả > &amp;",
            });
            if let Some((base, path)) = url {
                v["url"] = serde_json::Value::String(format!("{base}{path}"));
            }
            assert_eq!(
                service_json_ld(&p, "Lĩnh vực <x>", "Tỉnh \u{1}", "mô tả > &amp;", url),
                json_for_script(&v)
            );
        }
    }

    fn vi() -> I18n {
        let strings = [
            ("fee.free", "Miễn phí"),
            ("fee.max", "tối đa"),
            ("fee.from", "từ {per} thứ {n}"),
            ("fee.set_by_law", "Theo quy định"),
        ];
        I18n {
            lang: Lang::Vi,
            strings: strings
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn fee(amount: Option<u64>) -> Fee {
        Fee {
            name: "Lệ phí".into(),
            amount,
            per: None,
            from: None,
            max: None,
            max_per: None,
            basis: None,
            note: None,
        }
    }

    #[test]
    fn fee_wording() {
        let i = vi();
        let nbsp = '\u{a0}';
        let rows: Vec<(Fee, String)> = vec![
            (fee(Some(0)), "Miễn phí".into()),
            (
                Fee {
                    per: Some("bản".into()),
                    ..fee(Some(8000))
                },
                format!("8.000{nbsp}đồng/bản"),
            ),
            (
                Fee {
                    per: Some("trang".into()),
                    from: Some(3),
                    max: Some(200_000),
                    max_per: Some("bản".into()),
                    ..fee(Some(1000))
                },
                format!("1.000{nbsp}đồng/trang (từ trang thứ 3), tối đa 200.000{nbsp}đồng/bản"),
            ),
            (
                Fee {
                    basis: Some("Theo Nghị quyết của HĐND tỉnh".into()),
                    ..fee(None)
                },
                "Theo Nghị quyết của HĐND tỉnh".into(),
            ),
            (
                Fee {
                    basis: Some("Thông tư 281/2016/TT-BTC".into()),
                    ..fee(Some(8000))
                },
                format!("8.000{nbsp}đồng (Thông tư 281/2016/TT-BTC)"),
            ),
        ];
        for (f, expected) in rows {
            assert_eq!(fee_text(&f, &i), expected);
        }
    }

    #[test]
    fn a_channel_is_free_when_nothing_is_charged() {
        let i = vi();
        assert_eq!(channel_fee_text(&[], &i), "Miễn phí");
        assert_eq!(channel_fee_text(&[fee(Some(0))], &i), "Miễn phí");
        assert_eq!(
            channel_fee_text(&[fee(Some(0)), fee(Some(20000))], &i),
            "Miễn phí; Lệ phí: 20.000\u{a0}đồng"
        );
    }

    #[test]
    fn form_labels() {
        assert_eq!(
            form_label("forms/a.pdf", 500),
            ("PDF".into(), "500 B".into())
        );
        assert_eq!(
            form_label("forms/a.docx", 12_000),
            ("DOCX".into(), "12 KB".into())
        );
        assert_eq!(
            form_label("forms/a.pdf", 3_500_000),
            ("PDF".into(), "3.3 MB".into())
        );
    }

    #[test]
    fn alphabet_letters_keep_their_marks_but_not_tones() {
        assert_eq!(base_letter("Ấ"), "Â");
        assert_eq!(base_letter("Đ"), "Đ");
        assert_eq!(base_letter("Ừ"), "Ư");
        assert_eq!(base_letter("a\u{301}"), "a");
    }

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let v = serde_json::json!({"name": "</script><script>alert(1)</script>"});
        let s = json_for_script(&v);
        assert!(!s.contains("</script>") && !s.contains('<'));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }
}
