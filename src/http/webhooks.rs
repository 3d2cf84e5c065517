//! An organization's webhook endpoints, for admins: added with the events they want (the
//! signing secret is shown once, at creation), removed, and their deliveries read, so one
//! that failed is seen and can be sent again.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::extract::{Json, Viewer};
use crate::app::AppState;
use crate::auth::token;
use crate::db::entities::{webhook, webhook_delivery};
use crate::db::{self, organizations, webhooks};
use crate::webhooks::{Event, target};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    url: String,
    events: Vec<String>,
}

fn view(w: &webhook::Model) -> Value {
    json!({ "id": w.id, "organization_id": w.organization_id, "url": w.url,
            "events": w.events, "created_at": w.created_at })
}

fn delivery_view(d: &webhook_delivery::Model) -> Value {
    json!({ "id": d.id, "webhook_id": d.webhook_id, "event": d.event, "payload": d.payload,
            "status": d.status, "attempts": d.attempts, "next_attempt_at": d.next_attempt_at,
            "last_status": d.last_status, "last_error": d.last_error,
            "delivered_at": d.delivered_at, "created_at": d.created_at })
}

pub async fn list(
    State(app): State<AppState>,
    Path(org): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    organizations::get(&app.db, org).await?;
    let hooks: Vec<Value> = webhooks::for_organization(&app.db, org)
        .await?
        .iter()
        .map(view)
        .collect();
    Ok(axum::Json(json!({ "webhooks": hooks })))
}

pub async fn create(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(org): Path<i64>,
    Json(body): Json<NewWebhook>,
) -> Result<impl IntoResponse, ApiError> {
    let url = checked_url(&body.url)?;
    // A private address is refused now; a name that cannot be resolved yet is taken (the
    // delivery checks again, and says so when it fails).
    if let Ok(parsed) = reqwest::Url::parse(&url)
        && let Err(e @ target::TargetError::Private { .. }) =
            target::resolve(&parsed, app.config.webhooks.allow_private_targets).await
    {
        return Err(ApiError::BadRequest(e.to_string()));
    }
    if body.events.is_empty() {
        return Err(ApiError::BadRequest(format!(
            "name at least one event: {}",
            known_events()
        )));
    }
    for e in &body.events {
        if Event::parse(e).is_none() {
            return Err(ApiError::BadRequest(format!(
                "unknown event {e:?}; the events are {}",
                known_events()
            )));
        }
    }
    organizations::get(&app.db, org).await?;
    let secret = token::generate();
    let hook = webhooks::create(
        &app.db,
        webhooks::NewWebhook {
            organization_id: org,
            url: &url,
            events: body.events,
            secret: &secret,
            created_by: Some(viewer.user.id),
        },
    )
    .await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "webhook_created",
        "webhook",
        Some(hook.id),
        json!({ "organization": org, "url": hook.url, "events": hook.events }),
    )
    .await?;
    let mut out = view(&hook);
    // The only time the secret leaves the server.
    out["secret"] = json!(secret);
    Ok((StatusCode::CREATED, axum::Json(out)))
}

fn known_events() -> String {
    Event::ALL.map(Event::name).join(", ")
}

/// An absolute http(s) URL with a host; nothing else is posted to.
fn checked_url(raw: &str) -> Result<String, ApiError> {
    let url =
        reqwest::Url::parse(raw.trim()).map_err(|e| ApiError::BadRequest(format!("url: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ApiError::BadRequest(
            "url must be an http:// or https:// address with a host".into(),
        ));
    }
    Ok(url.to_string())
}

pub async fn delete(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let hook = webhooks::get(&app.db, id).await?;
    webhooks::delete(&app.db, id).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "webhook_deleted",
        "webhook",
        Some(id),
        json!({ "organization": hook.organization_id, "url": hook.url }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn deliveries(
    State(app): State<AppState>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    webhooks::get(&app.db, id).await?;
    let list: Vec<Value> = webhooks::deliveries(&app.db, id, 200)
        .await?
        .iter()
        .map(delivery_view)
        .collect();
    Ok(axum::Json(json!({ "deliveries": list })))
}

/// Sends a failed delivery again from its first attempt; 409 for one that did not fail.
pub async fn retry(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let d = webhooks::retry(&app.db, id).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "webhook_delivery_retried",
        "webhook_delivery",
        Some(id),
        json!({ "webhook": d.webhook_id, "event": d.event }),
    )
    .await?;
    Ok(axum::Json(delivery_view(&d)))
}

#[cfg(test)]
mod tests {
    use super::checked_url;

    #[test]
    fn only_absolute_http_addresses_are_endpoints() {
        assert_eq!(
            checked_url(" https://hooks.example.com/in ").unwrap(),
            "https://hooks.example.com/in"
        );
        for bad in [
            "ftp://x.example/",
            "not a url",
            "file:///etc/passwd",
            "http://",
        ] {
            assert!(checked_url(bad).is_err(), "{bad}");
        }
    }
}
