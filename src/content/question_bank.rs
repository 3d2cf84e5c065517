//! Parses and validates question-bank TOML files (schema: question-bank/README.md). Every error
//! names `file:line:column` and what is wrong, so `interviewer bank validate` is actionable.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    Behavioral,
    Technical,
    Coding,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Behavioral => "behavioral",
            Self::Technical => "technical",
            Self::Coding => "coding",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Easy => "easy",
            Self::Medium => "medium",
            Self::Hard => "hard",
        }
    }
}

/// A validated bank, as imported into the database and exported back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bank {
    pub id: String,
    pub title: String,
    pub version: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub source_file: String,
    #[serde(skip)]
    pub content_hash: String,
    #[serde(skip)]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    pub competency: String,
    pub prompt: String,
    pub rubric: Vec<String>,
    pub follow_ups: Vec<String>,
    pub time_limit_secs: i32,
    pub difficulty: Difficulty,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starter_code: Option<String>,
}

/// One problem in one file, located for a person to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BankError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

// The file as written, with spans so semantic errors can be located too.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    bank: Spanned<RawBank>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBank {
    id: Spanned<String>,
    title: Spanned<String>,
    version: Spanned<i64>,
    description: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    kind: QuestionKind,
    competency: Spanned<String>,
    prompt: Spanned<String>,
    rubric: Spanned<Vec<Spanned<String>>>,
    follow_ups: Spanned<Vec<Spanned<String>>>,
    time_limit_secs: Spanned<i64>,
    difficulty: Difficulty,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    language: Option<Spanned<String>>,
    starter_code: Option<String>,
}

const LANGUAGES: [&str; 4] = ["python", "javascript", "rust", "java"];

/// Parses one bank file's text. `file` is only used in messages.
pub fn parse(file: &Path, text: &str) -> Result<Bank, BankError> {
    let mut problems = Problems {
        file: file.to_path_buf(),
        text,
        list: Vec::new(),
    };
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let at = e.span().map(|s| s.start).unwrap_or(0);
            problems.at(at, e.message().trim().to_string());
            return Err(BankError::Invalid(problems.list));
        }
    };
    let bank_span = raw.bank.span();
    let rb = raw.bank.into_inner();
    problems.slug(&rb.id, "bank.id");
    problems.length(&rb.title, "bank.title", 1, 120);
    if *rb.version.get_ref() < 1 || *rb.version.get_ref() > i64::from(i32::MAX) {
        problems.at(
            rb.version.span().start,
            "bank.version must be an integer of at least 1".into(),
        );
    }
    if let Some(d) = &rb.description {
        problems.length(d, "bank.description", 1, 2000);
    }
    if raw.questions.is_empty() {
        problems.at(bank_span.start, "the bank has no [[questions]]".into());
    }
    let mut seen = HashSet::new();
    let mut questions = Vec::with_capacity(raw.questions.len());
    for q in raw.questions {
        let q = q.into_inner();
        problems.slug(&q.id, "question id");
        if !seen.insert(q.id.get_ref().clone()) {
            problems.at(
                q.id.span().start,
                format!("duplicate question id `{}`", q.id.get_ref()),
            );
        }
        problems.slug(&q.competency, "competency");
        problems.length(&q.prompt, "prompt", 10, 2000);
        problems.list_of(&q.rubric, "rubric", 1, 12, 3, 300);
        problems.list_of(&q.follow_ups, "follow_ups", 1, 10, 3, 500);
        for f in q.follow_ups.get_ref() {
            if !f.get_ref().trim_end().ends_with('?') {
                problems.at(
                    f.span().start,
                    "a follow-up hint must be a question ending with `?`".into(),
                );
            }
        }
        let limit = *q.time_limit_secs.get_ref();
        if !(30..=3600).contains(&limit) {
            problems.at(
                q.time_limit_secs.span().start,
                format!("time_limit_secs {limit} is out of range 30..=3600"),
            );
        }
        let mut tags = HashSet::new();
        for t in &q.tags {
            problems.slug(t, "tag");
            if !tags.insert(t.get_ref()) {
                problems.at(t.span().start, format!("duplicate tag `{}`", t.get_ref()));
            }
        }
        if let Some(lang) = &q.language {
            if q.kind != QuestionKind::Coding {
                problems.at(
                    lang.span().start,
                    "language is only allowed on coding questions".into(),
                );
            } else if !LANGUAGES.contains(&lang.get_ref().as_str()) {
                problems.at(
                    lang.span().start,
                    format!(
                        "language `{}` is not one of {}",
                        lang.get_ref(),
                        LANGUAGES.join(", ")
                    ),
                );
            }
        }
        if q.starter_code.is_some() && q.kind != QuestionKind::Coding {
            problems.at(
                q.id.span().start,
                "starter_code is only allowed on coding questions".into(),
            );
        }
        questions.push(Question {
            id: q.id.into_inner(),
            kind: q.kind,
            competency: q.competency.into_inner(),
            prompt: q.prompt.into_inner().trim().to_string(),
            rubric: q
                .rubric
                .into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            follow_ups: q
                .follow_ups
                .into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            time_limit_secs: i32::try_from(limit).unwrap_or(i32::MAX),
            difficulty: q.difficulty,
            tags: q.tags.into_iter().map(Spanned::into_inner).collect(),
            language: q.language.map(Spanned::into_inner),
            starter_code: q.starter_code,
        });
    }
    if !problems.list.is_empty() {
        return Err(BankError::Invalid(problems.list));
    }
    Ok(Bank {
        id: rb.id.into_inner(),
        title: rb.title.into_inner(),
        version: i32::try_from(*rb.version.get_ref()).unwrap_or(1),
        description: rb.description.map(Spanned::into_inner),
        source_file: file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        content_hash: hex(&Sha256::digest(text.as_bytes())),
        questions,
    })
}

