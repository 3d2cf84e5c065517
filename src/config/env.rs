//! Environment overrides, sans I/O: `INTERVIEWER__SECTION__KEY` and the conventional
//! `DATABASE_URL` and `OPENAI_*`, applied to the configuration's TOML table.

use super::ConfigError;

const ENV_PREFIX: &str = "INTERVIEWER__";

pub(super) fn apply_env(
    table: &mut toml::Table,
    var: &str,
    value: &str,
) -> Result<(), ConfigError> {
    let path: Vec<String> = match var {
        "DATABASE_URL" => vec!["database".into(), "url".into()],
        "OPENAI_BASE_URL" => vec!["llm".into(), "base_url".into()],
        "OPENAI_API_KEY" => vec!["llm".into(), "api_key".into()],
        "OPENAI_MODEL" => vec!["llm".into(), "model".into()],
        _ => match var.strip_prefix(ENV_PREFIX) {
            Some(rest) => rest.split("__").map(|s| s.to_lowercase()).collect(),
            None => return Ok(()),
        },
    };
    if path.len() != 2 || path.iter().any(|p| p.is_empty()) {
        return Err(ConfigError::Env {
            var: var.into(),
            message: "expected INTERVIEWER__SECTION__KEY, for example INTERVIEWER__SERVER__PORT"
                .into(),
        });
    }
    let section = table
        .entry(path[0].clone())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let toml::Value::Table(section) = section else {
        return Err(ConfigError::Env {
            var: var.into(),
            message: format!("`{}` is not a section", path[0]),
        });
    };
    section.insert(path[1].clone(), env_value(value));
    Ok(())
}

/// Numbers and booleans keep their type; everything else is a string.
fn env_value(value: &str) -> toml::Value {
    if let Ok(i) = value.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(b) = value.parse::<bool>() {
        toml::Value::Boolean(b)
    } else if let Ok(f) = value.parse::<f64>() {
        toml::Value::Float(f)
    } else {
        toml::Value::String(value.to_string())
    }
}
