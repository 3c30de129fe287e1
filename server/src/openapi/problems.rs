//! The error responses every operation can give, added to the whole document at once.
//!
//! The handlers' annotations declare what is particular to them (`slot_full`, a 404 for a
//! foreign id). What the plumbing answers — the session extractor, the JSON and query
//! extractors, the body limit, the rate limiter, the database circuit — is the same for
//! every route that goes through it, so it is declared here, by what the operation has
//! (a security requirement, a body, parameters), never by hand on each handler.

use crate::db_circuit::needs_database;
use crate::error::{PROBLEM_JSON, ProblemBody};
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn, PathItem};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response};
use utoipa::{Modify, PartialSchema, ToSchema};

/// Operations whose path starts so are rate-limited per client address and per account
/// when they are open to anyone (`crate::auth::limits`): registration, codes, passkey
/// sign-in, recovery, staff enrolment.
const RATE_LIMITED_PREFIX: &str = "/v1/auth/";

const MALFORMED: &str = "`malformed_json`: the body is not JSON (the detail names line and column)";
const NOT_A_UUID: &str = "an id in the path is not a UUID";

pub struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut schemas = vec![(
            ProblemBody::name().into_owned(),
            <ProblemBody as PartialSchema>::schema(),
        )];
        <ProblemBody as ToSchema>::schemas(&mut schemas);
        components.schemas.extend(schemas);

        for (path, item) in openapi.paths.paths.iter_mut() {
            for operation in operations(item) {
                declare(path, operation);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

fn declare(path: &str, operation: &mut Operation) {
    let has = |wanted: &dyn Fn(&Parameter) -> bool| {
        operation.parameters.iter().flatten().any(|p| match p {
            RefOr::T(p) => wanted(p),
            RefOr::Ref(_) => false,
        })
    };
    let in_path = has(&|p| p.parameter_in == ParameterIn::Path);
    // Query strings and `Idempotency-Key` are read by extractors that name the bad one in a
    // 422; conditional headers (`If-None-Match`) are only compared.
    let checked_params = has(&|p| {
        p.parameter_in == ParameterIn::Query
            || (p.parameter_in == ParameterIn::Header
                && p.name.eq_ignore_ascii_case("idempotency-key"))
    });
    let json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|body| match body {
            RefOr::T(body) => body.content.keys().any(|media| media.ends_with("json")),
            RefOr::Ref(_) => true,
        });
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());

    let mut add = |status: u16, description: &str| {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(Response::new(description)));
    };
    match (json_body, in_path) {
        (true, false) => add(400, MALFORMED),
        (true, true) => add(400, &format!("{MALFORMED}; `bad_request`: {NOT_A_UUID}")),
        (false, true) => add(400, &format!("`bad_request`: {NOT_A_UUID}")),
        (false, false) => {}
    }
    if json_body {
        add(
            413,
            "`payload_too_large`: the body is over the server's limit",
        );
        add(
            415,
            "`unsupported_media_type`: the body is not `application/json`",
        );
    }
    if secured {
        add(
            401,
            "`unauthenticated`: no session, or one that expired or was revoked",
        );
        add(
            403,
            "`forbidden` (an enrolment session, or a role that never allows this) or `step_up_required` (a passkey session is needed)",
        );
    }
    if in_path {
        add(
            404,
            "`not_found`: no such resource, or one the caller may not see",
        );
    }
    if json_body || checked_params {
        add(
            422,
            "`validation_failed`: `errors` names each invalid field or parameter",
        );
    }
    if !secured && path.starts_with(RATE_LIMITED_PREFIX) {
        add(
            429,
            "`rate_limited`: too many attempts from this address or for this account; see `Retry-After`",
        );
    }
    if needs_database(path) {
        add(
            503,
            "`service_unavailable`: the database, the cache or the rate limiter cannot be reached; see `Retry-After`",
        );
    }

    // Every error is a problem: one schema, whatever the handler's annotation said.
    for (status, response) in operation.responses.responses.iter_mut() {
        let is_error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(response)) = (is_error, response) {
            if matches!(status.as_str(), "429" | "503") {
                response
                    .headers
                    .entry("Retry-After".to_owned())
                    .or_insert_with(retry_after);
            }
            response.content.insert(
                PROBLEM_JSON.to_owned(),
                RefOr::T(Content::new(Some(Ref::from_schema_name(
                    ProblemBody::name(),
                )))),
            );
        }
    }
}

fn retry_after() -> RefOr<Header> {
    let mut header = Header::new(
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1)),
    );
    header.description = Some("Seconds to wait before trying again".to_owned());
    RefOr::T(header)
}
