//! Line charts over labelled steps (practice attempts, minutes of an interview), with an
//! uncertainty band around each line so a candidate sees how sure each estimate is.

use std::fmt::Write;

use super::svg::{
    DASHES, GRID, INK, PALETTE, Ticks, escape, finite, fixed_ticks, half_width, heading,
    nice_ticks, num, num_dec, truncate,
};

/// One estimate on a line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Point {
    pub value: f64,
    /// Half-width of an uncertainty band/whisker, same units as `value`; 0 = none.
    pub uncertainty: f64,
    /// Tooltip text for this point (e.g. "attempt 2, 24 Nov: 0.62 ± 0.08"); empty = generated.
    pub note: String,
}

/// One line of a line chart. `points[i]` belongs to `x_labels[i]` of the chart; `None` is a gap
/// (the line breaks there).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<Option<Point>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub x_labels: Vec<String>,
    pub y_label: String,
    /// Fixed y range (e.g. 0..1 for scores); `None` = from the data with a little padding,
    /// snapped to nice ticks.
    pub y_range: Option<(f64, f64)>,
    pub series: Vec<Series>,
}

pub(crate) const WIDTH: f64 = 640.0;
pub(crate) const HEIGHT: f64 = 320.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 604.0;
const BOTTOM: f64 = 276.0;
/// Top of the plot without a legend; each legend row pushes it down.
const TOP: f64 = 40.0;
const LEGEND_ROW: f64 = 18.0;
/// Keeps the first and last markers clear of the axes.
const INSET: f64 = 16.0;
/// Roughly the widest x label that fits between two shown labels.
const LABEL_SLOT: f64 = 64.0;
const RADIUS: f64 = 4.0;

/// A drawable point: finite value and uncertainty, with its tooltip.
struct Clean<'a> {
    value: f64,
    unc: f64,
    note: &'a str,
}

/// Points per series aligned to the x labels: non-finite values become gaps, points beyond the
/// last label are ignored and missing ones are gaps.
fn clean(chart: &LineChart) -> Vec<Vec<Option<Clean<'_>>>> {
    let n = chart.x_labels.len();
    chart
        .series
        .iter()
        .map(|s| {
            (0..n)
                .map(|i| {
                    let p = s.points.get(i)?.as_ref()?;
                    Some(Clean {
                        value: finite(p.value)?,
                        unc: half_width(p.uncertainty),
                        note: &p.note,
                    })
                })
                .collect()
        })
        .collect()
}

/// The y axis: a valid fixed range as given, otherwise the data (with its uncertainty) padded
/// and widened to round ticks.
fn y_axis(chart: &LineChart, data: &[Vec<Option<Clean<'_>>>]) -> Ticks {
    if let Some((a, b)) = chart.y_range
        && let (Some(a), Some(b)) = (finite(a), finite(b))
        && a != b
    {
        return fixed_ticks(a.min(b), a.max(b));
    }
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in data.iter().flatten().flatten() {
        lo = lo.min(p.value - p.unc);
        hi = hi.max(p.value + p.unc);
    }
    if !(lo.is_finite() && hi.is_finite()) {
        return fixed_ticks(0.0, 1.0);
    }
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * 0.05
    } else if lo != 0.0 {
        lo.abs() * 0.1
    } else {
        1.0
    };
    // Data that never goes below zero should not get a negative axis just from padding.
    let floor = if lo >= 0.0 { 0.0 } else { f64::NEG_INFINITY };
    nice_ticks((lo - pad).max(floor), hi + pad)
}

fn x_at(i: usize, n: usize) -> f64 {
    if n <= 1 {
        (LEFT + RIGHT) / 2.0
    } else {
        LEFT + INSET + (RIGHT - LEFT - 2.0 * INSET) * i as f64 / (n - 1) as f64
    }
}

/// Maps a value to the plot, clamped to its edges so out-of-range values stay visible.
fn y_at(v: f64, ticks: &Ticks, top: f64) -> f64 {
    let span = ticks.hi - ticks.lo;
    if span <= 0.0 {
        return (top + BOTTOM) / 2.0;
    }
    (BOTTOM - (v - ticks.lo) / span * (BOTTOM - top)).clamp(top, BOTTOM)
}

