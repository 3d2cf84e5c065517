//! Signing in and out, practice sign-up, and the one-time first-admin set-up.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::access::{clear_cookies, start_session};
use super::error::ApiError;
use super::extract::{Json, Viewer};
use super::pages;
use crate::app::AppState;
use crate::auth::{Role, normalize_email, password, token};
use crate::db::audit::Actor;
use crate::db::{self, bootstrap, users};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    email: String,
    password: String,
}

pub async fn login(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(body): Json<Credentials>,
) -> Result<Response, ApiError> {
    let email = normalize_email(&body.email).unwrap_or_default();
    let keys = [format!("email:{email}"), format!("ip:{}", peer.ip())];
    let now = Instant::now();
    if let Some(wait) = keys
        .iter()
        .filter_map(|k| app.login_limiter.retry_after(k, now))
        .max()
    {
        return Err(ApiError::TooManyRequests(wait.as_secs().max(1)));
    }
    let user = users::by_email(&app.db, &email)
        .await?
        .filter(|u| !u.disabled);
    let candidate = body.password.clone();
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    // argon2 is deliberately slow: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || match stored {
        Some(h) => password::verify(&candidate, &h),
        None => {
            password::verify_dummy(&candidate);
            false
        }
    })
    .await
    .map_err(ApiError::internal)?;
    let account = user.as_ref().map(|u| u.id);
    let (Some(user), true) = (user, ok) else {
        for k in &keys {
            app.login_limiter.record_failure(k, now);
        }
        // The account by id, never the address typed: the log outlives an erasure.
        db::audit::record(
            &app.db,
            &Actor {
                user_id: None,
                role: "anonymous",
                organization_id: None,
            },
            "login_failed",
            "user",
            account,
            json!({ "known_account": account.is_some() }),
        )
        .await?;
        return Err(ApiError::BadCredentials);
    };
    app.login_limiter.reset(&keys[0]);
    signed_in(&app, user, "login").await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signup {
    email: String,
    password: String,
    name: String,
}

/// Practice accounts only: hiring interviews are reached through invitations.
pub async fn signup(
    State(app): State<AppState>,
    Json(body): Json<Signup>,
) -> Result<Response, ApiError> {
    let account = checked_account(&body.email, &body.name, body.password).await?;
    let user = users::create(&app.db, account.user(None, Role::Candidate)).await?;
    signed_in(&app, user, "signup").await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    token: String,
    email: String,
    password: String,
    name: String,
}

pub async fn setup_page(
    State(app): State<AppState>,
    Path(tok): Path<String>,
) -> Result<Response, ApiError> {
    if token::looks_valid(&tok)
        && bootstrap::is_valid(&app.db, &token::hash(&tok), bootstrap::FIRST_ADMIN).await?
    {
        Ok(Html(pages::SETUP).into_response())
    } else {
        Ok(pages::message(StatusCode::GONE, "This set-up link is no longer valid", "It was already used or has expired. Restart the server on an empty database for a new one, or ask an admin for an account.").into_response())
    }
}

/// Creates the first admin with the one-time link printed at start-up.
pub async fn setup(
    State(app): State<AppState>,
    Json(body): Json<Setup>,
) -> Result<Response, ApiError> {
    let account = checked_account(&body.email, &body.name, body.password).await?;
    if !token::looks_valid(&body.token)
        || !bootstrap::consume(&app.db, &token::hash(&body.token), bootstrap::FIRST_ADMIN).await?
    {
        return Err(ApiError::Gone(
            "this set-up link was already used or has expired".into(),
        ));
    }
    let user = users::create(&app.db, account.user(None, Role::Admin)).await?;
    signed_in(&app, user, "first_admin_created").await
}

pub async fn logout(
    State(app): State<AppState>,
    viewer: Viewer,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(raw) = super::access::cookie(&headers, super::access::SESSION_COOKIE) {
        db::auth_sessions::delete(&app.db, &token::hash(raw)).await?;
    }
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "logout",
        "user",
        Some(viewer.user.id),
        json!({}),
    )
    .await?;
    let [a, b] = clear_cookies();
    Ok((
        AppendHeaders([(header::SET_COOKIE, a), (header::SET_COOKIE, b)]),
        Json0(json!({ "ok": true })),
    )
        .into_response())
}

pub async fn me(viewer: Viewer) -> impl IntoResponse {
    Json0(json!({
        "id": viewer.user.id,
        "email": viewer.user.email,
        "name": viewer.user.display_name,
        "role": viewer.role.as_str(),
        "organization_id": viewer.user.organization_id,
        "csrf": viewer.csrf,
    }))
}

use axum::Json as Json0;

async fn signed_in(
    app: &AppState,
    user: crate::db::entities::user::Model,
    action: &str,
) -> Result<Response, ApiError> {
    let role =
        Role::parse(&user.role).ok_or_else(|| ApiError::internal("user with unknown role"))?;
    let [a, b] = start_session(app, user.id).await?;
    let actor = Actor {
        user_id: Some(user.id),
        role: role.as_str(),
        organization_id: user.organization_id,
    };
    db::audit::record(&app.db, &actor, action, "user", Some(user.id), json!({})).await?;
    let body = json!({
        "user": { "id": user.id, "email": user.email, "name": user.display_name, "role": role.as_str() },
        "redirect": home_of(role),
    });
    users::touch_login(&app.db, user).await?;
    Ok((
        AppendHeaders([(header::SET_COOKIE, a), (header::SET_COOKIE, b)]),
        Json0(body),
    )
        .into_response())
}

pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Admin => "/admin",
        Role::Recruiter => "/recruiter",
        Role::Candidate => "/practice",
    }
}

/// A new account's checked e-mail address and name, and the argon2id hash of its password.
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub password_hash: String,
}

impl NewAccount {
    pub fn user(&self, organization_id: Option<i64>, role: Role) -> users::NewUser<'_> {
        users::NewUser {
            organization_id,
            email: &self.email,
            password_hash: Some(self.password_hash.clone()),
            role,
            display_name: &self.name,
        }
    }
}

pub async fn checked_account(
    email: &str,
    name: &str,
    password: String,
) -> Result<NewAccount, ApiError> {
    let email = normalize_email(email)
        .ok_or_else(|| ApiError::Unprocessable("enter a valid e-mail address".into()))?;
    let name = checked_name(name)?;
    let password_hash = hash_password(password).await?;
    Ok(NewAccount {
        email,
        name,
        password_hash,
    })
}

pub async fn hash_password(pw: String) -> Result<String, ApiError> {
    password::check_policy(&pw).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

pub fn checked_name(name: &str) -> Result<String, ApiError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 120 || n.chars().any(char::is_control) {
        return Err(ApiError::Unprocessable(
            "enter a name of 1 to 120 characters".into(),
        ));
    }
    Ok(n.to_string())
}