/// Reads one file.
pub fn load_file(path: &Path) -> Result<Bank, BankError> {
    let text = std::fs::read_to_string(path).map_err(|source| BankError::Io {
        path: path.into(),
        source,
    })?;
    parse(path, &text)
}

/// The `*.toml` files of a directory, sorted, or the path itself when it is a file.
pub fn bank_files(path: &Path) -> Result<Vec<PathBuf>, BankError> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|source| BankError::Io {
        path: path.into(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Loads every bank under `paths`, collecting every problem of every file, and rejects
/// two files that claim the same bank id.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Bank>, BankError> {
    let mut banks = Vec::new();
    let mut problems = Vec::new();
    for root in paths {
        for file in bank_files(root)? {
            match load_file(&file) {
                Ok(bank) => {
                    if banks.iter().any(|b: &Bank| b.id == bank.id) {
                        problems.push(Problem {
                            file: file.clone(),
                            line: 1,
                            column: 1,
                            message: format!(
                                "bank id `{}` is already used by another file",
                                bank.id
                            ),
                        });
                    }
                    banks.push(bank);
                }
                Err(BankError::Invalid(mut p)) => problems.append(&mut p),
                Err(e) => return Err(e),
            }
        }
    }
    if problems.is_empty() {
        Ok(banks)
    } else {
        Err(BankError::Invalid(problems))
    }
}

/// Writes a bank back in the documented format (used by `bank export`).
pub fn to_toml(bank: &Bank) -> Result<String, toml::ser::Error> {
    #[derive(Serialize)]
    struct Out<'a> {
        bank: &'a Bank,
        questions: &'a [Question],
    }
    toml::to_string(&Out {
        bank,
        questions: &bank.questions,
    })
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Problems<'a> {
    file: PathBuf,
    text: &'a str,
    list: Vec<Problem>,
}

