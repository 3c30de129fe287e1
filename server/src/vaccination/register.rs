//! Registering oneself or a dependent for a vaccination session, for one vaccine.
//!
//! Before any place is taken: the caller books for the person (own or guardian), reads
//! their doses (section III of the book; a guardian's read is logged), the session offers
//! the vaccine and is not cancelled, and `check_dose` lets the dose through on the session's
//! day — the one check recording a dose runs too, so a dose refused here is never accepted
//! there, nor the reverse. Then booking's own transaction takes a place in one of the
//! session's slots (atomic capacity, gapless queue number, confirmation in the outbox) and
//! the appointment is marked with the vaccine in the same transaction.

use super::entities::vaccination_session;
use super::history;
use super::sessions::find;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::booking::appointments::{organizer_email, view};
use crate::booking::book::book;
use crate::booking::entities::{appointment, slot};
use crate::booking::error::BookingError;
use crate::booking::{NewBooking, settings};
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey, NextAction};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use healthbook_domain::book::{Section, Sections};
use healthbook_domain::booking::{Appointment, SlotStatus, TimeRule};
use healthbook_domain::facility::ServiceType;
use healthbook_domain::problem::ProblemCode;
use healthbook_domain::vaccine::due::check_dose;
use healthbook_domain::vaccine::session::RegisterForSessionRequest;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Registers a person for a session.
#[utoipa::path(post, path = "/vaccination-sessions/{sid}/registrations", tag = "vaccination", security(("bearer" = [])),
    params(
        ("sid" = Uuid, Path, description = "Vaccination session id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same registration"),
    ),
    request_body = RegisterForSessionRequest,
    responses(
        (status = 201, description = "Registered: an appointment carrying the vaccine; the confirmation is mailed", body = Appointment),
        (status = 404, description = "`not_found` (no such session, or a citizen who is not you nor your dependent) or `slot_not_found` (not a slot of this session)", content_type = "application/problem+json"),
        (status = 409, description = "`dose_too_early` (with `earliest`), `dose_contraindicated`, `series_complete`, `not_offered_in_province`, `session_cancelled`, `slot_full`, `slot_closed`, `slot_in_past`, `already_booked` or `too_many_appointments`", content_type = "application/problem+json"),
        (status = 422, description = "`vaccine_not_offered`, `unknown_vaccine`, `unknown_product`, invalid fields, or `idempotency_key_reused`", content_type = "application/problem+json"),
    ))]
pub async fn register_for_session(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(sid): Path<Uuid>,
    ValidJson(request): ValidJson<RegisterForSessionRequest>,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let citizen_id = request
        .citizen_id
        .or(actor.citizen_id)
        .ok_or_else(ApiError::not_found)?;
    state
        .authorize(&actor, Action::BookFor, Resource::Citizen(citizen_id))
        .await?;
    // The check reads the person's doses: a read of their book like any other.
    state
        .read_record(
            &actor,
            citizen_id,
            Sections::one(Section::Immunizations),
            async |_| Ok(()),
        )
        .await?;
    let policy = settings::current(&state.db, now).await?;
    // With a key, the key is claimed first: a retry of a registration that took the last
    // place must get its appointment back, not `slot_full`. The checks then read in the
    // registration's transaction, and a refusal rolls the claim back with everything else.
    let fingerprint = idempotency::fingerprint("session-registration", &(sid, &request));
    let pending = match idempotency::begin(
        &state.db,
        &actor.account_id.to_string(),
        &key,
        &fingerprint,
        now,
    )
    .await?
    {
        NextAction::Proceed(pending) => pending,
        NextAction::Replay(replay) => return Ok(replay),
    };
    let txn = pending.txn();
    let (session, slots) = find(txn, sid).await?.ok_or_else(ApiError::not_found)?;
    if session.cancelled_at.is_some() {
        return Err(ApiError::conflict(ProblemCode::SessionCancelled));
    }
    if !session.offers(&request.vaccine) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::VaccineNotOffered,
        ));
    }
    let (person, doses) = history::of_citizen(txn, citizen_id, session.local_date).await?;
    check_dose(&person, &doses, &request.dose(), session.local_date)?;
    let slot_id = pick_slot(&session, &slots, request.slot_id, now)?;
    let booking = NewBooking {
        citizen_id,
        booked_by: actor.account_id,
        slot_id,
        service: ServiceType::Vaccination,
    };
    let (row, parties) = book(txn, &booking, &policy, now, rand::random()).await?;
    appointment::Entity::update_many()
        .col_expr(
            appointment::Column::Vaccine,
            Expr::value(request.vaccine.clone()),
        )
        .filter(appointment::Column::Id.eq(row.id))
        .exec(txn)
        .await?;
    let row = appointment::Model {
        vaccine: Some(request.vaccine.clone()),
        ..row
    };
    let ctx = parties.context(actor.account_id, &organizer_email(&state));
    let registration = view(&row, &ctx, &policy);
    pending.finish(StatusCode::CREATED, &registration).await?;
    state.mailer.wake();
    tracing::info!(appointment.id = %row.id, session.id = %sid, "registered for a vaccination session");
    Ok((StatusCode::CREATED, Json(registration)).into_response())
}

/// The slot asked for, which must be one of the session's; else the first still to come
/// with a free place. A session whose places are all taken is `slot_full`, as booking says
/// of a full slot; booking decides again, atomically, when it takes the place.
fn pick_slot(
    session: &vaccination_session::Model,
    slots: &[slot::Model],
    asked: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    if let Some(id) = asked {
        return slots
            .iter()
            .find(|s| s.id == id && s.schedule_id == session.schedule_id)
            .map(|s| s.id)
            .ok_or_else(|| BookingError::SlotNotFound.into());
    }
    let ahead: Vec<&slot::Model> = slots
        .iter()
        .filter(|s| s.status == SlotStatus::Open.as_str() && s.starts_at > now)
        .collect();
    if let Some(free) = ahead.iter().find(|s| s.booked < s.capacity) {
        return Ok(free.id);
    }
    Err(match ahead.first() {
        Some(_) => BookingError::SlotFull.into(),
        None if slots.iter().any(|s| s.starts_at > now) => BookingError::SlotClosed.into(),
        None => BookingError::Time(TimeRule::SlotInPast).into(),
    })
}
