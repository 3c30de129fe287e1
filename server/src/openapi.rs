//! The OpenAPI 3.1 document, generated from the handlers' annotations.

mod problems;

pub use problems::ProblemResponses;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "HealthBook API",
        description = "The citizen electronic health book: health record, booking, vaccination, \
            certificates and teleconsultation. Errors are RFC 9457 problem+json with a stable \
            `code`; `Accept-Language: vi` or `en` picks the language of `detail`.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "operations", description = "Liveness, readiness, metrics"),
        (name = "auth", description = "Registration, email codes, passkeys, recovery, sign-out"),
        (name = "account", description = "The caller's account: profile, sessions, passkeys, dependents"),
        (name = "admin", description = "Support staff: users, locks, sessions, audit"),
        (name = "facilities", description = "Health facilities and their services"),
        (name = "booking", description = "Schedules, slots, appointments, queue numbers, check-in"),
        (name = "vaccination", description = "Vaccine catalogue, doses and stock"),
        (name = "ingest", description = "Facility systems, their keys, and the intake of their files in the national XML standard"),
        (name = "certificates", description = "Signed health certificates: trust list, revocations, signing key"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("Opaque session token from sign-in"))
                    .build(),
            ),
        );
    }
}
