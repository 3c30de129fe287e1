//! Middleware that speaks the caller's language and turns every bare error into problem+json.

use crate::error::{ApiError, PROBLEM_JSON, REQUEST_LANG};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use healthbook_domain::Lang;

/// Sets the request's language for [`ApiError`]'s renderer, and replaces the plain error
/// responses that layers and the router produce (404, 405, 408, 413, 415) with problem+json,
/// so that every error a client ever sees has the same shape.
pub async fn problem_layer(request: Request, next: Next) -> Response {
    let lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default();
    REQUEST_LANG
        .scope(lang, async move {
            let response = next.run(request).await;
            let status = response.status();
            let is_problem = response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
            let is_upgrade = status == axum::http::StatusCode::SWITCHING_PROTOCOLS;
            if (status.is_client_error() || status.is_server_error()) && !is_problem && !is_upgrade
            {
                ApiError::from_status(status).into_response()
            } else {
                response
            }
        })
        .await
}

/// The router's fallback: an unknown path is a problem+json 404.
pub async fn not_found() -> ApiError {
    ApiError::not_found()
}