/// Which x labels to print: all when they fit, otherwise every k-th, always the first and the
/// last, dropping one that would crowd the last.
fn shown_labels(n: usize) -> Vec<usize> {
    let fit = (((RIGHT - LEFT) / LABEL_SLOT).floor() as usize).max(2);
    if n <= fit {
        return (0..n).collect();
    }
    let step = (n - 1).div_ceil(fit - 1);
    let mut out: Vec<usize> = (0..n - 1)
        .filter(|i| i.is_multiple_of(step) && (n - 1 - i) * 2 >= step)
        .collect();
    out.push(n - 1);
    out
}

/// Legend entries laid out left to right, wrapping into rows; returns (x, row) per series.
fn legend_layout(names: &[String]) -> Vec<(f64, usize)> {
    let mut x = LEFT;
    let mut row = 0;
    names
        .iter()
        .map(|name| {
            let w = 40.0 + 6.5 * truncate(name, 24).chars().count() as f64 + 16.0;
            if x + w > WIDTH - 8.0 && x > LEFT {
                x = LEFT;
                row += 1;
            }
            let at = (x, row);
            x += w;
            at
        })
        .collect()
}

fn series_name(s: &Series, i: usize) -> String {
    if s.name.trim().is_empty() {
        format!("Series {}", i + 1)
    } else {
        s.name.clone()
    }
}

