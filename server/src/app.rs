//! Builds the router: every capability's routes, the plumbing layers, the docs.

use crate::http::{body_limit, headers, metrics as http_metrics, problem, unread_body};
use crate::openapi::{ApiDoc, ProblemResponses};
use crate::state::AppState;
use crate::{admin, auth, book, booking, db_circuit, ops, vaccination};
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The API routes with their OpenAPI description, before layers and docs are added.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(ops::health))
        .routes(routes!(ops::ready))
        .routes(routes!(ops::metrics))
        .merge(auth::root_routes())
        .merge(booking::display_routes())
        .nest("/v1", v1_routes())
}

fn v1_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::routes())
        .merge(admin::routes())
        .merge(book::routes())
        .merge(booking::routes())
        .merge(crate::certificates::routes())
        .merge(vaccination::routes())
        .merge(crate::ingest::routes())
}

/// The OpenAPI document alone, for `/openapi.json` and for the snapshot test.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut api = api_routes().into_openapi();
    ProblemResponses.modify(&mut api);
    api
}

pub fn build(state: AppState) -> Router {
    let (router, mut api) = api_routes().split_for_parts();
    ProblemResponses.modify(&mut api);
    let config = state.config.clone();
    let circuit = state.circuit.clone();
    let router = router
        .merge(SwaggerUi::new("/docs").url("/openapi.json", api))
        .fallback(problem::not_found)
        .layer(axum::middleware::from_fn(http_metrics::track))
        .with_state(state);

    let layers = ServiceBuilder::new()
        // Outermost, so that it watches the body as it comes off the connection.
        .layer(axum::middleware::from_fn_with_state(
            config.body_limit,
            unread_body::finish_unread_bodies,
        ))
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
            header::COOKIE,
        ]))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let request_id = request
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or("-")
                        .to_owned();
                    // The route template, never the concrete path or query: those may hold
                    // search text; ids are opaque but the template is all a reader needs.
                    let route = request
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("-", |p| p.as_str())
                        .to_owned();
                    tracing::info_span!(
                        "request",
                        request.id = %request_id,
                        http.method = %request.method(),
                        http.route = %route,
                    )
                })
                .on_request(())
                .on_response(
                    |response: &axum::response::Response,
                     latency: std::time::Duration,
                     _span: &tracing::Span| {
                        tracing::info!(
                            http.status = response.status().as_u16(),
                            latency_ms = latency.as_millis() as u64,
                            "request finished"
                        );
                    },
                ),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(axum::middleware::from_fn(headers::response_headers))
        .layer(axum::middleware::from_fn(problem::problem_layer))
        .layer(axum::middleware::from_fn_with_state(
            circuit,
            db_circuit::guard,
        ))
        .layer(cors(&config.cors_origins))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            config.body_limit,
            body_limit::limit_bodies,
        ))
        .layer(DefaultBodyLimit::max(config.body_limit));
    router.layer(layers)
}

fn cors(origins: &[String]) -> CorsLayer {
    let base = CorsLayer::new()
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::PUT,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT_LANGUAGE,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([REQUEST_ID, header::RETRY_AFTER, header::ETAG]);
    if origins.iter().any(|o| o == "*") {
        return base.allow_origin(Any);
    }
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    base.allow_origin(AllowOrigin::list(allowed))
}
