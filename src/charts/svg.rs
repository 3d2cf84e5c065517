//! Helpers shared by the chart renderers: escaping, number formatting, palette, axis ticks and
//! the SVG frame. Everything here is deterministic so a chart's markup depends only on its input.

use std::fmt::Write;

/// Okabe–Ito colours, ordered so neighbouring series stay distinct for the common forms of
/// colour blindness; yellow comes last because it is weak on a white background.
pub(crate) const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// Dash patterns paired with the palette so series differ by more than colour alone.
pub(crate) const DASHES: [&str; 4] = ["", "6 4", "2 3", "8 3 2 3"];

/// Text colour for axes, labels and annotations.
pub(crate) const INK: &str = "#333333";
/// Colour of gridlines and tracks.
pub(crate) const GRID: &str = "#D9DDE3";
/// Font stack used by every chart, so text metrics match the page around it.
pub(crate) const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/// Values beyond this magnitude are clamped so that sums and spans never overflow to infinity.
const LIMIT: f64 = 1e15;

/// Escapes text for element content and attribute values, and drops control characters that
/// XML forbids, so user-provided names can never break the markup.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Formats with at most two decimals, trailing zeros removed; non-finite values print as `0`
/// so the output can never contain `NaN` or `inf`.
pub(crate) fn num(v: f64) -> String {
    num_dec(v, 2)
}

/// Like [`num`] with a chosen number of decimals (at most 4), for tick labels of small ranges.
pub(crate) fn num_dec(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let decimals = decimals.min(4);
    let mut s = format!("{:.*}", decimals, v.clamp(-LIMIT, LIMIT));
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}

/// A finite value, clamped to a safe magnitude; `None` for NaN and infinities.
pub(crate) fn finite(v: f64) -> Option<f64> {
    v.is_finite().then(|| v.clamp(-LIMIT, LIMIT))
}

/// An uncertainty half-width that is safe to draw: negative, zero and non-finite mean none.
pub(crate) fn half_width(u: f64) -> f64 {
    if u.is_finite() && u > 0.0 {
        u.min(LIMIT)
    } else {
        0.0
    }
}

/// Shortens text to `max` characters with an ellipsis, so long labels do not overlap.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A stable id derived from the chart's content (FNV-1a), so several charts on one page get
/// distinct `aria-labelledby` targets while the output stays deterministic.
pub(crate) fn chart_id(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("chart-{:012x}", h & 0xffff_ffff_ffff)
}

/// Wraps a rendered body in the root element with its accessible name and description.
pub(crate) fn document(
    kind: &str,
    width: f64,
    height: f64,
    title: &str,
    desc: &str,
    body: &str,
) -> String {
    let id = chart_id(&[kind, title, desc, body]);
    let mut out = String::with_capacity(body.len() + 512);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart {kind}\" \
         font-family=\"{font}\" font-size=\"12\">",
        w = num(width),
        h = num(height),
        font = escape(FONT),
    );
    let _ = write!(
        out,
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    out.push_str(body);
    out.push_str("</svg>");
    out
}

/// The visible heading drawn inside a chart; nothing when the title is empty.
pub(crate) fn heading(out: &mut String, title: &str) {
    if !title.trim().is_empty() {
        let _ = write!(
            out,
            "<text class=\"chart-title\" x=\"12\" y=\"22\" font-size=\"14\" font-weight=\"600\" \
             fill=\"{INK}\">{}</text>",
            escape(&truncate(title, 80))
        );
    }
}

/// A chart that has nothing to show still renders as a valid, labelled image, so pages need
/// no special case.
pub(crate) fn empty(kind: &str, width: f64, height: f64, title: &str) -> String {
    let mut body = String::new();
    heading(&mut body, title);
    let _ = write!(
        body,
        "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
         dominant-baseline=\"middle\" font-size=\"14\" fill=\"#666666\">No data yet</text>",
        num(width / 2.0),
        num(height / 2.0 + 8.0)
    );
    let name = if title.trim().is_empty() {
        "Chart"
    } else {
        title
    };
    document(kind, width, height, name, "No data yet.", &body)
}

/// A value axis: the drawn range and the gridline values inside it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub values: Vec<f64>,
    /// Decimals that tell neighbouring tick labels apart.
    pub decimals: usize,
}

