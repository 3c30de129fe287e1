//! Headers every response carries: no caching unless the route is public reference data, and
//! no content sniffing.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

/// Routes whose GET answers are the same for everyone and hold nothing personal: the only
/// ones a browser, a phone's HTTP cache or a proxy may keep. Everything else — sign-in
/// answers, tokens, anything about a person — is `no-store`. A route missing here is merely
/// not cached; a route wrongly added here could leave personal data on a shared disk, so
/// the list names routes one by one.
const PUBLIC_GETS: &[&str] = &[
    "/v1/availability",
    "/v1/facilities",
    "/v1/facilities/{fid}",
    "/v1/facilities/{fid}/closures",
    "/v1/facilities/{fid}/practitioners",
    "/v1/facilities/{fid}/schedules",
    "/v1/facilities/{fid}/slots",
    "/v1/vaccines",
    "/v1/trust-list",
    "/v1/trust-list/signing-key",
    "/v1/revocations",
    "/openapi.json",
    "/.well-known/assetlinks.json",
    "/.well-known/apple-app-site-association",
];

/// Swagger UI's page and assets.
const DOCS: &str = "/docs";

pub async fn response_headers(request: Request, next: Next) -> Response {
    let public = is_public(request.method(), request.extensions().get::<MatchedPath>());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !public {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn is_public(method: &Method, route: Option<&MatchedPath>) -> bool {
    let Some(route) = route.map(MatchedPath::as_str) else {
        return false;
    };
    (method == Method::GET || method == Method::HEAD)
        && (PUBLIC_GETS.contains(&route) || route == DOCS || route.starts_with("/docs/"))
}
