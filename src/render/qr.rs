//! QR codes of the detail sheets' web addresses, drawn as small inline SVGs.
//!
//! The `qrcode` crate does the encoding, the error correction and the drawing. Drawing is most
//! of its time (≈ 10 of 13 µs a code: the canvas, placing each bit, the mask), yet for one
//! version the drawing only depends on which bits are set. So the first code of each version
//! asks the crate where each bit lands and what an all-zero code looks like; every later code of
//! that version is that picture with its set bits' modules flipped, which is what the crate
//! would draw (a test compares the two for every version a URL reaches).

use std::sync::OnceLock;

use qrcode::canvas::{Canvas, MaskPattern, Module};
use qrcode::{Color, EcLevel, Version};

/// Medium error correction (15 %): the sheets hang on a wall, where they get smudged.
const EC: EcLevel = EcLevel::M;
/// One fixed mask: scoring all eight (what `QrCode::new` does) cost 0.6 ms a code. Every reader
/// decodes any mask; the tests decode every code of the example.
const MASK: MaskPattern = MaskPattern::Checkerboard;

/// Words of a row of modules: a version 40 code is 177 wide.
const ROW_WORDS: usize = 3;
type Row = [u64; ROW_WORDS];

/// The QR code of `text` as a small SVG, with the 4-module quiet zone the standard asks for:
/// one stroked path, a row of modules a line, each run of dark modules a relative
/// `m<gap> 0h<len>` (about 2 KB for a procedure's address, a third of one rectangle a module).
pub fn qr_svg(text: &str) -> Result<String, String> {
    let rows = modules(text)?;
    let w = rows.len();
    let size = w + 8;
    let mut svg = Vec::with_capacity(w * w * 2);
    svg.extend_from_slice(b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    push_number(&mut svg, size);
    svg.push(b' ');
    push_number(&mut svg, size);
    svg.extend_from_slice(b"\" shape-rendering=\"crispEdges\"><rect width=\"");
    push_number(&mut svg, size);
    svg.extend_from_slice(b"\" height=\"");
    push_number(&mut svg, size);
    svg.extend_from_slice(b"\" fill=\"#fff\"/><path stroke=\"#000\" d=\"");
    for (y, dark) in rows.iter().enumerate() {
        // Runs found with `trailing_zeros`: testing module by module mispredicted a branch at
        // nearly every run of the random-looking data.
        let light = dark.map(|d| !d);
        // Where the pen is on this row; `None` until the row's first run.
        let mut pen: Option<usize> = None;
        let mut x = 0;
        while let Some(start) = next_bit(dark, x).filter(|&s| s < w) {
            x = next_bit(&light, start).map_or(w, |end| end.min(w));
            match pen {
                None => {
                    svg.push(b'M');
                    push_number(&mut svg, start + 4);
                    svg.push(b' ');
                    push_number(&mut svg, y + 4);
                    svg.extend_from_slice(b".5h");
                }
                Some(p) => {
                    svg.push(b'm');
                    push_number(&mut svg, start - p);
                    svg.extend_from_slice(b" 0h");
                }
            }
            push_number(&mut svg, x - start);
            pen = Some(x);
        }
    }
    svg.extend_from_slice(b"\"/></svg>");
    // Only ASCII was pushed.
    String::from_utf8(svg).map_err(|e| e.to_string())
}

/// The code's modules, a row of dark bits (bit `x` of the row = module `x`) per line.
fn modules(text: &str) -> Result<Vec<Row>, String> {
    let fail = |e: qrcode::types::QrError| format!("cannot make a QR code of {text}: {e}");
    let bits = qrcode::bits::encode_auto(text.as_bytes(), EC).map_err(fail)?;
    let version = bits.version();
    let (data, ec) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, EC).map_err(fail)?;
    let Some(layout) = layout(version, data.len(), ec.len()) else {
        return Ok(rows_of(
            drawn(version, &data, &ec),
            version.width() as usize,
        ));
    };
    let mut rows = layout.blank.clone();
    let words = data.iter().chain(&ec);
    for (&byte, modules) in words.zip(layout.module_of_bit.chunks_exact(8)) {
        // Every bit, set or not, flipping by 0 or 1: a loop over the set bits only mispredicted
        // its exit on nearly every byte of the random-looking data.
        for (b, &(x, y)) in modules.iter().enumerate() {
            // Most significant bit first, as the crate draws them.
            let bit = u64::from(byte >> (7 - b) & 1);
            rows[usize::from(y)][usize::from(x) / 64] ^= bit << (x % 64);
        }
    }
    Ok(rows)
}

/// What the crate draws for one version: the code of all-zero codewords, and where each bit of
/// the codewords lands.
struct Layout {
    /// All-zero codewords, masked, with the finder, timing and format patterns.
    blank: Vec<Row>,
    /// Module `(x, y)` of codeword bit `i` (bit 7 − i % 8 of codeword i / 8; data, then error
    /// correction).
    module_of_bit: Vec<(u8, u8)>,
    /// Codeword counts the layout was learnt with.
    data: usize,
    ec: usize,
}

/// The layout of a normal version, learnt once; `None` for a version the shortcut does not
/// know (micro codes, which `encode_auto` never picks), drawn the long way.
fn layout(version: Version, data: usize, ec: usize) -> Option<&'static Layout> {
    static LAYOUTS: [OnceLock<Layout>; 40] = [const { OnceLock::new() }; 40];
    let Version::Normal(n @ 1..=40) = version else {
        return None;
    };
    let layout = LAYOUTS[n as usize - 1].get_or_init(|| learn(version, data, ec));
    // Counts follow from the version and the error correction level, both fixed here.
    (layout.data == data && layout.ec == ec && !layout.module_of_bit.is_empty()).then_some(layout)
}

