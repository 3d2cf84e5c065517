//! Audit data from CSV, so an independent auditor can run the same computation on exported
//! data: a header with `candidate`, `sex`, `race_ethnicity` and either `score` (scoring
//! mode) or `selected` (selection mode; 1/0, true/false, yes/no). An empty category is
//! unknown. Quoted fields follow RFC 4180.

use super::impact::{Mode, Outcome, Record};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InputError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "the header has no `{0}` column (expected candidate,sex,race_ethnicity and score or selected)"
    )]
    Missing(&'static str),
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
}

pub fn parse(text: &str, mode: Mode) -> Result<Vec<Record>, InputError> {
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = rows.next().ok_or(InputError::Empty)?;
    let header: Vec<String> = fields(header, 1)?
        .into_iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let col = |name: &'static str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or(InputError::Missing(name))
    };
    let (candidate, sex, race) = (col("candidate")?, col("sex")?, col("race_ethnicity")?);
    let outcome = match mode {
        Mode::Scoring => col("score")?,
        Mode::Selection => col("selected")?,
    };
    let mut out = Vec::new();
    for (i, row) in rows {
        let line = i + 1;
        let f = fields(row, line)?;
        let bad = |message: String| InputError::Line { line, message };
        if f.len() != header.len() {
            return Err(bad(format!(
                "{} fields where the header has {}",
                f.len(),
                header.len()
            )));
        }
        let known = |v: &str| Some(v.trim().to_string()).filter(|s| !s.is_empty());
        let value = f[outcome].trim();
        let outcome = match mode {
            Mode::Scoring => Outcome::Score(
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite())
                    .ok_or_else(|| bad(format!("score `{value}` is not a number")))?,
            ),
            Mode::Selection => Outcome::Selected(match value.to_lowercase().as_str() {
                "1" | "true" | "yes" | "y" => true,
                "0" | "false" | "no" | "n" => false,
                other => {
                    return Err(bad(format!(
                        "selected `{other}` is not 1/0, true/false or yes/no"
                    )));
                }
            }),
        };
        out.push(Record {
            candidate: f[candidate].trim().to_string(),
            sex: known(&f[sex]),
            race_ethnicity: known(&f[race]),
            outcome,
        });
    }
    Ok(out)
}

/// One CSV line's fields; quotes may wrap a field, `""` inside them is a quote.
fn fields(line: &str, number: usize) -> Result<Vec<String>, InputError> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err(InputError::Line {
            line: number,
            message: "a quoted field is not closed".into(),
        });
    }
    out.push(field);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_records_with_unknowns_and_quotes() {
        let text = "candidate,sex,race_ethnicity,selected\n1,Female,\"Black or African American\",yes\n2,,Asian,0\n3,Male,\"Two, or more \"\"races\"\"\",1\n";
        let r = parse(text, Mode::Selection).unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].sex, None);
        assert_eq!(
            r[2].race_ethnicity.as_deref(),
            Some("Two, or more \"races\"")
        );
        assert_eq!(r[0].outcome, Outcome::Selected(true));
    }

    #[test]
    fn bad_files_say_where() {
        assert_eq!(parse("", Mode::Scoring), Err(InputError::Empty));
        assert_eq!(
            parse("candidate,sex,race_ethnicity\n", Mode::Scoring),
            Err(InputError::Missing("score"))
        );
        let e = parse(
            "candidate,sex,race_ethnicity,score\n1,F,A,high\n",
            Mode::Scoring,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "line 2: score `high` is not a number");
        let e = parse("candidate,sex,race_ethnicity,score\n1,F,A\n", Mode::Scoring).unwrap_err();
        assert!(e.to_string().contains("3 fields where the header has 4"));
    }
}
