//! The interview profile: the stored scores (a person's override in place of the scorer's
//! value) combined per competency, weighted by the role's criteria into an overall figure,
//! each with an uncertainty; strengths and things to work on, each pointing at the score
//! (and so at the words) behind it. Pure: score rows and weights in, `Profile` out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One stored score, as the profile needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreInput {
    pub score_id: i64,
    pub dimension: String,
    pub competency: String,
    /// The value that stands: a person's override where there is one.
    pub value: Option<f64>,
    pub uncertainty: Option<f64>,
    pub overridden: bool,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub value: f64,
    pub uncertainty: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Competency {
    pub competency: String,
    /// The role's weight; none when the role does not weigh this competency (shown, not
    /// counted).
    pub weight: Option<f64>,
    pub estimate: Option<Estimate>,
    pub score_ids: Vec<i64>,
    /// Scores with no value (not enough evidence, or left to a person).
    pub unscored: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pointer {
    pub score_id: i64,
    pub dimension: String,
    pub competency: String,
    pub value: f64,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub overall: Option<Estimate>,
    pub competencies: Vec<Competency>,
    pub strengths: Vec<Pointer>,
    pub to_work_on: Vec<Pointer>,
    /// Dimensions shown but kept out of every figure above (affect, unless opted in).
    pub excluded_dimensions: Vec<String>,
    pub explanation: String,
}

/// A score at or above this is a strength; at or below `WORK_ON`, something to work on.
const STRENGTH: f64 = 0.7;
const WORK_ON: f64 = 0.4;
/// Pointers listed of each kind.
const POINTERS: usize = 3;
/// A single score whose uncertainty is unknown (a person's override of a value that had
/// none) counts with this.
const UNKNOWN_UNCERTAINTY: f64 = 0.25;

/// Builds the profile. `weights` are the role's criteria (empty for practice: every
/// competency counts the same); scores of `excluded` dimensions are left out of every figure.
pub fn build(scores: &[ScoreInput], weights: &BTreeMap<String, f64>, excluded: &[&str]) -> Profile {
    let counted: Vec<&ScoreInput> = scores
        .iter()
        .filter(|s| !excluded.contains(&s.dimension.as_str()))
        .collect();
    let mut by_competency: BTreeMap<&str, Vec<&ScoreInput>> = BTreeMap::new();
    for s in &counted {
        by_competency.entry(&s.competency).or_default().push(s);
    }
    let practice = weights.is_empty();
    let competencies: Vec<Competency> = by_competency
        .into_iter()
        .map(|(name, rows)| Competency {
            competency: name.to_string(),
            weight: if practice {
                Some(1.0)
            } else {
                weights.get(name).copied().filter(|w| *w > 0.0)
            },
            estimate: combine(&rows),
            score_ids: rows.iter().map(|s| s.score_id).collect(),
            unscored: rows.iter().filter(|s| s.value.is_none()).count(),
        })
        .collect();
    let weighed: Vec<(f64, &Estimate)> = competencies
        .iter()
        .filter_map(|c| Some((c.weight?, c.estimate.as_ref()?)))
        .collect();
    let total: f64 = weighed.iter().map(|(w, _)| w).sum();
    let overall = (total > 0.0).then(|| Estimate {
        value: weighed.iter().map(|(w, e)| w * e.value).sum::<f64>() / total,
        uncertainty: weighed
            .iter()
            .map(|(w, e)| (w * e.uncertainty).powi(2))
            .sum::<f64>()
            .sqrt()
            / total,
    });
    let pointers = |keep: &dyn Fn(f64) -> bool, best_first: bool| {
        let mut p: Vec<Pointer> = counted
            .iter()
            .filter_map(|s| {
                let v = s.value?;
                keep(v).then(|| Pointer {
                    score_id: s.score_id,
                    dimension: s.dimension.clone(),
                    competency: s.competency.clone(),
                    value: v,
                    explanation: s.explanation.clone(),
                })
            })
            .collect();
        p.sort_by(|a, b| {
            let order = a.value.total_cmp(&b.value);
            if best_first { order.reverse() } else { order }
        });
        p.truncate(POINTERS);
        p
    };
    let unweighted: Vec<&str> = competencies
        .iter()
        .filter(|c| c.weight.is_none())
        .map(|c| c.competency.as_str())
        .collect();
    let explanation = match &overall {
        None => "no competency the role weighs has a score yet".to_string(),
        Some(_) if practice => format!(
            "every competency counts the same in practice; {} competencies scored",
            weighed.len()
        ),
        Some(_) => {
            let mut s = format!(
                "weighted by the role's criteria over {} of {} weighted competencies",
                weighed.len(),
                weights.values().filter(|w| **w > 0.0).count()
            );
            if !unweighted.is_empty() {
                s.push_str(&format!(
                    "; shown but not counted (the role does not weigh them): {}",
                    unweighted.join(", ")
                ));
            }
            s
        }
    };
    Profile {
        overall,
        strengths: pointers(&|v| v >= STRENGTH, true),
        to_work_on: pointers(&|v| v <= WORK_ON, false),
        competencies,
        excluded_dimensions: excluded.iter().map(|d| d.to_string()).collect(),
        explanation,
    }
}

/// The mean of a competency's values, with the standard error of a mean of independent
/// estimates: the root of the summed squared uncertainties over their number.
fn combine(rows: &[&ScoreInput]) -> Option<Estimate> {
    let valued: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|s| Some((s.value?, s.uncertainty.unwrap_or(UNKNOWN_UNCERTAINTY))))
        .collect();
    if valued.is_empty() {
        return None;
    }
    let n = valued.len() as f64;
    Some(Estimate {
        value: valued.iter().map(|(v, _)| v).sum::<f64>() / n,
        uncertainty: valued.iter().map(|(_, u)| u * u).sum::<f64>().sqrt() / n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: i64, dimension: &str, competency: &str, value: Option<f64>, u: f64) -> ScoreInput {
        ScoreInput {
            score_id: id,
            dimension: dimension.into(),
            competency: competency.into(),
            value,
            uncertainty: value.map(|_| u),
            overridden: false,
            explanation: format!("score {id}"),
        }
    }

    fn weights(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, w)| (k.to_string(), *w)).collect()
    }

    #[test]
    fn the_overall_figure_follows_the_role_weights() {
        let scores = [
            s(1, "content", "collaboration", Some(0.9), 0.1),
            s(2, "content", "problem-solving", Some(0.3), 0.1),
            s(3, "code_understanding", "problem-solving", Some(0.5), 0.1),
        ];
        let p = build(
            &scores,
            &weights(&[("collaboration", 1.0), ("problem-solving", 3.0)]),
            &[],
        );
        // problem-solving = 0.4 (two scores), weighted 3:1 against 0.9.
        let o = p.overall.unwrap();
        assert!((o.value - (0.9 + 3.0 * 0.4) / 4.0).abs() < 1e-9, "{o:?}");
        let ps = &p.competencies[1];
        assert_eq!(ps.competency, "problem-solving");
        assert!((ps.estimate.as_ref().unwrap().uncertainty - (0.02f64).sqrt() / 2.0).abs() < 1e-9);
        assert_eq!(p.strengths[0].score_id, 1);
        assert_eq!(p.to_work_on[0].score_id, 2);
    }

    #[test]
    fn unweighted_competencies_and_excluded_dimensions_do_not_count() {
        let scores = [
            s(1, "content", "collaboration", Some(0.5), 0.1),
            s(2, "fluency", "communication", Some(0.1), 0.1),
            s(3, "affect", "communication", Some(0.0), 0.1),
        ];
        let p = build(&scores, &weights(&[("collaboration", 1.0)]), &["affect"]);
        assert!((p.overall.unwrap().value - 0.5).abs() < 1e-9);
        assert!(p.explanation.contains("not counted"), "{}", p.explanation);
        assert!(p.to_work_on.iter().all(|x| x.dimension != "affect"));
        let comm = p
            .competencies
            .iter()
            .find(|c| c.competency == "communication")
            .unwrap();
        assert_eq!(comm.weight, None);
        assert_eq!(comm.score_ids, vec![2]);
    }

    #[test]
    fn unscored_rows_leave_no_estimate_and_practice_weighs_equally() {
        let scores = [
            s(1, "content", "collaboration", None, 0.0),
            s(2, "content", "algorithms", Some(0.6), 0.2),
        ];
        let p = build(&scores, &BTreeMap::new(), &[]);
        let collab = &p.competencies[1];
        assert_eq!(collab.estimate, None);
        assert_eq!(collab.unscored, 1);
        assert!((p.overall.unwrap().value - 0.6).abs() < 1e-9);
        let none = build(&[s(1, "content", "x", None, 0.0)], &BTreeMap::new(), &[]);
        assert_eq!(none.overall, None);
    }
}
