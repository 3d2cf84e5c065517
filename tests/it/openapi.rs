//! The OpenAPI document (`src/http/openapi.json`, served at /api/openapi.json) against the
//! service: every /api/ route in the router is documented with the same method and access,
//! and every response the integration tests receive from /api/ (through `Client`) must be
//! one the document lists, with a body its schema accepts. `check` is that validator: the
//! subset of JSON Schema the document uses (type, properties, required,
//! additionalProperties, items, enum, const, oneOf, $ref).

use std::sync::LazyLock;

use serde_json::Value;

use crate::helpers::*;

static DOC: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../src/http/openapi.json"))
        .expect("src/http/openapi.json is JSON")
});

/// The documented path template `path` (query stripped) falls under: the one with the most
/// literal segments in common (`/api/banks/check` before `/api/banks/{id}`).
fn template(path: &str) -> Option<&'static str> {
    best_template(path, DOC["paths"].as_object()?.keys().map(String::as_str))
}

fn best_template(
    path: &str,
    templates: impl Iterator<Item = &'static str>,
) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    let mut best: Option<(&'static str, usize)> = None;
    for t in templates {
        let tparts: Vec<&str> = t.split('/').collect();
        if tparts.len() != parts.len() {
            continue;
        }
        let mut literal = 0;
        let fits = tparts.iter().zip(&parts).all(|(t, p)| {
            if t.starts_with('{') {
                !p.is_empty()
            } else {
                literal += 1;
                t == p
            }
        });
        if fits && best.is_none_or(|(_, n)| literal > n) {
            best = Some((t, literal));
        }
    }
    best.map(|(t, _)| t)
}

/// Whether a response to `method path` with `status`, `content_type` and `body` (JSON, or
/// the text as a JSON string when it was not JSON) is one the document describes.
pub fn check(
    method: &str,
    path: &str,
    status: u16,
    content_type: &str,
    body: &Value,
) -> Result<(), String> {
    // What the router does not serve is the fallback's 404 or axum's 405, outside the API;
    // a WebSocket is listed by path only (an upgrade has no OpenAPI operation).
    let websockets = DOC["x-websockets"].as_array().into_iter().flatten();
    let Some(t) = template(path) else {
        return match status {
            404 => Ok(()),
            _ if best_template(path, websockets.filter_map(Value::as_str)).is_some() => Ok(()),
            _ => Err(format!("no documented path matches {path}")),
        };
    };
    let op = &DOC["paths"][t][method.to_lowercase()];
    if op.is_null() {
        return match status {
            405 => Ok(()),
            _ => Err(format!("{method} {t} is not documented")),
        };
    }
    let response = &op["responses"][status.to_string()];
    if response.is_null() {
        return Err(format!(
            "{method} {t} does not document status {status}: {body}"
        ));
    }
    let Some(content) = response["content"].as_object() else {
        return if body.as_str().is_some_and(str::is_empty) || body.is_null() {
            Ok(())
        } else {
            Err(format!(
                "{method} {t} {status} documents no body, got {body}"
            ))
        };
    };
    let media = content_type.split(';').next().unwrap_or("").trim();
    let Some(documented) = content.get(media) else {
        return Err(format!(
            "{method} {t} {status} answered {media:?}; the document lists {:?}",
            content.keys().collect::<Vec<_>>()
        ));
    };
    if media == "application/json" {
        validate(&documented["schema"], body, "body")?;
    }
    Ok(())
}

fn resolve(schema: &Value) -> &Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unsupported $ref {r}"));
            resolve(&DOC["components"]["schemas"][name])
        }
        None => schema,
    }
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `value` at `at` against `schema`.
pub fn validate(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(schema);
    if let Some(types) = match &schema["type"] {
        Value::String(t) => Some(vec![t.as_str()]),
        Value::Array(ts) => Some(ts.iter().filter_map(Value::as_str).collect()),
        _ => None,
    } {
        let actual = type_of(value);
        // An integer is a number too.
        let fits = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
        if !fits {
            return Err(format!("{at}: expected {types:?}, got {actual} {value}"));
        }
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        return Err(format!("{at}: expected {c}, got {value}"));
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let errors: Vec<String> = options
            .iter()
            .filter_map(|o| validate(o, value, at).err())
            .collect();
        let matched = options.len() - errors.len();
        if matched != 1 {
            return Err(format!(
                "{at}: {matched} of the oneOf options match {value} ({})",
                errors.join("; ")
            ));
        }
    }
    if let Value::Object(map) = value {
        let props = schema["properties"].as_object();
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !map.contains_key(name) {
                return Err(format!("{at}: the required field {name:?} is missing"));
            }
        }
        for (k, v) in map {
            let here = format!("{at}.{k}");
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(s, v, &here)?,
                None => match &schema["additionalProperties"] {
                    Value::Bool(false) => {
                        return Err(format!("{here}: the field is not documented"));
                    }
                    s @ Value::Object(_) => validate(s, v, &here)?,
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(item)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            validate(item, v, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

#[test]
fn every_api_route_is_documented_with_its_method_and_access() {
    let websockets: Vec<&str> = DOC["x-websockets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut routed = Vec::new();
    for r in interviewer::http::routes() {
        if !r.path.starts_with("/api/") || websockets.contains(&r.path) {
            continue;
        }
        let method = r.method.as_str().to_lowercase();
        let op = &DOC["paths"][r.path][&method];
        assert!(!op.is_null(), "{method} {} is not in the document", r.path);
        assert_eq!(
            op["x-access"],
            format!("{:?}", r.access),
            "{method} {}: the access the document states",
            r.path
        );
        routed.push((method, r.path.to_string()));
    }
    // And nothing documented that the router does not serve.
    for (path, ops) in DOC["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            if ["parameters", "summary", "description"].contains(&method.as_str()) {
                continue;
            }
            assert!(
                routed.contains(&(method.clone(), path.clone())),
                "{method} {path} is documented but not routed"
            );
        }
    }
}

#[test]
fn the_validator_refuses_what_the_schema_does_not_allow() {
    let error = &DOC["components"]["schemas"]["Error"];
    assert!(
        validate(
            error,
            &serde_json::json!({"error": "x", "status": 400}),
            "e"
        )
        .is_ok()
    );
    for bad in [
        serde_json::json!({"error": "x"}),
        serde_json::json!({"error": 1, "status": 400}),
        serde_json::json!({"error": "x", "status": 400, "extra": true}),
        serde_json::json!("x"),
    ] {
        assert!(validate(error, &bad, "e").is_err(), "{bad}");
    }
    assert_eq!(template("/api/banks/check"), Some("/api/banks/check"));
    assert_eq!(template("/api/banks/7?x=1"), Some("/api/banks/{id}"));
    assert!(check("GET", "/api/nowhere", 200, "application/json", &Value::Null).is_err());
    assert!(check("GET", "/api/banks/1", 299, "application/json", &Value::Null).is_err());
}

#[tokio::test]
async fn the_document_is_served_as_json() {
    let app = spawn_app().await;
    let r = Client::anonymous(&app).get("/api/openapi.json").await;
    assert_eq!(r.status, reqwest::StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(r.body, *DOC);
    assert_eq!(r.body["openapi"], "3.1.0");
}
