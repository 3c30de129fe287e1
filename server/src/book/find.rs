//! Staff find a patient by an appointment code (typed or scanned from the QR), a national
//! number or an insurance number — always in a body, never in a URL, so that no proxy or log
//! line holds one. The answer is the opaque `cid`, usable only under a relationship; the
//! search itself is written to the citizen's access log.

use super::entities::insurance_card;
use crate::auth::actor::Actor;
use crate::auth::entities::citizen;
use crate::authz::{Action, Relationship, Resource};
use crate::booking::entities::appointment;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use healthbook_domain::FieldIssue;
use healthbook_domain::book::{FindPatientRequest, FoundPatient};
use healthbook_domain::booking::{AppointmentCode, AppointmentStatus};
use healthbook_domain::ids::{InsuranceNumber, NationalId};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// How the patient was looked for, as the access log names it.
enum Key {
    AppointmentCode(AppointmentCode),
    NationalId(NationalId),
    InsuranceNumber(InsuranceNumber),
}

impl Key {
    fn name(&self) -> &'static str {
        match self {
            Key::AppointmentCode(_) => "appointment_code",
            Key::NationalId(_) => "national_id",
            Key::InsuranceNumber(_) => "insurance_number",
        }
    }
}

fn key_of(request: &FindPatientRequest) -> Result<Key, ApiError> {
    let given = [
        request.appointment_code.is_some(),
        request.national_id.is_some(),
        request.insurance_number.is_some(),
    ]
    .into_iter()
    .filter(|given| *given)
    .count();
    if given != 1 {
        return Err(ApiError::invalid(vec![FieldIssue::new(
            "appointment_code",
            "exactly_one_key",
            "Hãy gửi đúng một trong: mã lịch hẹn, số định danh, số thẻ BHYT.",
            "Send exactly one of: appointment code, national number, insurance number.",
        )]));
    }
    let field = |name: &str, error: &dyn healthbook_domain::Localized| {
        ApiError::invalid(vec![FieldIssue::of(name, error)])
    };
    if let Some(code) = &request.appointment_code {
        return AppointmentCode::parse(code)
            .map(Key::AppointmentCode)
            .map_err(|e| field("appointment_code", &e));
    }
    if let Some(number) = &request.national_id {
        return NationalId::parse(number)
            .map(Key::NationalId)
            .map_err(|e| field("national_id", &e));
    }
    let number = request.insurance_number.as_deref().unwrap_or_default();
    InsuranceNumber::parse(number)
        .map(Key::InsuranceNumber)
        .map_err(|e| field("insurance_number", &e))
}

/// Finds the patient in front of a professional of `facility_id`.
#[utoipa::path(post, path = "/patients/find", tag = "book", security(("bearer" = [])),
    request_body = FindPatientRequest,
    responses(
        (status = 200, description = "The patient: an opaque id and enough to confirm who it is", body = FoundPatient),
        (status = 403, description = "`forbidden`: the caller does not work at the facility", content_type = "application/problem+json"),
        (status = 404, description = "Nobody matches (an appointment code matches only this facility's appointments)", content_type = "application/problem+json"),
        (status = 422, description = "`exactly_one_key`, or a key that is not well formed", content_type = "application/problem+json"),
    ))]
pub async fn find_patient(
    State(state): State<AppState>,
    actor: Actor,
    ValidJson(request): ValidJson<FindPatientRequest>,
) -> ApiResult<Json<FoundPatient>> {
    let relationship = state
        .authorize(
            &actor,
            Action::WorkAtFacility,
            Resource::Facility(request.facility_id),
        )
        .await?;
    let Relationship::Staff(role) = relationship else {
        return Err(ApiError::not_found());
    };
    let key = key_of(&request)?;
    let cid: Option<Uuid> = match &key {
        Key::AppointmentCode(code) => appointment::Entity::find()
            .filter(appointment::Column::Code.eq(code.as_str()))
            .filter(appointment::Column::FacilityId.eq(request.facility_id))
            .filter(appointment::Column::Status.ne(AppointmentStatus::Cancelled.as_str()))
            .one(&state.db)
            .await?
            .map(|a| a.citizen_id),
        Key::NationalId(number) => citizen::Entity::find()
            .filter(citizen::Column::NationalId.eq(number.as_str()))
            .one(&state.db)
            .await?
            .map(|c| c.id),
        Key::InsuranceNumber(number) => insurance_card::Entity::find()
            .filter(insurance_card::Column::Number.eq(number.as_str()))
            .one(&state.db)
            .await?
            .map(|card| card.citizen_id),
    };
    let person = match cid {
        Some(cid) => citizen::Entity::find_by_id(cid).one(&state.db).await?,
        None => None,
    }
    .ok_or_else(ApiError::not_found)?;
    crate::authz::record::log_lookup(
        &state.db,
        &actor,
        person.id,
        role,
        request.facility_id,
        key.name(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(FoundPatient {
        citizen_id: person.id,
        full_name: person.full_name,
        date_of_birth: person.date_of_birth,
    }))
}