fn describe(chart: &LineChart, data: &[Vec<Option<Clean<'_>>>], ticks: &Ticks) -> String {
    let n = chart.x_labels.len();
    let k = chart.series.len();
    let mut d = format!("{k} series over {n} step{}", if n == 1 { "" } else { "s" });
    match (chart.x_labels.first(), chart.x_labels.last()) {
        (Some(a), Some(b)) if n > 1 => {
            let _ = write!(d, ", from {} to {}", a.trim(), b.trim());
        }
        (Some(a), _) => {
            let _ = write!(d, " ({})", a.trim());
        }
        _ => {}
    }
    d.push('.');
    let y = chart.y_label.trim();
    let _ = write!(
        d,
        " {} from {} to {}.",
        if y.is_empty() { "Values" } else { y },
        num_dec(ticks.lo, ticks.decimals),
        num_dec(ticks.hi, ticks.decimals)
    );
    for (i, (s, pts)) in chart.series.iter().zip(data).enumerate() {
        let vals: Vec<f64> = pts.iter().flatten().map(|p| p.value).collect();
        let name = series_name(s, i);
        match vals.as_slice() {
            [] => {
                let _ = write!(d, " {name}: no data.");
            }
            [v] => {
                let _ = write!(d, " {name}: one value, {}.", num(*v));
            }
            [first, .., last] => {
                let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
                let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let _ = write!(
                    d,
                    " {name}: {} values from {} to {}, first {}, last {}.",
                    vals.len(),
                    num(min),
                    num(max),
                    num(*first),
                    num(*last)
                );
            }
        }
    }
    d
}

/// Renders a line chart as a self-contained SVG element.
///
/// Each drawn point is a `circle` with classes `series-N point` and its own tooltip; lines are
/// `path.line`, uncertainty `path.band` (runs of points) or `path.whisker` (isolated points).
/// A chart without labels or without any finite point says "No data yet".
pub fn line_chart(chart: &LineChart) -> String {
    let n = chart.x_labels.len();
    let data = clean(chart);
    if n == 0 || !data.iter().flatten().any(Option::is_some) {
        return super::svg::empty("line-chart", WIDTH, HEIGHT, &chart.title);
    }
    let ticks = y_axis(chart, &data);
    let names: Vec<String> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| series_name(s, i))
        .collect();
    let legend = if names.len() > 1 {
        legend_layout(&names)
    } else {
        Vec::new()
    };
    let legend_rows = legend.iter().map(|&(_, r)| r + 1).max().unwrap_or(0);
    let top = TOP + LEGEND_ROW * legend_rows as f64;

    let mut b = String::with_capacity(4096);
    heading(&mut b, &chart.title);

    // Legend, only when there is something to tell apart.
    if !legend.is_empty() {
        b.push_str("<g class=\"legend\">");
        for (i, (&(x, row), name)) in legend.iter().zip(&names).enumerate() {
            let y = TOP - 4.0 + LEGEND_ROW * row as f64;
            let colour = PALETTE[i % PALETTE.len()];
            let _ = write!(
                b,
                "<g class=\"legend-item series-{i}\"><line x1=\"{}\" y1=\"{y}\" x2=\"{}\" \
                 y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"2\"{}/>",
                num(x),
                num(x + 28.0),
                dash_attr(i),
                y = num(y)
            );
            marker(&mut b, i, x + 14.0, y, "legend-marker");
            b.push_str("/>");
            let _ = write!(
                b,
                "<text x=\"{}\" y=\"{}\" dominant-baseline=\"middle\" fill=\"{INK}\">{}</text></g>",
                num(x + 36.0),
                num(y),
                escape(&truncate(name, 24))
            );
        }
        b.push_str("</g>");
    }

    // Gridlines with tick labels.
    b.push_str("<g class=\"gridlines\">");
    for &v in &ticks.values {
        let y = num(y_at(v, &ticks, top));
        let _ = write!(
            b,
            "<line class=\"gridline\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{GRID}\" \
             stroke-width=\"1\"/><text class=\"tick-label\" x=\"{}\" y=\"{y}\" \
             text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"{INK}\">{}</text>",
            num(LEFT),
            num(RIGHT),
            num(LEFT - 6.0),
            num_dec(v, ticks.decimals)
        );
    }
    b.push_str("</g>");

    // Axes.
    let _ = write!(
        b,
        "<line class=\"axis x-axis\" x1=\"{l}\" y1=\"{bt}\" x2=\"{r}\" y2=\"{bt}\" \
         stroke=\"{INK}\" stroke-width=\"1\"/><line class=\"axis y-axis\" x1=\"{l}\" y1=\"{t}\" \
         x2=\"{l}\" y2=\"{bt}\" stroke=\"{INK}\" stroke-width=\"1\"/>",
        l = num(LEFT),
        r = num(RIGHT),
        t = num(top),
        bt = num(BOTTOM)
    );

    // X labels, thinned when crowded; every step still gets a tick mark.
    let shown = shown_labels(n);
    b.push_str("<g class=\"x-labels\">");
    for i in 0..n {
        let x = num(x_at(i, n));
        let _ = write!(
            b,
            "<line class=\"x-tick\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{INK}\" \
             stroke-width=\"1\"/>",
            num(BOTTOM),
            num(BOTTOM + 4.0)
        );
    }
    for &i in &shown {
        let _ = write!(
            b,
            "<text class=\"x-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            num(x_at(i, n)),
            num(BOTTOM + 18.0),
            escape(&truncate(&chart.x_labels[i], 12))
        );
    }
    b.push_str("</g>");

    if !chart.y_label.trim().is_empty() {
        let cy = num((top + BOTTOM) / 2.0);
        let _ = write!(
            b,
            "<text class=\"y-label\" x=\"16\" y=\"{cy}\" transform=\"rotate(-90 16 {cy})\" \
             text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            escape(&truncate(&chart.y_label, 40))
        );
    }

    // Uncertainty first, then lines, then markers, so markers stay on top and hoverable.
    let pos = |i: usize, v: f64| (x_at(i, n), y_at(v, &ticks, top));
    for (si, pts) in data.iter().enumerate() {
        let colour = PALETTE[si % PALETTE.len()];
        for run in runs(pts) {
            if !run.iter().any(|&(_, p)| p.unc > 0.0) {
                continue;
            }
            let mut d = String::new();
            if let [(i, p)] = run.as_slice() {
                let (x, hi) = pos(*i, p.value + p.unc);
                let (_, lo) = pos(*i, p.value - p.unc);
                let _ = write!(
                    d,
                    "M{x} {hi} V{lo} M{a} {hi} H{c} M{a} {lo} H{c}",
                    x = num(x),
                    hi = num(hi),
                    lo = num(lo),
                    a = num(x - 5.0),
                    c = num(x + 5.0)
                );
                let _ = write!(
                    b,
                    "<path class=\"series-{si} whisker\" d=\"{d}\" fill=\"none\" \
                     stroke=\"{colour}\" stroke-width=\"1.5\" stroke-opacity=\"0.7\"/>"
                );
                continue;
            }
            for (k, &(i, p)) in run.iter().enumerate() {
                let (x, y) = pos(i, p.value + p.unc);
                let _ = write!(
                    d,
                    "{}{} {} ",
                    if k == 0 { "M" } else { "L" },
                    num(x),
                    num(y)
                );
            }
            for &(i, p) in run.iter().rev() {
                let (x, y) = pos(i, p.value - p.unc);
                let _ = write!(d, "L{} {} ", num(x), num(y));
            }
            d.push('Z');
            let _ = write!(
                b,
                "<path class=\"series-{si} band\" d=\"{d}\" fill=\"{colour}\" \
                 fill-opacity=\"0.18\" stroke=\"none\"/>"
            );
        }
    }
    for (si, pts) in data.iter().enumerate() {
        let colour = PALETTE[si % PALETTE.len()];
        let mut d = String::new();
        for run in runs(pts) {
            for (k, &(i, p)) in run.iter().enumerate() {
                let (x, y) = pos(i, p.value);
                if !d.is_empty() {
                    d.push(' ');
                }
                let _ = write!(d, "{}{} {}", if k == 0 { "M" } else { "L" }, num(x), num(y));
            }
        }
        if !d.is_empty() {
            let _ = write!(
                b,
                "<path class=\"series-{si} line\" d=\"{d}\" fill=\"none\" stroke=\"{colour}\" \
                 stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"{}/>",
                dash_attr(si)
            );
        }
    }
    for (si, pts) in data.iter().enumerate() {
        for (i, p) in pts.iter().enumerate() {
            let Some(p) = p else { continue };
            let (x, y) = pos(i, p.value);
            marker(&mut b, si, x, y, "point");
            let tip = if p.note.trim().is_empty() {
                let mut t = format!(
                    "{}, {}: {}",
                    names[si],
                    chart.x_labels[i].trim(),
                    num(p.value)
                );
                if p.unc > 0.0 {
                    let _ = write!(t, " ± {}", num(p.unc));
                }
                t
            } else {
                p.note.to_string()
            };
            let _ = write!(b, "><title>{}</title></circle>", escape(&tip));
        }
    }

    let desc = describe(chart, &data, &ticks);
    let name = if chart.title.trim().is_empty() {
        "Line chart"
    } else {
        &chart.title
    };
    super::svg::document("line-chart", WIDTH, HEIGHT, name, &desc, &b)
}

