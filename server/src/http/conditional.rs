//! Conditional GETs: a JSON answer with its `ETag` and `Cache-Control`, or `304 Not Modified`
//! when the caller's `If-None-Match` already names it. Shared by the signed lists and the
//! public availability, which phones and portals poll.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Whether the request's `If-None-Match` names `etag` (weak comparison, `*` too).
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// `body` (JSON) tagged `etag`, or `304` when the caller already has it.
pub fn respond(
    request: &HeaderMap,
    etag: &str,
    cache_control: &'static str,
    body: impl IntoResponse,
) -> Response {
    let mut response = if not_modified(request, etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let etag = "\"trust-list-v3\"";
        assert!(not_modified(&headers("\"trust-list-v3\""), etag));
        assert!(not_modified(&headers("W/\"trust-list-v3\""), etag));
        assert!(not_modified(&headers("\"x\", \"trust-list-v3\""), etag));
        assert!(not_modified(&headers("*"), etag));
        assert!(!not_modified(&headers("\"trust-list-v2\""), etag));
        assert!(!not_modified(&HeaderMap::new(), etag));
    }
}