/// Round step sizes (1, 2, 2.5, 5 × 10ⁿ) near `span / 5`, largest first.
fn candidate_steps(span: f64) -> Vec<f64> {
    let e = span.log10().floor() as i32;
    let mut steps = Vec::new();
    for exp in (e - 2..=e + 1).rev() {
        let base = 10f64.powi(exp);
        for m in [5.0, 2.5, 2.0, 1.0] {
            steps.push(m * base);
        }
    }
    steps
}

/// Smallest number of decimals (up to 4) that shows `step` exactly.
fn decimals_for(step: f64) -> usize {
    (0..=4)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(4)
}

fn multiples(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            if v == 0.0 { 0.0 } else { v }
        })
        .collect()
}

fn linear(lo: f64, hi: f64) -> Ticks {
    let step = (hi - lo) / 4.0;
    Ticks {
        lo,
        hi,
        values: (0..=4).map(|i| lo + step * f64::from(i)).collect(),
        decimals: 2,
    }
}

/// Gridlines for a range the caller fixed (such as 0..1 for scores): the range is kept as is and
/// 4–6 round values inside it are chosen, falling back to even quarters.
pub(crate) fn fixed_ticks(lo: f64, hi: f64) -> Ticks {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return linear(lo, lo + 1.0);
    }
    let mut best: Option<(usize, f64, Vec<f64>)> = None;
    for step in candidate_steps(span) {
        if span / step > 40.0 {
            continue;
        }
        let values = multiples(lo, hi, step);
        let n = values.len();
        if (4..=6).contains(&n) {
            let score = n.abs_diff(5);
            if best.as_ref().is_none_or(|b| score < b.0) {
                best = Some((score, step, values));
            }
        }
    }
    match best {
        Some((_, step, values)) => Ticks {
            lo,
            hi,
            values,
            decimals: decimals_for(step),
        },
        None => linear(lo, hi),
    }
}

/// A range that covers `lo..hi` widened to round tick values, with 4–6 gridlines.
pub(crate) fn nice_ticks(lo: f64, hi: f64) -> Ticks {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return linear(lo, lo + 1.0);
    }
    let mut best: Option<(usize, f64, f64, f64)> = None;
    for step in candidate_steps(span) {
        if span / step > 40.0 {
            continue;
        }
        let a = (lo / step + 1e-9).floor() * step;
        let b = (hi / step - 1e-9).ceil() * step;
        let n = ((b - a) / step).round() as usize + 1;
        if (4..=6).contains(&n) {
            let score = n.abs_diff(5);
            if best.is_none_or(|x| score < x.0) {
                best = Some((score, step, a, b));
            }
        }
    }
    match best {
        Some((_, step, a, b)) => Ticks {
            lo: a,
            hi: b,
            values: multiples(a, b, step),
            decimals: decimals_for(step),
        },
        None => linear(lo, hi),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("a & b <c> \"d\" 'e'"),
            "a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;"
        );
        assert_eq!(escape("x\u{0}y\u{1b}z"), "xyz");
    }

    #[test]
    fn numbers_have_at_most_two_decimals_and_never_nan() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(0.256), "0.26");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(1.0 / 3.0), "0.33");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::INFINITY), "0");
        assert_eq!(num(f64::NEG_INFINITY), "0");
    }

    #[test]
    fn fixed_unit_range_gets_round_ticks() {
        let t = fixed_ticks(0.0, 1.0);
        assert_eq!((t.lo, t.hi), (0.0, 1.0));
        assert!((4..=6).contains(&t.values.len()), "{:?}", t.values);
        assert_eq!(t.values.first(), Some(&0.0));
        assert_eq!(t.values.last(), Some(&1.0));
    }

    #[test]
    fn nice_ticks_cover_the_data_with_four_to_six_lines() {
        for (lo, hi) in [
            (0.13, 0.87),
            (3.0, 97.0),
            (-12.0, 4.5),
            (0.001, 0.004),
            (1e6, 3e6),
        ] {
            let t = nice_ticks(lo, hi);
            assert!(t.lo <= lo && t.hi >= hi, "{lo}..{hi} -> {t:?}");
            assert!((4..=6).contains(&t.values.len()), "{lo}..{hi} -> {t:?}");
        }
    }

    #[test]
    fn ids_are_stable_and_content_dependent() {
        assert_eq!(chart_id(&["a", "b"]), chart_id(&["a", "b"]));
        assert_ne!(chart_id(&["a", "b"]), chart_id(&["ab", ""]));
    }

    #[test]
    fn truncation_keeps_short_text() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdefghijkl", 5), "abcd…");
    }
}
