//! `POST /v1/ingest/encounters`: a facility system sends a `GIAMDINHHS` envelope. The body
//! goes to disk as it arrives (hashed, bounded); a first read checks every visit; only if all
//! pass does a second read put them in the books, in one transaction — so a file that fails
//! changes nothing in any book. Either way the file and its receipt are kept.

use super::batch;
use super::caller::FacilitySystem;
use super::entities::intake_receipt;
use super::import::{Files, take_in};
use super::spool::{Spooled, spool};
use crate::auth::limits::{self, INTAKE_PER_FACILITY};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use healthbook_domain::FieldIssue;
use healthbook_domain::ProblemCode;
use healthbook_domain::ingest::{
    BatchEnvelope, IntakeBatch, IntakeReceipt, IntakeWarning, ReceiptRecord, SignatureCheck,
};
use healthbook_domain::xml130::{self, EnvelopeError, EnvelopeReader, Limits, Report, Visit};
use healthbook_domain::xmldsig::{self, Flaw, Verdict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::io::BufReader;
use std::path::PathBuf;
use uuid::Uuid;

/// Names the receipt of a refused envelope, which the problem body has no place for.
pub const RECEIPT_HEADER: &str = "healthbook-receipt";

/// Takes in an envelope of visits in the national XML standard.
#[utoipa::path(post, path = "/ingest/encounters", tag = "ingest", security(("bearer" = [])),
    request_body(
        description = "A `GIAMDINHHS` envelope (QĐ 130/4750/3176), UTF-8, sent with the facility system's key as the bearer token; or several, as the parts of a `multipart/mixed` body (each part `Content-Type: application/xml`, at most 100)",
        content(
            (String = "application/xml"),
            (String = "multipart/mixed"),
        )),
    responses(
        (status = 200, description = "A batch: each envelope's outcome, in order, each taken in or refused on its own", body = IntakeBatch),
        (status = 201, description = "Every visit passed: each imported, waiting for its citizen's book, or unchanged", body = IntakeReceipt),
        (status = 400, description = "`bad_request`: the body stopped before its end (the connection dropped), or a batch is not a well-formed `multipart/mixed` body", content_type = "application/problem+json"),
        (status = 401, description = "No live key of a facility system", content_type = "application/problem+json"),
        (status = 409, description = "`intake_conflict`: the same visit was being taken in at the same moment; send again", content_type = "application/problem+json"),
        (status = 413, description = "Larger than `--intake-body-limit`, or a batch of more than 100 envelopes", content_type = "application/problem+json"),
        (status = 415, description = "Not `application/xml`, `text/xml` or `multipart/mixed` of those", content_type = "application/problem+json"),
        (status = 422, description = "`envelope_refused`: every problem, by visit and field, or an invalid signature (field `CHUKYDONVI`); nothing written to any book; the `HealthBook-Receipt` header names the kept receipt", content_type = "application/problem+json"),
        (status = 429, description = "Too many envelopes from the facility", content_type = "application/problem+json"),
    ))]
pub async fn receive_encounters(
    State(state): State<AppState>,
    system: FacilitySystem,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let limit = state.config.intake_body_limit as u64;
    let dir = state.config.data_dir.join("intake");
    if let Some(boundary) = batch::boundary(content_type) {
        let parts = batch::spool_parts(body, &boundary, &dir, limit).await?;
        // Every envelope counts against the facility's limit, and all are counted before
        // any is taken in: a batch over the limit takes in nothing.
        for _ in &parts {
            limits::check(&state, INTAKE_PER_FACILITY, &system.facility_id.to_string()).await?;
        }
        let mut envelopes = Vec::with_capacity(parts.len());
        for (index, spooled) in parts.into_iter().enumerate() {
            // A failure here (a visit taken in by another request at the same moment) leaves
            // the envelopes before it taken in: resending the batch is safe, as they answer
            // `unchanged`.
            let entry = match take_envelope(&state, &system, spooled, &dir).await? {
                Taken::Accepted(receipt) => BatchEnvelope {
                    index: index + 1,
                    outcome: "accepted".to_owned(),
                    receipt_id: receipt.id,
                    receipt: Some(*receipt),
                    problems: Vec::new(),
                },
                Taken::Refused { receipt, fields } => BatchEnvelope {
                    index: index + 1,
                    outcome: "refused".to_owned(),
                    receipt_id: receipt,
                    receipt: None,
                    problems: fields
                        .iter()
                        .map(|f| IntakeWarning {
                            field: f.field.clone(),
                            code: f.code.clone(),
                        })
                        .collect(),
                },
            };
            envelopes.push(entry);
        }
        return Ok((StatusCode::OK, Json(IntakeBatch { envelopes })).into_response());
    }
    if !batch::is_xml(content_type) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemCode::UnsupportedMediaType,
        ));
    }
    limits::check(&state, INTAKE_PER_FACILITY, &system.facility_id.to_string()).await?;
    let spooled = spool(body, &dir, limit).await?;
    match take_envelope(&state, &system, spooled, &dir).await? {
        Taken::Accepted(receipt) => Ok((StatusCode::CREATED, Json(*receipt)).into_response()),
        Taken::Refused { receipt, fields } => {
            let mut response = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ProblemCode::EnvelopeRefused,
            )
            .with_fields(fields)
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&receipt.to_string()) {
                response.headers_mut().insert(RECEIPT_HEADER, value);
            }
            Ok(response)
        }
    }
}

