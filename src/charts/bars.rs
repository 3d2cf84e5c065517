//! Horizontal bar charts, one row per competency, with ± whiskers; a competency without enough
//! evidence is shown as such rather than as a zero score.

use std::fmt::Write;

use super::svg::{GRID, INK, PALETTE, escape, finite, half_width, heading, num, truncate};

/// One row of a bar chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bar {
    pub label: String,
    /// `None` = "not enough evidence": drawn as an empty outlined bar with that text, never as
    /// zero.
    pub value: Option<f64>,
    /// Half-width of the whisker, same units as `value`; 0 = none.
    pub uncertainty: f64,
    /// Tooltip text for this bar; empty = generated from label and value.
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BarChart {
    pub title: String,
    /// Value of a full-width bar (e.g. 1 for scores); invalid = the largest value, or 1.
    pub max: f64,
    pub bars: Vec<Bar>,
    /// What a row without a value says; none: "not enough evidence".
    pub missing: Option<String>,
}

pub(crate) const WIDTH: f64 = 640.0;
const TOP: f64 = 40.0;
const ROW: f64 = 34.0;
const BAR_H: f64 = 16.0;
const LABEL_X: f64 = 12.0;
pub(crate) const BAR_LEFT: f64 = 196.0;
pub(crate) const BAR_RIGHT: f64 = 540.0;
/// Room below the rows for the scale labels.
const FOOT: f64 = 28.0;
const NO_EVIDENCE: &str = "not enough evidence";

/// Height of the chart for `rows` bars, so the page can reserve space before it loads.
pub fn bar_chart_height(rows: usize) -> f64 {
    TOP + ROW * rows as f64 + FOOT
}

/// The scale's full value: `max` when usable, else the largest value, else 1.
fn missing_text(chart: &BarChart) -> &str {
    chart.missing.as_deref().unwrap_or(NO_EVIDENCE)
}

fn scale_max(chart: &BarChart) -> f64 {
    if let Some(m) = finite(chart.max).filter(|m| *m > 0.0) {
        return m;
    }
    chart
        .bars
        .iter()
        .filter_map(|b| b.value.and_then(finite))
        .fold(None, |acc: Option<f64>, v| {
            Some(acc.map_or(v, |a| a.max(v)))
        })
        .filter(|m| *m > 0.0)
        .unwrap_or(1.0)
}

fn x_at(v: f64, max: f64) -> f64 {
    BAR_LEFT + (BAR_RIGHT - BAR_LEFT) * (v / max).clamp(0.0, 1.0)
}

fn value_text(v: f64, u: f64) -> String {
    if u > 0.0 {
        format!("{} ± {}", num(v), num(u))
    } else {
        num(v)
    }
}

fn describe(chart: &BarChart, max: f64) -> String {
    let n = chart.bars.len();
    let mut d = format!(
        "{n} bar{} on a scale of 0 to {}.",
        if n == 1 { "" } else { "s" },
        num(max)
    );
    for bar in &chart.bars {
        let label = bar.label.trim();
        match bar.value.and_then(finite) {
            Some(v) => {
                let _ = write!(
                    d,
                    " {label}: {}.",
                    value_text(v, half_width(bar.uncertainty))
                );
            }
            None => {
                let _ = write!(d, " {label}: {}.", missing_text(chart));
            }
        }
    }
    d
}

