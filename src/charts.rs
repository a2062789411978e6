//! Charts as inline SVG, drawn at build time (no script, so they show from `file://`, with
//! JavaScript off and on paper). Each chart is an image with a title and a description for
//! screen readers; the page puts a table with the same figures beside it. Categories differ
//! by pattern as well as colour, so a black-and-white print or a colour-blind reader can tell
//! them apart. Only presentation attributes are used: the site's CSP forbids inline styles.

use std::fmt::Write;

/// The four fates of a dossier a bar shows, in stacking order.
pub const KINDS: usize = 4;

/// Fill of each kind: on time (solid), late (diagonal stripes), in progress (dots), overdue
/// (cross-hatch). Colours pass 3:1 against white.
const FILLS: [(&str, &str); KINDS] = [
    ("solid", "#0b4f8a"),
    ("stripes", "#b34700"),
    ("dots", "#3d6e2f"),
    ("cross", "#8a1c00"),
];

pub struct Bar {
    pub label: String,
    /// On time, late, in progress, overdue.
    pub values: [u64; KINDS],
    /// Printed at the bar's end (e.g. the total, formatted).
    pub note: String,
}

pub struct Point {
    /// Short label under the point (`01–06/2019`).
    pub label: String,
    /// Percent 0–100, `None` when undefined (drawn as a gap).
    pub percent: Option<f64>,
    /// The value as printed (`98,5%`, `–`).
    pub text: String,
}

/// Text for SVG: escaped for XML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn open_svg(out: &mut String, id: &str, width: u32, height: u32, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-t {id}-d" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

fn patterns(out: &mut String, id: &str) {
    out.push_str("<defs>");
    let [_, (_, late), (_, progress), (_, overdue)] = FILLS;
    let _ = write!(
        out,
        r##"<pattern id="{id}-p1" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="{late}"/></pattern>"##
    );
    let _ = write!(
        out,
        r##"<pattern id="{id}-p2" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#e6efe3"/><circle cx="3" cy="3" r="1.8" fill="{progress}"/></pattern>"##
    );
    let _ = write!(
        out,
        r##"<pattern id="{id}-p3" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fff"/><path d="M0 0L6 6M6 0L0 6" stroke="{overdue}" stroke-width="1.6"/></pattern>"##
    );
    out.push_str("</defs>");
}

fn fill(id: &str, kind: usize) -> String {
    if kind == 0 {
        FILLS[0].1.to_string()
    } else {
        format!("url(#{id}-p{kind})")
    }
}

/// Horizontal stacked bars, one per row, on a common scale, with a legend naming each
/// pattern. `id` must be unique in the page (it prefixes the pattern ids).
pub fn stacked_bars(
    id: &str,
    title: &str,
    desc: &str,
    legend: [&str; KINDS],
    bars: &[Bar],
) -> String {
    const W: u32 = 400;
    const ROW: u32 = 46;
    const BAR_W: f64 = 300.0;
    // One legend entry a line: the names are long in Vietnamese.
    let legend_h = 26 * KINDS as u32;
    let height = legend_h + ROW * bars.len().max(1) as u32 + 6;
    let mut out = String::new();
    open_svg(&mut out, id, W, height, title, desc);
    patterns(&mut out, id);
    for (k, name) in legend.iter().enumerate() {
        let x = 0;
        let y = k as u32 * 26 + 2;
        let _ = write!(
            out,
            r##"<rect x="{x}" y="{y}" width="18" height="18" fill="{}" stroke="#1a1a1a"/><text x="{}" y="{}" font-size="14" fill="#1a1a1a">{}</text>"##,
            fill(id, k),
            x + 24,
            y + 14,
            esc(name)
        );
    }
    let max = bars
        .iter()
        .map(|b| b.values.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    for (i, b) in bars.iter().enumerate() {
        let top = legend_h + ROW * i as u32 + 6;
        let _ = write!(
            out,
            r##"<text x="0" y="{}" font-size="14" fill="#1a1a1a">{}</text>"##,
            top + 14,
            esc(&b.label)
        );
        let bar_y = top + 19;
        let mut x = 0.0;
        for (k, v) in b.values.iter().enumerate() {
            if *v == 0 {
                continue;
            }
            let w = (*v as f64 / max as f64 * BAR_W).max(1.5);
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{bar_y}" width="{w:.1}" height="20" fill="{}" stroke="#1a1a1a" stroke-width="0.6"/>"##,
                fill(id, k)
            );
            x += w;
        }
        if x == 0.0 {
            // A bar with no dossiers: a bare outline, so the row is still visibly there.
            let _ = write!(
                out,
                r##"<rect x="0" y="{bar_y}" width="1.5" height="20" fill="#1a1a1a"/>"##
            );
            x = 1.5;
        }
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{}" font-size="13" fill="#1a1a1a">{}</text>"##,
            x + 5.0,
            bar_y + 15,
            esc(&b.note)
        );
    }
    out.push_str("</svg>");
    out
}