/// Asks the crate where each codeword bit goes: draw k sets the bits whose index + 1 has bit
/// k set, so a module's colours over the draws spell out which bit it holds (0: none).
fn learn(version: Version, data: usize, ec: usize) -> Layout {
    let w = version.width() as usize;
    let bits = (data + ec) * 8;
    let draws = usize::BITS - bits.leading_zeros();
    let mut index = vec![0usize; w * w];
    for k in 0..draws {
        let mut words = vec![0u8; data + ec];
        for i in (0..bits).filter(|i| (i + 1) >> k & 1 == 1) {
            words[i / 8] |= 0x80 >> (i % 8);
        }
        let mut canvas = Canvas::new(version, EC);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&words[..data], &words[data..]);
        for (y, row) in index.chunks_mut(w).enumerate() {
            for (x, at) in row.iter_mut().enumerate() {
                if canvas.get(x as i16, y as i16) == Module::Unmasked(Color::Dark) {
                    *at |= 1 << k;
                }
            }
        }
    }
    let mut module_of_bit = vec![None; bits];
    for (at, &i) in index.iter().enumerate() {
        if i > 0 {
            module_of_bit[i - 1] = Some(((at % w) as u8, (at / w) as u8));
        }
    }
    let zeros = vec![0u8; data + ec];
    Layout {
        blank: rows_of(drawn(version, &zeros[..data], &zeros[data..]), w),
        // Every bit must have landed somewhere; if not, the long way for this version.
        module_of_bit: module_of_bit
            .into_iter()
            .collect::<Option<_>>()
            .unwrap_or_default(),
        data,
        ec,
    }
}

/// The crate's own drawing of the codewords.
fn drawn(version: Version, data: &[u8], ec: &[u8]) -> Vec<Color> {
    let mut canvas = Canvas::new(version, EC);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(data, ec);
    canvas.apply_mask(MASK);
    canvas.into_colors()
}

fn rows_of(colors: Vec<Color>, w: usize) -> Vec<Row> {
    colors
        .chunks(w)
        .map(|line| {
            let mut row = [0u64; ROW_WORDS];
            for (x, c) in line.iter().enumerate() {
                row[x / 64] |= u64::from(*c == Color::Dark) << (x % 64);
            }
            row
        })
        .collect()
}

/// The first set bit of `bits` at or after `from`.
fn next_bit(bits: &Row, from: usize) -> Option<usize> {
    let mut i = from / 64;
    let mut word = *bits.get(i)? & (u64::MAX << (from % 64));
    while word == 0 {
        i += 1;
        word = *bits.get(i)?;
    }
    Some(i * 64 + word.trailing_zeros() as usize)
}

/// A module count in decimal: at most 185 (a version 40 code and its quiet zone). Pushed
/// digit by digit: `write!` was half of [`qr_svg`]'s time.
fn push_number(s: &mut Vec<u8>, n: usize) {
    debug_assert!(n < 1000);
    if n >= 100 {
        s.push(b'0' + (n / 100) as u8);
    }
    if n >= 10 {
        s.push(b'0' + (n / 10 % 10) as u8);
    }
    s.push(b'0' + (n % 10) as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_bit_crosses_words() {
        let bits = [1u64 << 63, 0, 1 << 1];
        assert_eq!(next_bit(&bits, 0), Some(63));
        assert_eq!(next_bit(&bits, 63), Some(63));
        assert_eq!(next_bit(&bits, 64), Some(129));
        assert_eq!(next_bit(&bits, 130), None);
        assert_eq!(next_bit(&bits, 500), None);
    }

    /// The shortcut draws exactly what the crate draws, for texts of every length from a
    /// version 1 code to a version 40 one, twice each (the second from the learnt layout).
    #[test]
    fn learnt_layouts_draw_what_the_crate_draws() {
        let mut versions = std::collections::BTreeSet::new();
        let mut len = 1;
        while len <= 2300 {
            let text: String = (0..len)
                .map(|i| char::from(b"abcdefghijklmnopqrstuvwxyz/.-0123456789"[(i * 7 + len) % 39]))
                .collect();
            let bits = qrcode::bits::encode_auto(text.as_bytes(), EC).unwrap();
            let version = bits.version();
            versions.insert(version.width());
            let (data, ec) =
                qrcode::ec::construct_codewords(&bits.into_bytes(), version, EC).unwrap();
            let expected = rows_of(drawn(version, &data, &ec), version.width() as usize);
            for _ in 0..2 {
                assert_eq!(
                    modules(&text).unwrap(),
                    expected,
                    "{len} bytes, {version:?}"
                );
            }
            assert!(
                layout(version, data.len(), ec.len()).is_some(),
                "{version:?} learnt"
            );
            len += len / 16 + 1;
        }
        assert!(versions.len() >= 38, "{} versions reached", versions.len());
    }

    #[test]
    fn qr_svg_has_a_quiet_zone_and_only_dark_runs() {
        let svg = qr_svg("https://thutuc.example.vn/thu-tuc/a.html").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        // Version 3 or 4 for a URL this long: 29 or 33 modules plus 8 of quiet zone.
        assert!(svg.contains("viewBox=\"0 0 37 37\"") || svg.contains("viewBox=\"0 0 41 41\""));
        assert!(!svg.contains("M0 ") && !svg.contains("M1 "));
        assert!(svg.len() < 2500, "{} bytes", svg.len());
    }
}