/// Opens a marker circle (the caller closes it, with or without a tooltip). Odd series get
/// hollow markers so they differ from even ones in shape as well as colour.
fn marker(b: &mut String, series: usize, x: f64, y: f64, class: &str) {
    let colour = PALETTE[series % PALETTE.len()];
    let fill = if series % 2 == 1 { "#FFFFFF" } else { colour };
    let _ = write!(
        b,
        "<circle class=\"series-{series} {class}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" \
         stroke=\"{colour}\" stroke-width=\"2\"",
        num(x),
        num(y),
        num(RADIUS)
    );
}

fn dash_attr(series: usize) -> String {
    match DASHES[series % DASHES.len()] {
        "" => String::new(),
        d => format!(" stroke-dasharray=\"{d}\""),
    }
}

/// Contiguous runs of drawable points, with their x indices.
fn runs<'p, 'a>(pts: &'p [Option<Clean<'a>>]) -> Vec<Vec<(usize, &'p Clean<'a>)>> {
    let mut out: Vec<Vec<(usize, &Clean)>> = Vec::new();
    let mut current = Vec::new();
    for (i, p) in pts.iter().enumerate() {
        match p {
            Some(p) => current.push((i, p)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(value: f64, uncertainty: f64) -> Option<Point> {
        Some(Point {
            value,
            uncertainty,
            note: String::new(),
        })
    }

    fn chart(labels: usize, series: Vec<Vec<Option<Point>>>) -> LineChart {
        LineChart {
            title: "Growth".into(),
            x_labels: (1..=labels).map(|i| format!("Attempt {i}")).collect(),
            y_label: "Score".into(),
            y_range: Some((0.0, 1.0)),
            series: series
                .into_iter()
                .enumerate()
                .map(|(i, points)| Series {
                    name: format!("S{i}"),
                    points,
                })
                .collect(),
        }
    }

    /// Values of attribute `attr` on elements whose class attribute contains `class`.
    fn attrs(svg: &str, class: &str, attr: &str) -> Vec<String> {
        svg.split('<')
            .filter(|el| {
                el.split("class=\"")
                    .nth(1)
                    .and_then(|c| c.split('"').next())
                    .is_some_and(|c| c.split(' ').any(|w| w == class))
            })
            .filter_map(|el| {
                let key = format!(" {attr}=\"");
                el.split(&key).nth(1)?.split('"').next().map(str::to_string)
            })
            .collect()
    }

    #[test]
    fn one_circle_per_present_point() {
        let c = chart(
            4,
            vec![
                vec![pt(0.2, 0.0), None, pt(0.5, 0.1), pt(0.6, 0.0)],
                vec![pt(0.3, 0.05), pt(0.4, 0.0)],
            ],
        );
        let svg = line_chart(&c);
        assert_eq!(svg.matches("point\" cx=").count(), 5);
        assert_eq!(svg.matches("class=\"series-0 point\"").count(), 3);
        assert_eq!(svg.matches("class=\"series-1 point\"").count(), 2);
        assert_eq!(svg.matches("<title>").count(), 5, "one tooltip per point");
        assert!(svg.contains("class=\"legend\""));
    }

    #[test]
    fn gap_splits_the_line() {
        let c = chart(
            5,
            vec![vec![
                pt(0.1, 0.0),
                pt(0.2, 0.0),
                None,
                pt(0.3, 0.0),
                pt(0.4, 0.0),
            ]],
        );
        let svg = line_chart(&c);
        let d = attrs(&svg, "line", "d");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].matches('M').count(), 2, "{}", d[0]);
        assert_eq!(d[0].matches('L').count(), 2, "{}", d[0]);
        assert!(
            !svg.contains("class=\"legend\""),
            "no legend for one series"
        );
    }

    #[test]
    fn fixed_range_maps_half_to_the_middle() {
        let c = chart(1, vec![vec![pt(0.5, 0.0)]]);
        let svg = line_chart(&c);
        let cy: f64 = attrs(&svg, "point", "cy")[0].parse().unwrap();
        assert!((cy - (TOP + BOTTOM) / 2.0).abs() < 0.01, "cy = {cy}");
        let c = chart(1, vec![vec![pt(1.0, 0.0)], vec![pt(0.0, 0.0)]]);
        let svg = line_chart(&c);
        let cys = attrs(&svg, "point", "cy");
        let top = TOP + LEGEND_ROW;
        assert_eq!(cys, vec![num(top), num(BOTTOM)]);
    }

    #[test]
    fn single_point_is_a_visible_marker_with_whisker() {
        let c = chart(1, vec![vec![pt(0.62, 0.08)]]);
        let svg = line_chart(&c);
        assert_eq!(attrs(&svg, "point", "r"), vec!["4"]);
        assert_eq!(attrs(&svg, "whisker", "d").len(), 1);
        assert!(svg.contains("S0, Attempt 1: 0.62 ± 0.08"));
    }

    #[test]
    fn uncertainty_draws_a_band_for_runs() {
        let c = chart(3, vec![vec![pt(0.4, 0.1), pt(0.5, 0.1), pt(0.6, 0.1)]]);
        let svg = line_chart(&c);
        assert_eq!(attrs(&svg, "band", "d").len(), 1);
        assert!(attrs(&svg, "band", "d")[0].ends_with('Z'));
    }

    #[test]
    fn non_finite_values_are_gaps_and_never_printed() {
        let mut c = chart(
            4,
            vec![vec![
                pt(f64::NAN, 0.1),
                pt(0.5, f64::INFINITY),
                pt(f64::NEG_INFINITY, 0.0),
                pt(0.7, f64::NAN),
            ]],
        );
        c.y_range = Some((f64::NAN, f64::INFINITY));
        let svg = line_chart(&c);
        assert!(
            !svg.contains("NaN") && !svg.to_lowercase().contains("inf"),
            "{svg}"
        );
        assert_eq!(attrs(&svg, "point", "cx").len(), 2);
        assert_eq!(attrs(&svg, "line", "d")[0].matches('M').count(), 2);
    }

    #[test]
    fn empty_charts_say_no_data_yet() {
        for c in [
            chart(0, vec![]),
            chart(3, vec![]),
            chart(3, vec![vec![None, None, None]]),
            chart(0, vec![vec![pt(0.5, 0.0)]]),
            chart(2, vec![vec![pt(f64::NAN, 0.0)]]),
        ] {
            let svg = line_chart(&c);
            assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
            assert!(svg.ends_with("</svg>"));
            assert!(svg.contains("No data yet"));
            assert!(!svg.contains("class=\"series-0 point\""));
        }
    }

    #[test]
    fn text_is_escaped() {
        let mut c = chart(2, vec![vec![pt(0.5, 0.0), pt(0.6, 0.0)]]);
        c.title = "R&D <script>".into();
        c.x_labels[0] = "a\"b'".into();
        c.series[0].name = "x<y".into();
        c.series[0].points[1].as_mut().unwrap().note = "<b>&</b>".into();
        let svg = line_chart(&c);
        assert!(svg.contains("R&amp;D &lt;script&gt;"));
        assert!(svg.contains("a&quot;b&#39;"));
        assert!(svg.contains("&lt;b&gt;&amp;&lt;/b&gt;"));
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
    }

    #[test]
    fn data_range_snaps_to_four_to_six_ticks() {
        let mut c = chart(3, vec![vec![pt(12.0, 1.0), pt(37.0, 2.0), pt(58.0, 3.0)]]);
        c.y_range = None;
        let svg = line_chart(&c);
        let n = attrs(&svg, "gridline", "y1").len();
        assert!((4..=6).contains(&n), "{n} gridlines");
        let cys: Vec<f64> = attrs(&svg, "point", "cy")
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert!(cys.iter().all(|&y| y > TOP && y < BOTTOM), "{cys:?}");
        assert!(cys[0] > cys[1] && cys[1] > cys[2]);
    }

    #[test]
    fn many_labels_are_thinned_but_keep_ends() {
        let shown = shown_labels(40);
        assert_eq!(shown.first(), Some(&0));
        assert_eq!(shown.last(), Some(&39));
        assert!(shown.len() <= 9, "{shown:?}");
        assert_eq!(shown_labels(5), vec![0, 1, 2, 3, 4]);
        let c = chart(
            40,
            vec![(0..40).map(|i| pt(f64::from(i) / 40.0, 0.0)).collect()],
        );
        let svg = line_chart(&c);
        assert_eq!(svg.matches("class=\"x-label\"").count(), shown.len());
        assert!(svg.contains(">Attempt 40<"));
    }

    #[test]
    fn output_is_deterministic_and_labelled() {
        let c = chart(3, vec![vec![pt(0.2, 0.1), pt(0.4, 0.1), None]]);
        let a = line_chart(&c);
        assert_eq!(a, line_chart(&c));
        assert!(a.contains("role=\"img\""));
        assert!(a.contains("width=\"100%\""));
        assert!(a.contains("viewBox=\"0 0 640 320\""));
        assert!(a.contains("1 series over 3 steps, from Attempt 1 to Attempt 3."));
        let id = a
            .split("aria-labelledby=\"")
            .nth(1)
            .unwrap()
            .split('-')
            .nth(1)
            .unwrap();
        assert!(a.contains(&format!("<title id=\"chart-{id}-title\">Growth</title>")));
    }
}
