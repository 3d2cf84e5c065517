//! Extractors: JSON bodies whose rejections share the `ApiError` format, and the signed-in
//! `Viewer` that the access middleware resolved from the session cookie.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::auth::Role;
use crate::db::entities::user;

/// `axum::Json` with errors as `ApiError`: 400 for malformed JSON, 422 for a well-formed body
/// of the wrong shape, 415 without a JSON content type, 413 over the body limit.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::Unprocessable(e.body_text())),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::BadRequest(e.body_text())),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::Unsupported(
                "send the body as JSON with Content-Type: application/json".into(),
            )),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::TooLarge("the request body is too large".into()))
            }
            Err(e) => Err(ApiError::BadRequest(e.body_text())),
        }
    }
}

/// The signed-in user of this request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: user::Model,
    pub role: Role,
    pub csrf: String,
}

impl Viewer {
    pub fn org(&self) -> Option<i64> {
        self.user.organization_id
    }

    /// The organization a staff member may see: None (every one) for admins.
    pub fn org_scope(&self) -> Option<i64> {
        match self.role {
            Role::Admin => None,
            _ => Some(self.user.organization_id.unwrap_or(-1)),
        }
    }

    pub fn actor(&self) -> crate::db::audit::Actor {
        crate::db::audit::Actor {
            user_id: Some(self.user.id),
            role: self.role.as_str(),
            organization_id: self.user.organization_id,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or(ApiError::Unauthorized)
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Viewer>().cloned())
    }
}
