//! An NDJSON file of Immunizations (`application/fhir+ndjson`), read line by line as it
//! arrives: memory holds one line at a time, the body is bounded by the server's body limit,
//! and each line is its own transaction, so a refused line costs nothing of the others and a
//! file sent again imports nothing twice.
//!
//! The report counts what happened and names each refused line by its number, its source id
//! and a stable reason: never the person's national identifier, name or birth date, which
//! neither the report nor the log carries.

use super::import::{self, Failure, Outcome};
use super::{ImportQuery, importing_facility};
use crate::auth::actor::Actor;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use futures::StreamExt;
use healthbook_domain::fhir::exchange::{Refusal, parse_immunization, source_id};
use sea_orm::TransactionTrait;
use serde::Serialize;
use uuid::Uuid;

/// The longest line read: a dose is a few hundred bytes; a longer line is refused whole.
const MAX_LINE: usize = 64 * 1024;

/// What a bulk import did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Lines read, blank lines left out.
    pub lines: u32,
    /// Lines whose person was found and whose dose was written or found as sent before.
    pub matched: u32,
    pub created: u32,
    pub corrected: u32,
    pub unchanged: u32,
    pub withdrawn: u32,
    pub refused: u32,
    /// Each refused line, in order.
    pub refusals: Vec<RefusedLine>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RefusedLine {
    /// The line's number in the file, from 1.
    pub line: u32,
    /// The source system's id of the dose, when the line names one.
    pub source_id: Option<String>,
    /// A stable problem code (`fhir_patient_not_matched`, `fhir_unknown_vaccine_code`, …).
    pub reason: String,
}

/// Historic doses, one FHIR R4 Immunization per line.
#[utoipa::path(post, path = "/fhir/Immunization/$import", tag = "vaccination", security(("bearer" = [])),
    params(ImportQuery),
    request_body(content = String, content_type = "application/fhir+ndjson", description = "One FHIR R4 Immunization per line"),
    responses(
        (status = 200, description = "What was matched, created, corrected, unchanged, withdrawn and refused, and why", body = ImportReport),
        (status = 403, description = "`forbidden`: the caller is not a vaccinator of the facility", content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than the server's body limit", content_type = "application/problem+json"),
    ))]
pub async fn import_immunizations_ndjson(
    State(state): State<AppState>,
    actor: Actor,
    crate::http::ValidQuery(query): crate::http::ValidQuery<ImportQuery>,
    body: Body,
) -> ApiResult<Json<ImportReport>> {
    let facility = importing_facility(&state, &actor, query.facility_id).await?;
    let mut report = ImportReport::default();
    let mut stream = body.into_data_stream();
    let mut line: Vec<u8> = Vec::new();
    let mut number: u32 = 0;
    let mut too_long = false;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::from_status(axum::http::StatusCode::PAYLOAD_TOO_LARGE))?;
        for piece in chunk.split_inclusive(|b| *b == b'\n') {
            let ends = piece.last() == Some(&b'\n');
            let piece = if ends {
                &piece[..piece.len() - 1]
            } else {
                piece
            };
            if line.len() + piece.len() > MAX_LINE {
                too_long = true;
                line.clear();
            } else if !too_long {
                line.extend_from_slice(piece);
            }
            if ends {
                number += 1;
                one_line(
                    &state,
                    &actor,
                    facility,
                    &line,
                    too_long,
                    number,
                    &mut report,
                )
                .await?;
                line.clear();
                too_long = false;
            }
        }
    }
    if !line.is_empty() || too_long {
        number += 1;
        one_line(
            &state,
            &actor,
            facility,
            &line,
            too_long,
            number,
            &mut report,
        )
        .await?;
    }
    tracing::info!(
        lines = report.lines,
        created = report.created,
        corrected = report.corrected,
        unchanged = report.unchanged,
        withdrawn = report.withdrawn,
        refused = report.refused,
        "immunizations imported"
    );
    Ok(Json(report))
}

async fn one_line(
    state: &AppState,
    actor: &Actor,
    facility: Uuid,
    line: &[u8],
    too_long: bool,
    number: u32,
    report: &mut ImportReport,
) -> Result<(), ApiError> {
    let text = String::from_utf8_lossy(line);
    let text = text.trim();
    if text.is_empty() && !too_long {
        return Ok(());
    }
    report.lines += 1;
    let now = state.clock.now();
    let parsed = if too_long {
        Err(Refusal::Malformed)
    } else {
        parse_immunization(text, now)
    };
    let imported = match parsed {
        Ok(imported) => imported,
        Err(refusal) => {
            let source = (!too_long).then(|| source_id(text)).flatten();
            refuse(report, number, source.map(|s| s.value), refusal);
            return Ok(());
        }
    };
    let txn = state.db.begin().await?;
    match import::import(state, &txn, actor, facility, &imported, now).await {
        Ok(outcome) => {
            txn.commit().await?;
            report.matched += 1;
            match outcome {
                Outcome::Created(_) => report.created += 1,
                Outcome::Corrected(_) => report.corrected += 1,
                Outcome::Unchanged(_) => report.unchanged += 1,
                Outcome::Withdrawn(_) => report.withdrawn += 1,
            }
            Ok(())
        }
        Err(Failure::Refused(refusal)) => {
            txn.rollback().await?;
            refuse(
                report,
                number,
                Some(imported.source().value.clone()),
                refusal,
            );
            Ok(())
        }
        // A conflict with another write (the same resource imported at the same moment) is
        // this line's, not the file's.
        Err(Failure::Error(error)) if error.status.is_client_error() => {
            txn.rollback().await?;
            report.refused += 1;
            report.refusals.push(RefusedLine {
                line: number,
                source_id: Some(imported.source().value.clone()),
                reason: error.code.to_owned(),
            });
            Ok(())
        }
        Err(Failure::Error(error)) => {
            txn.rollback().await?;
            Err(error)
        }
    }
}

fn refuse(report: &mut ImportReport, line: u32, source_id: Option<String>, refusal: Refusal) {
    report.refused += 1;
    report.refusals.push(RefusedLine {
        line,
        source_id,
        reason: refusal.as_str().to_owned(),
    });
}
