//! Impact ratios as NYC Local Law 144's rules define them, with the EEOC four-fifths flag
//! and a Fisher exact test. Selection mode: the share of each category selected. Scoring
//! mode: the share scoring above the median of the full sample. Each category's rate is
//! divided by the highest category's rate; categories are sex, race/ethnicity and their
//! intersections, each with the count of records whose category is unknown. A category
//! under 2% of the data may be excluded from the ratios with a recorded justification; its
//! count and rate are still reported. Pure: records in, `Report` out.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Selected(bool),
    Score(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub candidate: String,
    pub sex: Option<String>,
    pub race_ethnicity: Option<String>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Selection,
    Scoring,
}

/// A category left out of the ratios, and why (the rules allow it under 2% of the data).
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub category: String,
    pub justification: String,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AuditError {
    #[error("there are no records to audit")]
    Empty,
    #[error("record {0}: {1}")]
    Record(String, String),
    #[error("records mix selections and scores; audit one mode at a time")]
    MixedOutcomes,
    #[error("the {mode:?} mode needs {needs} in every record")]
    WrongOutcome { mode: Mode, needs: &'static str },
    #[error(
        "category `{category}` is {share:.1}% of the data; only a category under 2% may be excluded"
    )]
    NotSmall { category: String, share: f64 },
    #[error("the exclusion of `{0}` needs a justification")]
    NoJustification(String),
    #[error(
        "no dimension has two categories with data: impact ratios compare categories, so there is nothing to compare"
    )]
    TooFewCategories,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub category: String,
    pub applicants: usize,
    /// Selected (selection mode) or scoring above the median (scoring mode).
    pub favourable: usize,
    pub rate: f64,
    /// None for an excluded category, or where the highest rate is 0.
    pub impact_ratio: Option<f64>,
    /// Impact ratio under 0.8 (the EEOC four-fifths rule).
    pub below_four_fifths: bool,
    /// Two-sided Fisher exact test of this category against the highest-rate category;
    /// none for that category itself and for excluded ones.
    pub fisher_p: Option<f64>,
    pub excluded: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    /// `sex`, `race_ethnicity` or `intersectional`.
    pub name: &'static str,
    pub categories: Vec<Category>,
    /// Records left out because this dimension's category is unknown.
    pub unknown: usize,
    /// Why no ratios were computed, when fewer than two categories have data.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub mode: Mode,
    pub records: usize,
    /// The median score of the full sample (scoring mode).
    pub median: Option<f64>,
    pub dimensions: Vec<Dimension>,
}

/// A record's category in one dimension; none when unknown.
type Key = fn(&Record) -> Option<String>;

/// Categories under this share of the data may be excluded from the ratios.
pub const SMALL_SHARE: f64 = 0.02;
pub const FOUR_FIFTHS: f64 = 0.8;