/// A line of percentages over periods (oldest left), 0–100 % axis; undefined values are gaps
/// marked `–` on the axis.
pub fn rate_line(id: &str, title: &str, desc: &str, points: &[Point]) -> String {
    const W: u32 = 400;
    const H: u32 = 230;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 50.0;
    const TOP: f64 = 24.0;
    const PLOT_H: f64 = 150.0;
    let mut out = String::new();
    open_svg(&mut out, id, W, H, title, desc);
    let y_of = |p: f64| TOP + PLOT_H * (1.0 - p.clamp(0.0, 100.0) / 100.0);
    for tick in [0.0, 50.0, 100.0] {
        let y = y_of(tick);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#c8c8c8"/><text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="#1a1a1a">{tick}%</text>"##,
            W as f64 - RIGHT + 10.0,
            LEFT - 6.0,
            y + 4.0
        );
    }
    let n = points.len();
    let span = W as f64 - LEFT - RIGHT;
    let x_of = |i: usize| {
        if n <= 1 {
            LEFT + span / 2.0
        } else {
            LEFT + span * i as f64 / (n - 1) as f64
        }
    };
    // Label every k-th period so labels never overlap; the table lists all of them.
    let step = if n <= 1 {
        1
    } else {
        (70.0 / (span / (n - 1) as f64)).ceil().max(1.0) as usize
    };
    let mut segment: Vec<(f64, f64)> = Vec::new();
    let flush = |segment: &mut Vec<(f64, f64)>, out: &mut String| {
        if segment.len() > 1 {
            let d: Vec<String> = segment
                .iter()
                .map(|(x, y)| format!("{x:.1},{y:.1}"))
                .collect();
            let _ = write!(
                out,
                r##"<polyline points="{}" fill="none" stroke="#0b4f8a" stroke-width="2.5"/>"##,
                d.join(" ")
            );
        }
        segment.clear();
    };
    for (i, p) in points.iter().enumerate() {
        match p.percent {
            Some(v) => segment.push((x_of(i), y_of(v))),
            None => flush(&mut segment, &mut out),
        }
    }
    flush(&mut segment, &mut out);
    for (i, p) in points.iter().enumerate() {
        let x = x_of(i);
        match p.percent {
            Some(v) => {
                let y = y_of(v);
                let _ = write!(
                    out,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="4.5" fill="#fff" stroke="#0b4f8a" stroke-width="2.5"/><text x="{x:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#1a1a1a">{}</text>"##,
                    if y < TOP + 16.0 { y - 8.0 } else { y - 9.0 },
                    esc(&p.text)
                );
            }
            None => {
                let _ = write!(
                    out,
                    r##"<text x="{x:.1}" y="{:.1}" font-size="14" text-anchor="middle" fill="#1a1a1a">{}</text>"##,
                    y_of(0.0) - 6.0,
                    esc(&p.text)
                );
            }
        }
        if i % step == 0 || i + 1 == n {
            let _ = write!(
                out,
                r##"<text x="{x:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#1a1a1a">{}</text>"##,
                TOP + PLOT_H + 22.0,
                esc(&p.label)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_escape_labels_and_name_every_pattern() {
        let svg = stacked_bars(
            "c1",
            "Kết quả <A&B>",
            "mô tả",
            ["Đúng hạn", "Trễ hạn", "Đang giải quyết", "Quá hạn"],
            &[
                Bar {
                    label: "Phường <1>".into(),
                    values: [10, 2, 3, 1],
                    note: "16".into(),
                },
                Bar {
                    label: "Trống".into(),
                    values: [0; 4],
                    note: "0".into(),
                },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"c1-t\">Kết quả &lt;A&amp;B&gt;</title>"));
        assert!(svg.contains("Phường &lt;1&gt;"));
        assert!(svg.contains("role=\"img\""));
        for k in 1..KINDS {
            assert!(svg.contains(&format!("id=\"c1-p{k}\"")));
            assert!(svg.contains(&format!("url(#c1-p{k})")));
        }
        assert!(!svg.contains("style="), "the CSP forbids inline styles");
    }

    #[test]
    fn rate_line_leaves_gaps_for_undefined_values() {
        let pts = |v: &[Option<f64>]| -> Vec<Point> {
            v.iter()
                .enumerate()
                .map(|(i, p)| Point {
                    label: format!("K{i}"),
                    percent: *p,
                    text: p.map_or("–".into(), |p| format!("{p}%")),
                })
                .collect()
        };
        let svg = rate_line(
            "r",
            "t",
            "d",
            &pts(&[Some(90.0), Some(95.0), None, Some(99.0)]),
        );
        // Two points before the gap make a line; the lone point after it is only a marker.
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(">–</text>"));
        let single = rate_line("s", "t", "d", &pts(&[None]));
        assert_eq!(single.matches("<circle").count(), 0);
    }
}