/// Renders a horizontal bar chart as a self-contained SVG element.
///
/// Valued rows draw a `rect.bar` (with its tooltip) over a `rect.track`, a `path.whisker` clamped
/// to `0..=max` and a `text.value`; rows without a finite value draw an outlined
/// `rect.no-evidence` with the words "not enough evidence" instead. No bars says "No data yet".
pub fn bar_chart(chart: &BarChart) -> String {
    let rows = chart.bars.len();
    let height = bar_chart_height(rows);
    if rows == 0 {
        return super::svg::empty("bar-chart", WIDTH, 120.0, &chart.title);
    }
    let max = scale_max(chart);
    let bottom = TOP + ROW * rows as f64;
    let mut b = String::with_capacity(1024 + 600 * rows);
    heading(&mut b, &chart.title);

    // Scale: quarter gridlines behind the bars, labelled below.
    b.push_str("<g class=\"gridlines\">");
    for q in 0..=4 {
        let v = max * f64::from(q) / 4.0;
        let x = num(x_at(v, max));
        let _ = write!(
            b,
            "<line class=\"gridline\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{GRID}\" \
             stroke-width=\"1\"/><text class=\"tick-label\" x=\"{x}\" y=\"{}\" \
             text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            num(TOP - 4.0),
            num(bottom),
            num(bottom + 16.0),
            num(v)
        );
    }
    b.push_str("</g>");

    let colour = PALETTE[0];
    for (i, bar) in chart.bars.iter().enumerate() {
        let mid = TOP + ROW * i as f64 + ROW / 2.0;
        let y = num(mid - BAR_H / 2.0);
        let label = truncate(&bar.label, 28);
        let _ = write!(b, "<g class=\"bar-row\" data-index=\"{i}\">");
        let _ = write!(
            b,
            "<text class=\"label\" x=\"{}\" y=\"{}\" dominant-baseline=\"middle\" \
             fill=\"{INK}\">{}",
            num(LABEL_X),
            num(mid),
            escape(&label)
        );
        if label != bar.label.trim() {
            let _ = write!(b, "<title>{}</title>", escape(bar.label.trim()));
        }
        b.push_str("</text>");

        match bar.value.and_then(finite) {
            Some(v) => {
                let u = half_width(bar.uncertainty);
                let tip = if bar.note.trim().is_empty() {
                    format!("{}: {}", bar.label.trim(), value_text(v, u))
                } else {
                    bar.note.clone()
                };
                let _ = write!(
                    b,
                    "<rect class=\"track\" x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\" \
                     rx=\"2\" fill=\"#EEF0F3\"/><rect class=\"bar\" x=\"{}\" y=\"{y}\" \
                     width=\"{}\" height=\"{}\" rx=\"2\" fill=\"{colour}\"><title>{}</title></rect>",
                    num(BAR_LEFT),
                    num(BAR_RIGHT - BAR_LEFT),
                    num(BAR_H),
                    num(BAR_LEFT),
                    num(x_at(v, max) - BAR_LEFT),
                    num(BAR_H),
                    escape(&tip)
                );
                if u > 0.0 {
                    let lo = x_at(v - u, max);
                    let hi = x_at(v + u, max);
                    if hi > lo {
                        let _ = write!(
                            b,
                            "<path class=\"whisker\" d=\"M{lo} {m} H{hi} M{lo} {a} V{c} M{hi} {a} \
                             V{c}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"1.5\"/>",
                            lo = num(lo),
                            hi = num(hi),
                            m = num(mid),
                            a = num(mid - 6.0),
                            c = num(mid + 6.0)
                        );
                    }
                }
                let _ = write!(
                    b,
                    "<text class=\"value\" x=\"{}\" y=\"{}\" dominant-baseline=\"middle\" \
                     fill=\"{INK}\">{}</text>",
                    num(BAR_RIGHT + 10.0),
                    num(mid),
                    escape(&value_text(v, u))
                );
            }
            None => {
                let tip = if bar.note.trim().is_empty() {
                    format!("{}: {}", bar.label.trim(), missing_text(chart))
                } else {
                    bar.note.clone()
                };
                // Transparent fill rather than none, so the whole outline area shows the tooltip.
                let _ = write!(
                    b,
                    "<rect class=\"no-evidence\" x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\" \
                     rx=\"2\" fill=\"#FFFFFF\" fill-opacity=\"0\" stroke=\"#6B7280\" \
                     stroke-width=\"1\" stroke-dasharray=\"4 3\"><title>{}</title></rect>\
                     <text class=\"no-evidence-text\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
                     dominant-baseline=\"middle\" font-style=\"italic\" fill=\"#555555\">\
                     {}</text>",
                    num(BAR_LEFT),
                    num(BAR_RIGHT - BAR_LEFT),
                    num(BAR_H),
                    escape(&tip),
                    num((BAR_LEFT + BAR_RIGHT) / 2.0),
                    num(mid),
                    escape(missing_text(chart))
                );
            }
        }
        b.push_str("</g>");
    }

    let desc = describe(chart, max);
    let name = if chart.title.trim().is_empty() {
        "Bar chart"
    } else {
        &chart.title
    };
    super::svg::document("bar-chart", WIDTH, height, name, &desc, &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: Option<f64>, uncertainty: f64) -> Bar {
        Bar {
            label: label.into(),
            value,
            uncertainty,
            note: String::new(),
        }
    }

    fn chart(bars: Vec<Bar>) -> BarChart {
        BarChart {
            title: "Competencies".into(),
            max: 1.0,
            bars,
            missing: None,
        }
    }

    /// Attribute values of elements with exactly this class attribute.
    fn attrs(svg: &str, class: &str, attr: &str) -> Vec<f64> {
        let open = format!("class=\"{class}\"");
        svg.split('<')
            .filter(|el| el.contains(&open))
            .filter_map(|el| {
                let key = format!(" {attr}=\"");
                el.split(&key).nth(1)?.split('"').next()?.parse().ok()
            })
            .collect()
    }

    #[test]
    fn bars_scale_to_max() {
        let svg = bar_chart(&chart(vec![
            bar("A", Some(0.5), 0.0),
            bar("B", Some(1.0), 0.0),
            bar("C", Some(0.0), 0.0),
        ]));
        let w = BAR_RIGHT - BAR_LEFT;
        assert_eq!(attrs(&svg, "bar", "width"), vec![w / 2.0, w, 0.0]);
        assert_eq!(svg.matches("class=\"bar-row\"").count(), 3);
        assert!(svg.contains("viewBox=\"0 0 640 170\""));
        assert!(svg.contains(">0.5</text>"));
    }

    #[test]
    fn missing_value_is_marked_not_zero() {
        let svg = bar_chart(&chart(vec![bar("Design", None, 0.2)]));
        assert!(svg.contains("class=\"no-evidence\""));
        assert!(svg.contains(">not enough evidence</text>"));
        assert!(!svg.contains("class=\"bar\""));
        assert!(!svg.contains("class=\"whisker\""));
        assert!(!svg.contains("class=\"value\""));
        assert!(svg.contains("Design: not enough evidence"));
    }

    #[test]
    fn non_finite_value_counts_as_no_evidence() {
        let mut c = chart(vec![
            bar("A", Some(f64::NAN), 0.1),
            bar("B", Some(f64::INFINITY), f64::NAN),
            bar("C", Some(0.4), f64::INFINITY),
        ]);
        c.max = f64::NAN;
        let svg = bar_chart(&c);
        assert_eq!(svg.matches("class=\"no-evidence\"").count(), 2);
        assert_eq!(svg.matches("class=\"bar\"").count(), 1);
        assert!(
            !svg.contains("NaN") && !svg.to_lowercase().contains("inf"),
            "{svg}"
        );
    }

    #[test]
    fn whiskers_are_clamped_to_the_scale() {
        let svg = bar_chart(&chart(vec![
            bar("High", Some(0.95), 0.2),
            bar("Low", Some(0.05), 0.2),
        ]));
        let d: Vec<&str> = svg
            .split("class=\"whisker\" d=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect();
        assert_eq!(d.len(), 2);
        // "M{lo} {mid} H{hi} ...": the horizontal stroke spans lo..hi.
        let ends = |d: &str| -> (f64, f64) {
            let lo = d[1..].split(' ').next().unwrap().parse().unwrap();
            let hi = d.split('H').nth(1).unwrap().split(' ').next().unwrap();
            (lo, hi.parse().unwrap())
        };
        let w = BAR_RIGHT - BAR_LEFT;
        let (lo, hi) = ends(d[0]);
        assert!((lo - (BAR_LEFT + 0.75 * w)).abs() < 0.01, "{}", d[0]);
        assert_eq!(hi, BAR_RIGHT, "clamped at max: {}", d[0]);
        let (lo, hi) = ends(d[1]);
        assert_eq!(lo, BAR_LEFT, "clamped at zero: {}", d[1]);
        assert!((hi - (BAR_LEFT + 0.25 * w)).abs() < 0.01, "{}", d[1]);
    }

    #[test]
    fn labels_and_notes_are_escaped() {
        let mut b = bar("C++ & <Rust>", Some(0.3), 0.0);
        b.note = "\"quoted\" 'note'".into();
        let svg = bar_chart(&chart(vec![b]));
        assert!(svg.contains("C++ &amp; &lt;Rust&gt;"));
        assert!(svg.contains("<title>&quot;quoted&quot; &#39;note&#39;</title>"));
    }

    #[test]
    fn no_bars_says_no_data_yet() {
        let svg = bar_chart(&chart(vec![]));
        assert!(svg.contains("No data yet"));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn invalid_max_falls_back_to_largest_value() {
        let mut c = chart(vec![bar("A", Some(4.0), 0.0), bar("B", Some(2.0), 0.0)]);
        c.max = 0.0;
        let svg = bar_chart(&c);
        let w = BAR_RIGHT - BAR_LEFT;
        assert_eq!(attrs(&svg, "bar", "width"), vec![w, w / 2.0]);
        assert!(svg.contains("2 bars on a scale of 0 to 4."));
    }
}
