//! An audit's report as CSV (one row per category) and as an HTML summary fit to publish:
//! the mode, the data's size, the unknown counts, every category's applicants, rate and
//! impact ratio, excluded categories with their justification, and what the figures mean.

use std::fmt::Write;

use super::impact::{Mode, Report};

pub fn csv(r: &Report) -> String {
    let mut out = String::from(
        "dimension,category,applicants,favourable,rate,impact_ratio,below_four_fifths,fisher_p,excluded\n",
    );
    for d in &r.dimensions {
        for c in &d.categories {
            let _ = writeln!(
                out,
                "{},{},{},{},{:.4},{},{},{},{}",
                d.name,
                quote(&c.category),
                c.applicants,
                c.favourable,
                c.rate,
                c.impact_ratio
                    .map(|v| format!("{v:.4}"))
                    .unwrap_or_default(),
                c.below_four_fifths,
                c.fisher_p.map(|v| format!("{v:.6}")).unwrap_or_default(),
                quote(c.excluded.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(out, "{},(unknown),{},,,,,,", d.name, d.unknown);
    }
    out
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn html(r: &Report, title: &str) -> String {
    let rate = match r.mode {
        Mode::Selection => "Selection rate",
        Mode::Scoring => "Scoring rate",
    };
    let mut out = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}}\
         table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}th,td{{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}}\
         th:first-child,td:first-child{{text-align:left}}.flag{{color:#b3261e;font-weight:600}}</style></head><body>\
         <h1>{t}</h1><p>{mode} over {n} records.",
        t = escape(title),
        mode = match r.mode {
            Mode::Selection => "Selection mode: the share of each category selected",
            Mode::Scoring =>
                "Scoring mode: the share of each category scoring above the median of the full sample",
        },
        n = r.records
    );
    if let Some(m) = r.median {
        let _ = write!(out, " The median score is {m:.4}.");
    }
    out.push_str(" The impact ratio is a category's rate divided by the highest category's rate; below 0.80 is flagged (the four-fifths rule). The p-value is a two-sided Fisher exact test against the highest-rate category.</p>");
    for d in &r.dimensions {
        let heading = match d.name {
            "sex" => "Sex",
            "race_ethnicity" => "Race/ethnicity",
            _ => "Intersectional (race/ethnicity and sex)",
        };
        let _ = write!(
            out,
            "<h2>{heading}</h2><p>Records with an unknown category, not included: {}.</p>",
            d.unknown
        );
        if let Some(note) = &d.note {
            let _ = write!(out, "<p>{}</p>", escape(note));
        }
        let _ = write!(
            out,
            "<table><tr><th>Category</th><th>Applicants</th><th>{rate}</th><th>Impact ratio</th><th>Fisher p</th></tr>"
        );
        for c in &d.categories {
            let ratio = match (&c.excluded, c.impact_ratio) {
                (Some(why), _) => format!("excluded: {}", escape(why)),
                (None, Some(v)) if c.below_four_fifths => {
                    format!("<span class=\"flag\">{v:.2}</span>")
                }
                (None, Some(v)) => format!("{v:.2}"),
                (None, None) => "–".into(),
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{:.1}%</td><td>{ratio}</td><td>{}</td></tr>",
                escape(&c.category),
                c.applicants,
                c.rate * 100.0,
                c.fisher_p
                    .map(|p| format!("{p:.4}"))
                    .unwrap_or_else(|| "–".into())
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</body></html>\n");
    out
}