/// What became of one envelope.
enum Taken {
    Accepted(Box<IntakeReceipt>),
    /// Nothing written to any book; the receipt and the file are kept.
    Refused {
        receipt: Uuid,
        fields: Vec<FieldError>,
    },
}

/// One spooled envelope checked, its signature verified, and taken in or refused.
async fn take_envelope(
    state: &AppState,
    system: &FacilitySystem,
    spooled: Spooled,
    dir: &std::path::Path,
) -> ApiResult<Taken> {
    let limits = Limits {
        max_envelope_bytes: state.config.intake_body_limit as u64,
        ..Limits::default()
    };
    let now = state.clock.now();
    let receipt = Uuid::now_v7();
    let path = spooled.path().to_owned();
    let code = system.facility_code.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(path).map_err(ApiError::internal)?;
        Ok::<_, ApiError>(xml130::validate(BufReader::new(file), &code, limits))
    })
    .await
    .map_err(ApiError::internal)??;
    let report = match checked {
        Ok(report) if report.accepted() => report,
        refused => {
            let kept = Kept::refused(&refused, problems(&refused), None);
            return refuse(state, system, receipt, spooled, kept, dir, now).await;
        }
    };
    let (signature, flaw) = check_signature(spooled.path(), report.signed, limits, now).await?;
    if let Some(flaw) = flaw {
        let fields = FieldError::all(vec![FieldIssue::of("CHUKYDONVI", &flaw)]);
        let kept = Kept::refused(&Ok(report), fields, Some(signature));
        return refuse(state, system, receipt, spooled, kept, dir, now).await;
    }
    let kept = Kept {
        outcome: "accepted",
        visits: report.visits.len(),
        signed: report.signed,
        signature: Some(signature),
        fields: Vec::new(),
    };
    let answer = import(state, system, receipt, &spooled, kept, limits, now).await?;
    spooled.keep(dir).await?;
    tracing::info!(
        receipt = %receipt,
        facility = %system.facility_id,
        visits = answer.visits.len(),
        "envelope taken in"
    );
    Ok(Taken::Accepted(Box::new(answer)))
}

/// Every problem of a refused envelope, as the 422's fields and as the receipt keeps them.
fn problems(checked: &Result<Report, EnvelopeError>) -> Vec<FieldError> {
    match checked {
        Err(error) => vec![FieldError::new(
            "envelope",
            error.code(),
            Text::new(
                format!("Không đọc được tệp ({}).", error.code()),
                format!("The file could not be read ({}).", error.code()),
            ),
        )],
        Ok(report) if report.visits.is_empty() => vec![FieldError::new(
            "envelope",
            "xml_no_visits",
            Text::new("Tệp không có hồ sơ nào.", "The file holds no visit."),
        )],
        Ok(report) => FieldError::all(
            report
                .visits
                .iter()
                .flat_map(|v| v.problems.iter().cloned())
                .collect(),
        ),
    }
}

/// What a receipt keeps besides the file: the outcome's counts, the signature as checked
/// (`None`: the envelope was refused before it was looked at) and a refusal's problems.
struct Kept {
    outcome: &'static str,
    visits: usize,
    signed: bool,
    signature: Option<SignatureCheck>,
    fields: Vec<FieldError>,
}

impl Kept {
    fn refused(
        checked: &Result<Report, EnvelopeError>,
        fields: Vec<FieldError>,
        signature: Option<SignatureCheck>,
    ) -> Kept {
        let (visits, signed) = match checked {
            Ok(report) => (report.visits.len(), report.signed),
            Err(_) => (0, false),
        };
        Kept {
            outcome: "refused",
            visits,
            signed,
            signature,
            fields,
        }
    }
}

