//! HTML pages and their assets, compiled into the binary from web/. Pages are static shells;
//! they fetch their data from the JSON API with the viewer's own session.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

pub const SETUP: &str = include_str!("../../web/setup.html");
pub const INTERVIEW: &str = include_str!("../../web/interview.html");
pub const LIVE: &str = include_str!("../../web/live.html");
const WATCH: &str = include_str!("../../web/watch.html");
const HOME: &str = include_str!("../../web/index.html");
const LOGIN: &str = include_str!("../../web/login.html");
const SIGNUP: &str = include_str!("../../web/signup.html");
const PRACTICE: &str = include_str!("../../web/practice.html");
const RECRUITER: &str = include_str!("../../web/recruiter.html");
const ADMIN: &str = include_str!("../../web/admin.html");
const PROFILE: &str = include_str!("../../web/profile.html");
const APP_JS: &str = include_str!("../../web/app.js");
const STYLE_CSS: &str = include_str!("../../web/style.css");

/// A recruiter's live view; the page checks access through the API it calls.
pub async fn watch() -> Html<&'static str> {
    Html(WATCH)
}

pub async fn home() -> Html<&'static str> {
    Html(HOME)
}

pub async fn health() -> impl IntoResponse {
    axum::Json(serde_json::json!({ "status": "ok" }))
}

/// The JSON API described in OpenAPI 3.1: every route under /api/ with who may call it, its
/// parameters, bodies and responses. The integration tests check each response against it.
const OPENAPI: &str = include_str!("openapi.json");

pub async fn openapi() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

pub async fn login() -> Html<&'static str> {
    Html(LOGIN)
}

pub async fn signup() -> Html<&'static str> {
    Html(SIGNUP)
}

pub async fn practice() -> Html<&'static str> {
    Html(PRACTICE)
}

pub async fn recruiter() -> Html<&'static str> {
    Html(RECRUITER)
}

pub async fn admin() -> Html<&'static str> {
    Html(ADMIN)
}

/// An interview's profile; the page checks access through the API it calls.
pub async fn profile() -> Html<&'static str> {
    Html(PROFILE)
}

pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, mime) = match file.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "style.css" => (STYLE_CSS, "text/css; charset=utf-8"),
        _ => {
            return message(StatusCode::NOT_FOUND, "Not found", "There is no such file.")
                .into_response();
        }
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return super::ApiError::NotFound.into_response();
    }
    message(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is nothing at this address.",
    )
    .into_response()
}

/// A plain page that explains a dead end (used or expired links, missing pages).
pub fn message(status: StatusCode, title: &str, text: &str) -> (StatusCode, Html<String>) {
    let (title, text) = (escape(title), escape(text));
    (
        status,
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><link rel=\"stylesheet\" href=\"/assets/style.css\"></head><body><main class=\"narrow\"><h1>{title}</h1><p id=\"message\">{text}</p><p><a href=\"/\">Home</a></p></main></body></html>"
        )),
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
