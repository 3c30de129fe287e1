//! The request body limit, by route: every body is held to `--body-limit` except a facility
//! system's envelope, which the intake streams to disk and bounds itself
//! (`--intake-body-limit`).

use crate::error::ApiError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use healthbook_domain::ProblemCode;

/// The routes that bound their own bodies.
const SELF_BOUNDED: [&str; 1] = [crate::ingest::INTAKE_PATH];

pub async fn limit_bodies(State(limit): State<usize>, request: Request, next: Next) -> Response {
    if SELF_BOUNDED.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::PayloadTooLarge)
            .into_response();
    }
    // A body that says less than it sends is cut at the limit; the extractors answer 413.
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}
