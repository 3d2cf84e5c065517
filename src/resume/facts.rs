//! What a résumé says that an interviewer can ask about: the skills it names (from a fixed
//! vocabulary, so nothing is invented), the positions it lists (role, organization, years)
//! and which skills it names under which position. Pure: text in, `Facts` out. The facts
//! only ground questions; nothing here is scored.

use serde::{Deserialize, Serialize};

/// Skills recognised, as written in the facts. Matching ignores case and needs word
/// boundaries, so "Go" is not found in "good" and "C++" only as itself.
const SKILLS: [&str; 60] = [
    "Rust",
    "Python",
    "Java",
    "Kotlin",
    "Go",
    "C++",
    "C#",
    "TypeScript",
    "JavaScript",
    "Ruby",
    "Scala",
    "Elixir",
    "Swift",
    "PHP",
    "SQL",
    "PostgreSQL",
    "MySQL",
    "SQLite",
    "MongoDB",
    "Redis",
    "Cassandra",
    "Elasticsearch",
    "Kafka",
    "RabbitMQ",
    "Spark",
    "Airflow",
    "dbt",
    "Snowflake",
    "BigQuery",
    "Kubernetes",
    "Docker",
    "Terraform",
    "Ansible",
    "AWS",
    "GCP",
    "Azure",
    "Linux",
    "gRPC",
    "GraphQL",
    "REST",
    "React",
    "Vue",
    "Angular",
    "Node.js",
    "Django",
    "Flask",
    "FastAPI",
    "Spring",
    "Rails",
    "PyTorch",
    "TensorFlow",
    "pandas",
    "NumPy",
    "Prometheus",
    "Grafana",
    "OpenTelemetry",
    "CI/CD",
    "Git",
    "WebRTC",
    "microservices",
];

/// One position the résumé lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub role: String,
    pub organization: String,
    /// As written, e.g. "2019–2023" or "2021 - present".
    pub years: Option<String>,
    /// Skills named in the position's own lines.
    pub skills: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// Every recognised skill, in order of first mention.
    pub skills: Vec<String>,
    pub positions: Vec<Position>,
}

/// A question grounded in the résumé, with its key (so it is asked once).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grounded {
    pub key: String,
    pub text: String,
}

pub fn facts(text: &str) -> Facts {
    let skills = skills_in(text);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut positions: Vec<Position> = Vec::new();
    // Inside education, skills and the like, dated lines are not positions and bullet
    // points describe no position.
    let mut elsewhere = false;
    for line in &lines {
        if let Some(heading) = heading(line) {
            elsewhere = heading != Heading::Experience;
            continue;
        }
        if elsewhere {
            continue;
        }
        if let Some(p) = position(line) {
            positions.push(p);
        } else if let Some(last) = positions.last_mut() {
            // Lines under a position describe it, until the next one.
            for s in skills_in(line) {
                if !last.skills.contains(&s) {
                    last.skills.push(s);
                }
            }
        }
    }
    Facts { skills, positions }
}

/// Questions the résumé grounds, most specific first: a skill at an organization, then a
/// position, then a skill alone. `topic` (the question's own words) puts skills it shares
/// first, so a grounded follow-up stays on the question's subject.
pub fn grounded(facts: &Facts, topic: &str) -> Vec<Grounded> {
    let relevant = skills_in(topic);
    let mut pairs: Vec<(&str, &Position)> = facts
        .positions
        .iter()
        .flat_map(|p| p.skills.iter().map(move |s| (s.as_str(), p)))
        .collect();
    pairs.sort_by_key(|(s, _)| !relevant.iter().any(|r| r == s));
    let mut out: Vec<Grounded> = pairs
        .iter()
        .map(|(skill, p)| Grounded {
            key: format!("resume:{skill}:{}", p.organization),
            text: format!(
                "You mention {skill} at {}. What was the hardest problem you solved with it there, and what would you do differently now?",
                p.organization
            ),
        })
        .collect();
    out.extend(facts.positions.iter().map(|p| Grounded {
        key: format!("resume:position:{}", p.organization),
        text: if p.role.is_empty() {
            format!(
                "You mention your time at {}. Is there an example from there that fits this question?",
                p.organization
            )
        } else {
            format!(
                "You mention your work as {} at {}. Is there an example from there that fits this question?",
                p.role, p.organization
            )
        },
    }));
    out.extend(facts.skills.iter().map(|s| Grounded {
        key: format!("resume:skill:{s}"),
        text: format!("Your résumé mentions {s}. How have you used it on a real project?"),
    }));
    out
}

fn skills_in(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found: Vec<(usize, &str)> = SKILLS
        .iter()
        .filter_map(|s| first_word_match(&lower, &s.to_lowercase()).map(|at| (at, *s)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, s)| s.to_string()).collect()
}