/// The facility's signature, checked by reading the kept file again (twice over); only for
/// an envelope that passed and whose `CHUKYDONVI` holds something. A flaw refuses the file.
async fn check_signature(
    path: &std::path::Path,
    signed: bool,
    limits: Limits,
    now: DateTime<Utc>,
) -> ApiResult<(SignatureCheck, Option<Flaw>)> {
    if !signed {
        return Ok((SignatureCheck::absent(), None));
    }
    let path = path.to_owned();
    let verdict = tokio::task::spawn_blocking(move || {
        xmldsig::verify(
            || std::fs::File::open(&path).map(BufReader::new),
            limits.max_depth,
        )
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let flaw = match verdict {
        Some(Verdict::Invalid(flaw)) => Some(flaw),
        _ => None,
    };
    Ok((SignatureCheck::of(signed, verdict.as_ref(), now), flaw))
}

async fn refuse(
    state: &AppState,
    system: &FacilitySystem,
    receipt: Uuid,
    spooled: Spooled,
    kept: Kept,
    dir: &std::path::Path,
    now: DateTime<Utc>,
) -> ApiResult<Taken> {
    insert_receipt(&state.db, system, receipt, &spooled, &kept, now).await?;
    spooled.keep(dir).await?;
    tracing::info!(receipt = %receipt, facility = %system.facility_id, "envelope refused");
    Ok(Taken::Refused {
        receipt,
        fields: kept.fields,
    })
}

async fn insert_receipt(
    db: &impl ConnectionTrait,
    system: &FacilitySystem,
    id: Uuid,
    spooled: &Spooled,
    kept: &Kept,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let problems: Vec<_> = kept
        .fields
        .iter()
        .map(|f| json!({ "field": f.field, "code": f.code }))
        .collect();
    let signature = kept
        .signature
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(ApiError::internal)?;
    intake_receipt::Entity::insert(intake_receipt::ActiveModel {
        id: Set(id),
        system_id: Set(system.account_id),
        facility_id: Set(system.facility_id),
        envelope_hash: Set(spooled.hash.clone()),
        size: Set(i64::try_from(spooled.size).unwrap_or(i64::MAX)),
        outcome: Set(kept.outcome.to_owned()),
        visits: Set(i32::try_from(kept.visits).unwrap_or(i32::MAX)),
        signed: Set(kept.signed),
        signature: Set(signature),
        problems: Set(serde_json::Value::Array(problems).to_string()),
        received_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The second read: each visit, as it comes off the file, into its book, all in one
/// transaction with the receipt. A reader thread hands the visits over one or two at a time.
async fn import(
    state: &AppState,
    system: &FacilitySystem,
    receipt: Uuid,
    spooled: &Spooled,
    kept: Kept,
    limits: Limits,
    now: DateTime<Utc>,
) -> Result<IntakeReceipt, ApiError> {
    let (sender, mut visits) = tokio::sync::mpsc::channel::<Result<(Visit, Files), ApiError>>(2);
    let path: PathBuf = spooled.path().to_owned();
    let code = system.facility_code.clone();
    let reader = tokio::task::spawn_blocking(move || {
        let read = || -> Result<(), ApiError> {
            let file = std::fs::File::open(&path).map_err(ApiError::internal)?;
            let mut envelope = EnvelopeReader::open(BufReader::new(file), limits)
                .map_err(|e| ApiError::internal(anyhow::anyhow!("re-read: {}", e.code())))?;
            while let Some(raw) = envelope
                .next_visit()
                .map_err(|e| ApiError::internal(anyhow::anyhow!("re-read: {}", e.code())))?
            {
                let files: Files = raw
                    .files
                    .iter()
                    .map(|f| (f.kind.clone(), f.bytes.clone()))
                    .collect();
                let visit = xml130::check(raw, &code)
                    .map_err(|_| ApiError::internal(anyhow::anyhow!("a checked visit failed")))?;
                if sender.blocking_send(Ok((visit, files))).is_err() {
                    break;
                }
            }
            Ok(())
        };
        if let Err(error) = read() {
            let _ = sender.blocking_send(Err(error));
        }
    });
    let txn = state.db.begin_write().await?;
    insert_receipt(&txn, system, receipt, spooled, &kept, now).await?;
    let mut answered = Vec::with_capacity(kept.visits);
    while let Some(next) = visits.recv().await {
        let (visit, files) = next?;
        answered.push(take_in(&txn, system, receipt, visit, files, now).await?);
    }
    reader.await.map_err(ApiError::internal)?;
    txn.commit().await?;
    Ok(IntakeReceipt {
        id: receipt,
        envelope_hash: spooled.hash.clone(),
        received_at: now,
        signed: kept.signed,
        signature: kept.signature.unwrap_or_else(SignatureCheck::absent),
        visits: answered,
    })
}

/// A receipt of an envelope the caller's facility sent.
#[utoipa::path(get, path = "/ingest/receipts/{rid}", tag = "ingest", security(("bearer" = [])),
    params(("rid" = Uuid, Path, description = "Receipt id (the answer's `id`, or the `HealthBook-Receipt` header of a refusal)")),
    responses(
        (status = 200, description = "The receipt", body = ReceiptRecord),
        (status = 401, description = "No live key of a facility system", content_type = "application/problem+json"),
        (status = 404, description = "No such receipt of the caller's facility", content_type = "application/problem+json"),
    ))]
pub async fn read_receipt(
    State(state): State<AppState>,
    system: FacilitySystem,
    Path(rid): Path<Uuid>,
) -> ApiResult<Json<ReceiptRecord>> {
    let row = intake_receipt::Entity::find_by_id(rid)
        .filter(intake_receipt::Column::FacilityId.eq(system.facility_id))
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let problems: Vec<IntakeWarning> = serde_json::from_str(&row.problems).unwrap_or_default();
    Ok(Json(ReceiptRecord {
        id: row.id,
        envelope_hash: row.envelope_hash,
        size: u64::try_from(row.size).unwrap_or_default(),
        received_at: row.received_at,
        outcome: row.outcome,
        visits: u32::try_from(row.visits).unwrap_or_default(),
        signed: row.signed,
        signature: row
            .signature
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok()),
        problems,
    }))
}