impl Problems<'_> {
    fn at(&mut self, offset: usize, message: String) {
        let (line, column) = line_col(self.text, offset);
        self.list.push(Problem {
            file: self.file.clone(),
            line,
            column,
            message,
        });
    }

    fn slug(&mut self, s: &Spanned<String>, what: &str) {
        let v = s.get_ref();
        let ok = (3..=64).contains(&v.len())
            && v.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !v.starts_with('-')
            && !v.ends_with('-');
        if !ok {
            self.at(
                s.span().start,
                format!("{what} `{v}` must be 3 to 64 characters of a-z, 0-9 and `-`"),
            );
        }
    }

    fn length(&mut self, s: &Spanned<String>, what: &str, min: usize, max: usize) {
        let n = s.get_ref().trim().chars().count();
        if n < min || n > max {
            self.at(
                s.span().start,
                format!("{what} has {n} characters; it must have {min} to {max}"),
            );
        }
    }

    fn list_of(
        &mut self,
        l: &Spanned<Vec<Spanned<String>>>,
        what: &str,
        min: usize,
        max: usize,
        min_len: usize,
        max_len: usize,
    ) {
        let n = l.get_ref().len();
        if n < min || n > max {
            self.at(
                l.span().start,
                format!("{what} has {n} entries; it must have {min} to {max}"),
            );
        }
        for item in l.get_ref() {
            self.length(item, what, min_len, max_len);
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[bank]
id = "demo-bank"
title = "Demo"
version = 1

[[questions]]
id = "two-sum"
kind = "coding"
competency = "problem-solving"
prompt = "Return the indices of two numbers that add up to a target."
rubric = ["Uses a hash map for linear time"]
follow_ups = ["What if the input is sorted?"]
time_limit_secs = 900
difficulty = "easy"
language = "python"
"#;

    fn problems(text: &str) -> Vec<Problem> {
        match parse(Path::new("q.toml"), text) {
            Err(BankError::Invalid(p)) => p,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_valid_bank() {
        let bank = parse(Path::new("q.toml"), GOOD).unwrap();
        assert_eq!(bank.id, "demo-bank");
        assert_eq!(bank.questions[0].kind, QuestionKind::Coding);
        assert_eq!(bank.content_hash.len(), 64);
    }

    #[test]
    fn unknown_field_is_located() {
        let text = GOOD.replace(
            "difficulty = \"easy\"",
            "difficulty = \"easy\"\ncolour = \"red\"",
        );
        let p = problems(&text);
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("colour"), "{}", p[0]);
        assert_eq!(p[0].line, 16, "{}", p[0]);
    }

    #[test]
    fn missing_field_is_reported() {
        let text = GOOD.replace("time_limit_secs = 900\n", "");
        let p = problems(&text);
        assert!(p[0].message.contains("time_limit_secs"), "{}", p[0]);
    }

    #[test]
    fn semantic_errors_point_at_the_value() {
        let text = GOOD
            .replace("What if the input is sorted?", "Sorted input")
            .replace("time_limit_secs = 900", "time_limit_secs = 5");
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!((p[0].line, p[0].column), (13, 15), "{}", p[0]);
        assert!(
            p[1].to_string()
                .starts_with("q.toml:14:19: time_limit_secs 5"),
            "{}",
            p[1]
        );
    }

    #[test]
    fn bad_enum_and_slug() {
        let text = GOOD.replace("kind = \"coding\"", "kind = \"trivia\"");
        assert!(problems(&text)[0].message.contains("trivia"));
        let text = GOOD.replace("id = \"two-sum\"", "id = \"Two Sum\"");
        assert!(problems(&text)[0].message.contains("a-z"));
    }

    #[test]
    fn shipped_banks_are_valid_and_round_trip() {
        let banks = load_all(&[PathBuf::from("question-bank")]).unwrap_or_else(|e| panic!("{e}"));
        assert!(banks.len() >= 3);
        let coding = banks
            .iter()
            .flat_map(|b| &b.questions)
            .filter(|q| q.kind == QuestionKind::Coding)
            .count();
        assert!(coding >= 10, "only {coding} coding problems");
        for bank in &banks {
            let text = to_toml(bank).unwrap();
            let again = parse(Path::new(&bank.source_file), &text).unwrap();
            assert_eq!(again.questions, bank.questions);
        }
    }
}