pub fn audit(
    records: &[Record],
    mode: Mode,
    exclusions: &[Exclusion],
) -> Result<Report, AuditError> {
    if records.is_empty() {
        return Err(AuditError::Empty);
    }
    let (favourable, median) = outcomes(records, mode)?;
    for e in exclusions {
        if e.justification.trim().is_empty() {
            return Err(AuditError::NoJustification(e.category.clone()));
        }
    }
    let n = records.len();
    let dims: [(&'static str, Key); 3] = [
        ("sex", |r| r.sex.clone()),
        ("race_ethnicity", |r| r.race_ethnicity.clone()),
        ("intersectional", |r| {
            Some(format!(
                "{} {}",
                r.race_ethnicity.as_ref()?,
                r.sex.as_ref()?
            ))
        }),
    ];
    let mut dimensions = Vec::with_capacity(3);
    for (name, key) in dims {
        let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        let mut unknown = 0;
        for (r, fav) in records.iter().zip(&favourable) {
            match key(r) {
                Some(k) => {
                    let g = groups.entry(k).or_default();
                    g.0 += 1;
                    g.1 += usize::from(*fav);
                }
                None => unknown += 1,
            }
        }
        // An exclusion must name a category that is small in every dimension it appears in.
        for e in exclusions {
            if let Some((count, _)) = groups.get(&e.category) {
                let share = *count as f64 / n as f64;
                if share >= SMALL_SHARE {
                    return Err(AuditError::NotSmall {
                        category: e.category.clone(),
                        share: share * 100.0,
                    });
                }
            }
        }
        dimensions.push(dimension(name, groups, unknown, exclusions));
    }
    if dimensions.iter().all(|d| d.note.is_some()) {
        return Err(AuditError::TooFewCategories);
    }
    Ok(Report {
        mode,
        records: n,
        median,
        dimensions,
    })
}

/// Each record's favourable outcome, and the median in scoring mode.
fn outcomes(records: &[Record], mode: Mode) -> Result<(Vec<bool>, Option<f64>), AuditError> {
    let selections = records
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Selected(_)))
        .count();
    if selections != 0 && selections != records.len() {
        return Err(AuditError::MixedOutcomes);
    }
    match mode {
        Mode::Selection => records
            .iter()
            .map(|r| match r.outcome {
                Outcome::Selected(s) => Ok(s),
                Outcome::Score(_) => Err(AuditError::WrongOutcome {
                    mode,
                    needs: "a `selected` value",
                }),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|f| (f, None)),
        Mode::Scoring => {
            let mut scores = Vec::with_capacity(records.len());
            for r in records {
                match r.outcome {
                    Outcome::Score(s) if s.is_finite() => scores.push(s),
                    Outcome::Score(_) => {
                        return Err(AuditError::Record(
                            r.candidate.clone(),
                            "the score is not a number".into(),
                        ));
                    }
                    Outcome::Selected(_) => {
                        return Err(AuditError::WrongOutcome {
                            mode,
                            needs: "a `score`",
                        });
                    }
                }
            }
            let median = median(&scores);
            Ok((scores.iter().map(|s| *s > median).collect(), Some(median)))
        }
    }
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

fn dimension(
    name: &'static str,
    groups: BTreeMap<String, (usize, usize)>,
    unknown: usize,
    exclusions: &[Exclusion],
) -> Dimension {
    let excluded = |c: &str| {
        exclusions
            .iter()
            .find(|e| e.category == c)
            .map(|e| e.justification.clone())
    };
    let mut categories: Vec<Category> = groups
        .into_iter()
        .map(|(category, (applicants, favourable))| Category {
            excluded: excluded(&category),
            rate: favourable as f64 / applicants as f64,
            category,
            applicants,
            favourable,
            impact_ratio: None,
            below_four_fifths: false,
            fisher_p: None,
        })
        .collect();
    let included: Vec<usize> = (0..categories.len())
        .filter(|i| categories[*i].excluded.is_none())
        .collect();
    if included.len() < 2 {
        return Dimension {
            name,
            categories,
            unknown,
            note: Some(format!(
                "{} categor{} with data: impact ratios need at least two",
                included.len(),
                if included.len() == 1 { "y" } else { "ies" }
            )),
        };
    }
    let best = included
        .iter()
        .copied()
        .max_by(|a, b| categories[*a].rate.total_cmp(&categories[*b].rate))
        .unwrap_or(included[0]);
    let (top_rate, top_n, top_fav) = {
        let t = &categories[best];
        (t.rate, t.applicants, t.favourable)
    };
    for i in included {
        let c = &mut categories[i];
        if top_rate > 0.0 {
            let ratio = c.rate / top_rate;
            c.impact_ratio = Some(ratio);
            c.below_four_fifths = ratio < FOUR_FIFTHS;
        }
        if i != best {
            c.fisher_p = Some(fisher_two_sided(
                c.favourable,
                c.applicants - c.favourable,
                top_fav,
                top_n - top_fav,
            ));
        }
    }
    Dimension {
        name,
        categories,
        unknown,
        note: None,
    }
}

/// Two-sided Fisher exact test of the 2×2 table [[a, b], [c, d]]: the probability, with the
/// margins fixed, of a table as likely as the one observed or less.
pub fn fisher_two_sided(a: usize, b: usize, c: usize, d: usize) -> f64 {
    let (row1, col1, n) = (a + b, a + c, a + b + c + d);
    let lf = log_factorials(n);
    let log_p = |x: usize| {
        lf[row1] + lf[n - row1] + lf[col1] + lf[n - col1]
            - lf[n]
            - lf[x]
            - lf[row1 - x]
            - lf[col1 - x]
            - lf[n + x - row1 - col1]
    };
    let lo = (row1 + col1).saturating_sub(n);
    let hi = row1.min(col1);
    let observed = log_p(a);
    // Tables within a relative 1e-7 of the observed probability count as equally likely.
    let total: f64 = (lo..=hi)
        .map(log_p)
        .filter(|lp| *lp <= observed + 1e-7)
        .map(f64::exp)
        .sum();
    total.min(1.0)
}

fn log_factorials(n: usize) -> Vec<f64> {
    let mut lf = vec![0.0; n + 1];
    for i in 1..=n {
        lf[i] = lf[i - 1] + (i as f64).ln();
    }
    lf
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` records of a category with `k` favourable outcomes (selection mode).
    fn people(sex: &str, race: &str, n: usize, k: usize) -> Vec<Record> {
        (0..n)
            .map(|i| Record {
                candidate: format!("{sex}-{race}-{i}"),
                sex: Some(sex.into()).filter(|s: &String| !s.is_empty()),
                race_ethnicity: Some(race.into()).filter(|s: &String| !s.is_empty()),
                outcome: Outcome::Selected(i < k),
            })
            .collect()
    }

    fn find<'a>(d: &'a Dimension, c: &str) -> &'a Category {
        d.categories.iter().find(|x| x.category == c).unwrap()
    }

    /// The DCWP rules' worked example of scoring rates (6 RCNY 5-301): the published impact
    /// ratios, to two decimals, from the published counts and rates.
    #[test]
    fn the_published_scoring_example_is_reproduced() {
        let mut records = Vec::new();
        // Sex: 92 male scoring 54.3% (50), 76 female scoring 44.7% (34).
        records.extend(people("Male", "", 92, 50));
        records.extend(people("Female", "", 76, 34));
        let r = audit(&records, Mode::Selection, &[]).unwrap();
        let sex = &r.dimensions[0];
        assert_eq!(
            format!("{:.2}", find(sex, "Male").impact_ratio.unwrap()),
            "1.00"
        );
        assert_eq!(
            format!("{:.2}", find(sex, "Female").impact_ratio.unwrap()),
            "0.82"
        );
        assert!(!find(sex, "Female").below_four_fifths);
        assert_eq!(format!("{:.1}", find(sex, "Female").rate * 100.0), "44.7");

        let mut records = Vec::new();
        for (race, n, k) in [
            ("Hispanic or Latino", 28, 18),
            ("White", 40, 15),
            ("Black or African American", 32, 16),
            ("Native Hawaiian or Pacific Islander", 8, 5),
            ("Asian", 24, 10),
        ] {
            records.extend(people("", race, n, k));
        }
        let r = audit(&records, Mode::Selection, &[]).unwrap();
        let race = &r.dimensions[1];
        assert_eq!(race.unknown, 0);
        for (c, want) in [
            ("Hispanic or Latino", "1.00"),
            ("White", "0.58"),
            ("Black or African American", "0.78"),
            ("Native Hawaiian or Pacific Islander", "0.97"),
            ("Asian", "0.65"),
        ] {
            assert_eq!(
                format!("{:.2}", find(race, c).impact_ratio.unwrap()),
                want,
                "{c}"
            );
        }
        assert!(find(race, "White").below_four_fifths);
        // No sex known here: every record is unknown for sex and the intersections.
        assert_eq!(r.dimensions[0].unknown, 132);
        assert!(r.dimensions[0].note.is_some());
    }

    #[test]
    fn scoring_mode_counts_scores_above_the_full_samples_median() {
        let records: Vec<Record> = [
            ("a", "F", 1.0),
            ("b", "F", 2.0),
            ("c", "F", 3.0),
            ("d", "M", 4.0),
            ("e", "M", 5.0),
            ("f", "M", 6.0),
        ]
        .into_iter()
        .map(|(id, sex, score)| Record {
            candidate: id.into(),
            sex: Some(sex.into()),
            race_ethnicity: None,
            outcome: Outcome::Score(score),
        })
        .collect();
        let r = audit(&records, Mode::Scoring, &[]).unwrap();
        assert_eq!(r.median, Some(3.5));
        let sex = &r.dimensions[0];
        assert_eq!(find(sex, "F").favourable, 0);
        assert_eq!(find(sex, "M").favourable, 3);
        assert_eq!(find(sex, "F").impact_ratio, Some(0.0));
        // 0 of 3 against 3 of 3: p = 2 / C(6,3) = 0.1.
        assert!((find(sex, "F").fisher_p.unwrap() - 0.1).abs() < 1e-12);
    }

    #[test]
    fn fisher_matches_known_values() {
        // The lady tasting tea: [[3, 1], [1, 3]] gives two-sided p = 0.4857.
        assert!((fisher_two_sided(3, 1, 1, 3) - 34.0 / 70.0).abs() < 1e-12);
        assert!((fisher_two_sided(5, 5, 5, 5) - 1.0).abs() < 1e-12);
        // [[10, 0], [0, 10]]: 2 / C(20, 10).
        assert!((fisher_two_sided(10, 0, 0, 10) - 2.0 / 184_756.0).abs() < 1e-15);
    }

    #[test]
    fn small_categories_may_be_excluded_with_a_reason_and_bad_audits_say_why() {
        let mut records = people("M", "A", 60, 30);
        records.extend(people("F", "A", 60, 20));
        records.extend(people("X", "A", 2, 0));
        let why = Exclusion {
            category: "X".into(),
            justification: "two records: too few for a rate".into(),
        };
        let r = audit(&records, Mode::Selection, std::slice::from_ref(&why)).unwrap();
        let x = find(&r.dimensions[0], "X");
        assert_eq!(x.impact_ratio, None);
        assert_eq!(x.applicants, 2);
        assert!(x.excluded.is_some());
        let big = Exclusion {
            category: "F".into(),
            justification: "no".into(),
        };
        assert!(matches!(
            audit(&records, Mode::Selection, &[big]),
            Err(AuditError::NotSmall { .. })
        ));
        assert_eq!(audit(&[], Mode::Selection, &[]), Err(AuditError::Empty));
        assert_eq!(
            audit(&people("M", "A", 5, 2), Mode::Selection, &[]),
            Err(AuditError::TooFewCategories)
        );
        assert!(matches!(
            audit(&records, Mode::Scoring, &[]),
            Err(AuditError::WrongOutcome { .. })
        ));
    }
}
