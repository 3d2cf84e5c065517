//! Authorization, deny by default. Every route is declared with an `Access` policy in
//! `routes::table()`, and the router is built from that table only, so no handler runs
//! without this middleware deciding first. Object-level checks (whose interview, which
//! organization) follow in the handlers through `db` scoping.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;

use super::error::ApiError;
use super::extract::Viewer;
use crate::app::AppState;
use crate::auth::{Role, token};
use crate::db;

pub const SESSION_COOKIE: &str = "iv_session";
pub const CSRF_COOKIE: &str = "iv_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone; bearer-token routes (invitation, set-up link) check their token themselves.
    Public,
    /// Any signed-in user.
    SignedIn,
    Candidate,
    /// Recruiters (their organization) and admins (every organization): reading.
    Staff,
    /// Recruiters only: configuring roles and inviting.
    Recruiter,
    Admin,
}

impl Access {
    pub fn allows(self, role: Option<Role>) -> Result<(), ApiError> {
        let Some(role) = role else {
            return if self == Access::Public {
                Ok(())
            } else {
                Err(ApiError::Unauthorized)
            };
        };
        let ok = match self {
            Access::Public | Access::SignedIn => true,
            Access::Candidate => role == Role::Candidate,
            Access::Staff => matches!(role, Role::Recruiter | Role::Admin),
            Access::Recruiter => role == Role::Recruiter,
            Access::Admin => role == Role::Admin,
        };
        if ok {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this needs the {} role",
                self.needs()
            )))
        }
    }

    fn needs(self) -> &'static str {
        match self {
            Access::Public | Access::SignedIn => "any",
            Access::Candidate => "candidate",
            Access::Staff => "recruiter or admin",
            Access::Recruiter => "recruiter",
            Access::Admin => "admin",
        }
    }
}

/// The middleware every route passes through.
pub async fn authorize(
    State((app, access)): State<(AppState, Access)>,
    mut req: Request,
    next: Next,
) -> Response {
    let viewer = match viewer_of(&app, req.headers()).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let is_page = !req
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|p| p.as_str().starts_with("/api/"));
    if let Err(e) = access.allows(viewer.as_ref().map(|v| v.role)) {
        if is_page && matches!(e, ApiError::Unauthorized) && req.method() == Method::GET {
            let next_path = req.uri().path().to_string();
            return Redirect::to(&format!("/login?next={}", urlencode(&next_path))).into_response();
        }
        return e.into_response();
    }
    if let Err(e) = check_csrf(req.method(), req.headers(), viewer.as_ref()) {
        return e.into_response();
    }
    if let Some(v) = viewer {
        req.extensions_mut().insert(v);
    }
    next.run(req).await
}

async fn viewer_of(app: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, ApiError> {
    let Some(raw) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    if !token::looks_valid(raw) {
        return Ok(None);
    }
    let found = db::auth_sessions::find_valid(&app.db, &token::hash(raw)).await?;
    Ok(found.and_then(|(session, user)| {
        let role = Role::parse(&user.role)?;
        Some(Viewer {
            user,
            role,
            csrf: session.csrf_token,
        })
    }))
}

/// Cross-site requests that change state are refused twice over: a foreign Origin is
/// rejected, and a signed-in request must echo the session's CSRF token in a header, which
/// another site cannot read.
fn check_csrf(
    method: &Method,
    headers: &HeaderMap,
    viewer: Option<&Viewer>,
) -> Result<(), ApiError> {
    let upgrade = headers.get(header::UPGRADE).is_some();
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) && !upgrade {
        return Ok(());
    }
    if let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        let origin = origin.to_str().unwrap_or_default();
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        if origin_host != host.to_str().unwrap_or_default() {
            return Err(ApiError::Forbidden("cross-origin request refused".into()));
        }
    }
    if upgrade {
        return Ok(());
    }
    if let Some(v) = viewer {
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        if !token::constant_time_eq(sent, &v.csrf) {
            return Err(ApiError::Forbidden(format!(
                "missing or wrong {CSRF_HEADER} header; reload the page"
            )));
        }
    }
    Ok(())
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Starts a session: stores the token's hash and returns the two cookies to set (the
/// HttpOnly session and the script-readable CSRF token).
pub async fn start_session(app: &AppState, user_id: i64) -> Result<[HeaderValue; 2], ApiError> {
    let (tok, csrf) = (token::generate(), token::generate());
    let ttl = chrono::Duration::hours(app.config.server.session_ttl_hours);
    db::auth_sessions::create(
        &app.db,
        user_id,
        &token::hash(&tok),
        &csrf,
        Utc::now() + ttl,
    )
    .await?;
    let secure = if app.config.server.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let age = ttl.num_seconds();
    let session =
        format!("{SESSION_COOKIE}={tok}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}");
    let csrf = format!("{CSRF_COOKIE}={csrf}; Path=/; SameSite=Lax; Max-Age={age}{secure}");
    Ok([
        HeaderValue::from_str(&session).map_err(ApiError::internal)?,
        HeaderValue::from_str(&csrf).map_err(ApiError::internal)?,
    ])
}

pub fn clear_cookies() -> [HeaderValue; 2] {
    [
        HeaderValue::from_static("iv_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
        HeaderValue::from_static("iv_csrf=; Path=/; SameSite=Lax; Max-Age=0"),
    ]
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_matrix() {
        use Role::*;
        assert!(Access::Public.allows(None).is_ok());
        assert!(matches!(
            Access::SignedIn.allows(None),
            Err(ApiError::Unauthorized)
        ));
        assert!(Access::Staff.allows(Some(Admin)).is_ok());
        assert!(Access::Staff.allows(Some(Candidate)).is_err());
        assert!(Access::Recruiter.allows(Some(Admin)).is_err());
        assert!(Access::Admin.allows(Some(Recruiter)).is_err());
        assert!(Access::Candidate.allows(Some(Recruiter)).is_err());
    }

    #[test]
    fn cookies_parse() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; iv_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "zzz"), None);
    }

    #[test]
    fn foreign_origin_is_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(check_csrf(&Method::POST, &h, None).is_err());
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(check_csrf(&Method::POST, &h, None).is_ok());
        assert!(check_csrf(&Method::GET, &h, None).is_ok());
    }
}