/// The first place `word` stands alone in `text` (both lowercase).
fn first_word_match(text: &str, word: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '+' || c == '#';
    let mut from = 0;
    while let Some(rel) = text[from..].find(word) {
        let at = from + rel;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// A line listing a position: "Senior Engineer at Acme (2019–2023)", "Acme Corp — Backend
/// Engineer, 2019 - present", "Engineer, Globex, 2016-2019".
fn position(line: &str) -> Option<Position> {
    let years = years_in(line)?;
    let without = line
        .replace(&years, "")
        .replace(['(', ')', '|', '·'], " ")
        .trim()
        .trim_end_matches([',', '-', '–', '—', ' '])
        .to_string();
    let (role, organization) = if let Some((role, org)) = without.split_once(" at ") {
        (role.trim(), org.trim())
    } else {
        let parts: Vec<&str> = without
            .split([',', '—', '–'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        match parts.as_slice() {
            [org, role, ..] if looks_like_role(role) => (*role, *org),
            [role, org, ..] => (*role, *org),
            [org] => ("", *org),
            _ => return None,
        }
    };
    let organization = organization
        .trim_matches([',', '-', ' '])
        .split("  ")
        .next()
        .unwrap_or("")
        .to_string();
    if organization.is_empty() || organization.len() > 80 {
        return None;
    }
    Some(Position {
        role: role.trim_matches([',', '-', ' ']).to_string(),
        organization,
        years: Some(years),
        skills: skills_in(line),
    })
}

fn looks_like_role(s: &str) -> bool {
    let l = s.to_lowercase();
    [
        "engineer",
        "developer",
        "manager",
        "lead",
        "architect",
        "scientist",
        "analyst",
        "intern",
        "designer",
        "consultant",
        "administrator",
        "director",
    ]
    .iter()
    .any(|r| l.contains(r))
}

/// "2019–2023", "2019 - present", "2021-now" as written.
fn years_in(line: &str) -> Option<String> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !(c == '1' || c == '2') || !is_year(line, at) {
            continue;
        }
        if i > 0 && chars[i - 1].1.is_ascii_digit() {
            continue;
        }
        let rest = &line[at + 4..];
        let trimmed = rest.trim_start();
        let Some(dash) = trimmed
            .chars()
            .next()
            .filter(|c| ['-', '–', '—'].contains(c))
        else {
            continue;
        };
        let after = trimmed[dash.len_utf8()..].trim_start();
        let end = if after.len() >= 4 && is_year(after, 0) {
            Some(4)
        } else {
            ["present", "now", "current", "today"]
                .iter()
                .find(|w| after.to_lowercase().starts_with(*w))
                .map(|w| w.len())
        }?;
        let consumed = rest.len() - after.len() + end;
        return Some(line[at..at + 4 + consumed].to_string());
    }
    None
}

fn is_year(s: &str, at: usize) -> bool {
    s.get(at..at + 4).is_some_and(|y| {
        y.chars().all(|c| c.is_ascii_digit()) && (y.starts_with("19") || y.starts_with("20"))
    })
}

#[derive(PartialEq)]
enum Heading {
    Experience,
    Other,
}

fn heading(line: &str) -> Option<Heading> {
    let l = line.trim_end_matches(':').trim().to_lowercase();
    if [
        "experience",
        "work experience",
        "employment",
        "work history",
        "career",
    ]
    .contains(&l.as_str())
    {
        Some(Heading::Experience)
    } else if [
        "education",
        "skills",
        "projects",
        "publications",
        "certifications",
        "languages",
        "interests",
        "awards",
        "references",
    ]
    .contains(&l.as_str())
    {
        Some(Heading::Other)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CV: &str = "Ada Lovelace\nada@example.com\n\nExperience\n\
        Senior Backend Engineer at Acme Corp (2019–2023)\n\
        - Built event pipelines on Kafka and PostgreSQL serving 2M users.\n\
        - Moved deployment to Kubernetes.\n\
        Globex — Software Engineer, 2016 - 2019\n\
        - Python services; some Go.\n\n\
        Education\nBSc Mathematics, 2012-2016\n\nSkills\nRust, Docker, good communication\n";

    #[test]
    fn skills_positions_and_which_skills_belong_where() {
        let f = facts(CV);
        assert_eq!(
            f.skills,
            [
                "Kafka",
                "PostgreSQL",
                "Kubernetes",
                "Python",
                "Go",
                "Rust",
                "Docker"
            ]
        );
        assert_eq!(f.positions.len(), 2, "{:?}", f.positions);
        let acme = &f.positions[0];
        assert_eq!(acme.role, "Senior Backend Engineer");
        assert_eq!(acme.organization, "Acme Corp");
        assert_eq!(acme.years.as_deref(), Some("2019–2023"));
        assert_eq!(acme.skills, ["Kafka", "PostgreSQL", "Kubernetes"]);
        let globex = &f.positions[1];
        assert_eq!(
            (globex.role.as_str(), globex.organization.as_str()),
            ("Software Engineer", "Globex")
        );
        assert_eq!(globex.skills, ["Python", "Go"]);
    }

    #[test]
    fn grounded_questions_name_the_skill_and_the_place_and_follow_the_topic() {
        let f = facts(CV);
        let q = grounded(&f, "How would you design a reliable Python service?");
        assert_eq!(q[0].key, "resume:Python:Globex");
        assert!(
            q[0].text.starts_with("You mention Python at Globex."),
            "{}",
            q[0].text
        );
        let keys: std::collections::HashSet<_> = q.iter().map(|g| &g.key).collect();
        assert_eq!(keys.len(), q.len(), "keys are unique");
    }

    #[test]
    fn nothing_is_invented_from_a_resume_without_facts() {
        let f = facts("I like good food and long walks.");
        assert!(f.skills.is_empty() && f.positions.is_empty());
        assert!(grounded(&f, "anything").is_empty());
    }

    #[test]
    fn years_are_read_as_written() {
        assert_eq!(
            years_in("Acme 2019 - present").as_deref(),
            Some("2019 - present")
        );
        assert_eq!(years_in("x 2012-2016").as_deref(), Some("2012-2016"));
        assert_eq!(years_in("in 12019-2020"), None);
        assert_eq!(years_in("no years here"), None);
    }
}
