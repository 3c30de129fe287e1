//! `POST /v1/immunizations`: a vaccinator gives a dose. One transaction holds the whole of
//! it — the idempotency claim, the appointment's check-in, the book's authorization and its
//! access-log line, the engine's check, the dose, the stock's decrement, the book entry and
//! the mail proposing the next dose — so a dose is acknowledged with all of them or none.

use super::doses::{StoredScreening, standing_key, view};
use super::entities::immunization;
use super::history;
use super::mails;
use super::stock;
use crate::auth::actor::Actor;
use crate::book::store;
use crate::book::write::open_for_writing;
use crate::booking::entities::appointment;
use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use healthbook_domain::FieldIssue;
use healthbook_domain::ProblemCode;
use healthbook_domain::account::StaffRole;
use healthbook_domain::book::{EntryBody, EntryKind, Immunization};
use healthbook_domain::booking::time::local_date;
use healthbook_domain::booking::{AppointmentCode, AppointmentStatus};
use healthbook_domain::vaccine::doses::{AdministerRequest, Administered, NextDose};
use healthbook_domain::vaccine::due::{
    DoseAccepted, DoseHistory, ProposedDose, Standing, Vaccinee, check_dose, due,
};
use healthbook_domain::vaccine::screening::{ScreeningOutcome, ScreeningResult, screen};
use healthbook_domain::vaccine::{CatalogueEntry, entry};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A dose, given now by the caller.
#[utoipa::path(post, path = "/immunizations", tag = "vaccination", security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "Required: the offline queue replays a dose with its key, and gets the first answer")),
    request_body = AdministerRequest,
    responses(
        (status = 201, description = "The dose as recorded, its book entry, and the next dose proposed", body = Administered),
        (status = 403, description = "`forbidden`: the caller may not give doses", content_type = "application/problem+json"),
        (status = 404, description = "No such citizen or appointment, or none in the caller's care today", content_type = "application/problem+json"),
        (status = 404, description = "`lot_not_found`: the facility holds no such lot (another facility's lot is not found either)", content_type = "application/problem+json"),
        (status = 409, description = "`lot_expired`, `lot_quarantined`, `lot_past_vvm_discard_point`, `lot_exhausted`, `lot_other_vaccine`, `duplicate_dose`, `screening_contraindicates`, `screening_postpones`, `screening_refers`, `dose_too_early`, `dose_contraindicated`, `series_complete`, `not_offered_in_province`, `dose_number_mismatch`", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: the screening's answers, `unknown_vaccine`, `unknown_product`, a missing `Idempotency-Key`, neither or both of `citizen_id` and `appointment_code`", content_type = "application/problem+json"),
    ))]
pub async fn administer_dose(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    ValidJson(request): ValidJson<AdministerRequest>,
) -> ApiResult<Response> {
    if key.0.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "Idempotency-Key",
            "idempotency_key_required",
            Text::new(
                "Ghi nhận mũi tiêm cần có Idempotency-Key.",
                "Recording a dose needs an Idempotency-Key.",
            ),
        )]));
    }
    let (vaccine, screening, code) = parse(&request)?;
    let now = state.clock.now();
    let given_on = request
        .given_day(local_date(now))
        .map_err(|code| ApiError::field("given_on", &code))?;
    let fingerprint = idempotency::fingerprint("immunization", &request);
    idempotency::keyed(
        &state.db,
        &actor.account_id.to_string(),
        &key,
        &fingerprint,
        now,
        StatusCode::CREATED,
        async |txn| {
            let checked = Checked {
                vaccine,
                screening,
                code,
                given_on,
            };
            give(&state, txn, &actor, &request, checked, now).await
        },
    )
    .await
}

/// What is checked before the transaction: who is named, the vaccine and the screening.
struct Checked {
    vaccine: &'static CatalogueEntry,
    screening: ScreeningResult,
    code: Option<AppointmentCode>,
    /// The day the dose was given: today, or a day a phone that was offline says.
    given_on: NaiveDate,
}

type Parsed = (
    &'static CatalogueEntry,
    ScreeningResult,
    Option<AppointmentCode>,
);

fn parse(request: &AdministerRequest) -> Result<Parsed, ApiError> {
    let mut issues = Vec::new();
    let code = match request
        .appointment_code
        .as_deref()
        .map(AppointmentCode::parse)
    {
        Some(Ok(code)) => Some(code),
        Some(Err(error)) => {
            issues.push(FieldIssue::of("appointment_code", &error));
            None
        }
        None => None,
    };
    if request.citizen_id.is_some() == request.appointment_code.is_some() {
        issues.push(FieldIssue::new(
            "citizen_id",
            "one_of_citizen_or_appointment",
            "Cần đúng một trong citizen_id hoặc appointment_code.",
            "Exactly one of citizen_id and appointment_code is needed.",
        ));
    }
    let vaccine = entry(&request.vaccine);
    if vaccine.is_none() {
        issues.push(FieldIssue::of("vaccine", &ProblemCode::UnknownVaccine));
    }
    let screening = match vaccine {
        Some(v) => screen(&request.screening, v.live, "screening.").map_err(|mut found| {
            issues.append(&mut found);
        }),
        None => Err(()),
    };
    match (vaccine, screening) {
        (Some(vaccine), Ok(result)) if issues.is_empty() => Ok((vaccine, result, code)),
        _ => Err(ApiError::invalid(issues)),
    }
}

async fn give(
    state: &AppState,
    txn: &DatabaseTransaction,
    actor: &Actor,
    request: &AdministerRequest,
    Checked {
        vaccine,
        screening,
        code,
        given_on,
    }: Checked,
    now: DateTime<Utc>,
) -> Result<Administered, ApiError> {
    let today = local_date(now);
    let visit = match &code {
        Some(code) => Some(attend(txn, actor, code, given_on, now).await?),
        None => None,
    };
    let cid = match (&visit, request.citizen_id) {
        (Some(visit), _) => visit.citizen_id,
        (None, Some(cid)) => cid,
        (None, None) => return Err(ApiError::not_found()),
    };
    let (grant, author) =
        open_for_writing(state, txn, actor, cid, EntryKind::Immunization, None).await?;
    let Some((_, facility)) = grant.basis.staff() else {
        return Err(crate::auth::error::AuthError::Forbidden.into());
    };
    if visit.as_ref().is_some_and(|v| v.facility_id != facility) {
        return Err(ApiError::not_found());
    }
    refuse_on_screening(&screening)?;
    let product = request.product.as_deref();
    let key = standing_key(cid, vaccine.code, product, given_on);
    // A dose given twice is refused by the engine too (too early, or the series complete):
    // only then is the standing key looked up, to say which. One the engine would accept
    // meets the key's unique index when it is written.
    let (accepted, person, mut history) =
        match checked(txn, cid, vaccine, product, request.dose_number, given_on).await {
            Ok(checked) => checked,
            Err(refusal) if refusal.status == StatusCode::CONFLICT => {
                let twice = immunization::Entity::find()
                    .filter(immunization::Column::StandingKey.eq(key.clone()))
                    .one(txn)
                    .await?
                    .is_some();
                return Err(if twice {
                    ApiError::conflict(ProblemCode::DuplicateDose)
                } else {
                    refusal
                });
            }
            Err(other) => return Err(other),
        };

    let antigens = accepted
        .antigens
        .iter()
        .map(|a| serde_json::to_value(a.antigen).map(|v| v.as_str().unwrap_or_default().to_owned()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    let mut body = EntryBody::Immunization(Immunization {
        product: vaccine.code.to_owned(),
        trade_name: request.product.clone(),
        antigens,
        dose_number: accepted.dose_number,
        administered_on: given_on,
        lot: Some(request.lot_id.to_string()),
        facility_id: Some(facility),
        site: Some(request.site.clone()),
        route: Some(request.route.clone()),
        note: None,
    });
    store::check(&mut body, now, "")?;
    let entry = store::append_unnamed(txn, cid, &author, body, now).await?;
    // The history read for the check, with this dose: nothing else of it can change
    // inside this transaction, so the next dose needs no second read of the book.
    history.doses.extend(DoseHistory::from_book([&entry]).doses);

    let row = immunization::Model {
        id: Uuid::now_v7(),
        citizen_id: cid,
        facility_id: facility,
        book_entry_id: entry.entry_id,
        vaccine: vaccine.code.to_owned(),
        product: request.product.clone(),
        lot_id: request.lot_id,
        dose_number: i32::try_from(accepted.dose_number).unwrap_or(i32::MAX),
        given_on,
        programme: request.programme.as_str().to_owned(),
        site: request.site.clone(),
        route: request.route.clone(),
        screening: serde_json::to_string(&StoredScreening {
            answers: request.screening.clone(),
            result: screening,
        })
        .map_err(ApiError::internal)?,
        appointment_id: visit.as_ref().map(|v| v.id),
        recorded_by: actor.account_id,
        status: "recorded".to_owned(),
        standing_key: Some(key),
        created_at: now,
    };
    insert(txn, &row).await?;

    let next = next_dose(
        &person,
        &history,
        vaccine,
        request.product.as_deref(),
        given_on,
    );
    if let Some(next) = &next {
        let recipients = mails::citizen_recipients(txn, cid, today).await?;
        mails::send_each(
            txn,
            &recipients,
            |lang, name| mails::next_dose_text(lang, name, next),
            now,
        )
        .await?;
    }
    // Last: the balance's row lock is held from here to the commit.
    let lot = stock::take_dose(
        txn,
        facility,
        request.lot_id,
        given_on,
        row.id,
        actor.account_id,
        now,
    )
    .await?;
    let same_product = request
        .product
        .as_deref()
        .is_none_or(|p| p.eq_ignore_ascii_case(&lot.product));
    if lot.vaccine != vaccine.code || !same_product {
        return Err(ApiError::conflict(ProblemCode::LotOtherVaccine));
    }
    Ok(Administered {
        dose: view(&row)?,
        next,
    })
}

/// The appointment behind a scanned code, at one of the caller's facilities, on the day the
/// dose was given: checked in now if it was only booked (giving the dose is attending it).
async fn attend(
    txn: &DatabaseTransaction,
    actor: &Actor,
    code: &AppointmentCode,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<appointment::Model, ApiError> {
    let facilities: Vec<Uuid> = [StaffRole::Vaccinator, StaffRole::Doctor]
        .into_iter()
        .flat_map(|role| actor.facilities_with(role).collect::<Vec<_>>())
        .collect();
    let visit = appointment::Entity::find()
        .filter(appointment::Column::Code.eq(code.as_str()))
        .filter(appointment::Column::FacilityId.is_in(facilities))
        .filter(appointment::Column::LocalDate.eq(today))
        .filter(appointment::Column::Status.is_in([
            AppointmentStatus::Booked.as_str(),
            AppointmentStatus::CheckedIn.as_str(),
        ]))
        .one(txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if visit.status == AppointmentStatus::CheckedIn.as_str() {
        return Ok(visit);
    }
    appointment::Entity::update_many()
        .col_expr(
            appointment::Column::Status,
            Expr::value(AppointmentStatus::CheckedIn.as_str()),
        )
        .col_expr(appointment::Column::CheckedInAt, Expr::value(now))
        .col_expr(
            appointment::Column::AttendedBy,
            Expr::value(actor.account_id),
        )
        .col_expr(
            appointment::Column::Revision,
            Expr::col(appointment::Column::Revision).add(1),
        )
        .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
        .filter(appointment::Column::Id.eq(visit.id))
        .filter(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
        .exec_with_returning(txn)
        .await?
        .into_iter()
        .next()
        .ok_or_else(ApiError::not_found)
}

fn refuse_on_screening(screening: &ScreeningResult) -> Result<(), ApiError> {
    let code = match screening.outcome {
        ScreeningOutcome::Eligible => return Ok(()),
        ScreeningOutcome::Postpone => ProblemCode::ScreeningPostpones,
        ScreeningOutcome::Refer => ProblemCode::ScreeningRefers,
        ScreeningOutcome::Contraindicated => ProblemCode::ScreeningContraindicates,
    };
    Err(ApiError::conflict(code))
}

/// The engine's check of the dose for the person today, and the dose number it counts; with
/// the person and the history it was checked against.
async fn checked(
    txn: &DatabaseTransaction,
    cid: Uuid,
    vaccine: &CatalogueEntry,
    product: Option<&str>,
    dose_number: Option<u32>,
    today: NaiveDate,
) -> Result<(DoseAccepted, Vaccinee, DoseHistory), ApiError> {
    let (person, doses) = history::of_citizen(txn, cid, today).await?;
    let proposed = ProposedDose {
        vaccine: vaccine.code.to_owned(),
        product: product.map(str::to_owned),
    };
    let accepted = check_dose(&person, &doses, &proposed, today)?;
    if dose_number.is_some_and(|n| n != accepted.dose_number) {
        return Err(ApiError::conflict(ProblemCode::DoseNumberMismatch));
    }
    Ok((accepted, person, doses))
}

async fn insert(txn: &DatabaseTransaction, row: &immunization::Model) -> Result<(), ApiError> {
    immunization::Entity::insert(immunization::ActiveModel {
        id: Set(row.id),
        citizen_id: Set(row.citizen_id),
        facility_id: Set(row.facility_id),
        book_entry_id: Set(row.book_entry_id),
        vaccine: Set(row.vaccine.clone()),
        product: Set(row.product.clone()),
        lot_id: Set(row.lot_id),
        dose_number: Set(row.dose_number),
        given_on: Set(row.given_on),
        programme: Set(row.programme.clone()),
        site: Set(row.site.clone()),
        route: Set(row.route.clone()),
        screening: Set(row.screening.clone()),
        appointment_id: Set(row.appointment_id),
        recorded_by: Set(row.recorded_by),
        status: Set(row.status.clone()),
        standing_key: Set(row.standing_key.clone()),
        created_at: Set(row.created_at),
    })
    .exec_without_returning(txn)
    .await
    .map_err(ApiError::from)
    // Two processes gave the same dose at once: the standing key's unique index chose one.
    .map_err(|error| {
        if error.code == ProblemCode::UniqueViolation.as_str() {
            ApiError::conflict(ProblemCode::DuplicateDose)
        } else {
            error
        }
    })
    .map(|_| ())
}

/// The next dose of the series after today's, at its earliest day: the due list after the
/// dose, for the antigens the vaccine covers, the latest of their earliest days (a combined
/// vaccine waits for every antigen it holds).
fn next_dose(
    person: &Vaccinee,
    doses: &DoseHistory,
    vaccine: &CatalogueEntry,
    product: Option<&str>,
    today: NaiveDate,
) -> Option<NextDose> {
    let covers = vaccine.antigens();
    let lines: Vec<_> = due(person, doses, today)
        .into_iter()
        .filter(|line| covers.contains(&line.antigen))
        .filter(|line| {
            matches!(
                line.standing,
                Standing::Due { .. } | Standing::Overdue { .. } | Standing::TooEarly { .. }
            )
        })
        .collect();
    let earliest = lines.iter().filter_map(|l| l.earliest).max()?;
    // A next dose is never proposed for today, the day this one was given.
    let earliest = std::cmp::Ord::max(earliest, today + Duration::days(1));
    Some(NextDose {
        vaccine: vaccine.code.to_owned(),
        product: product.map(str::to_owned),
        dose_number: lines.iter().filter_map(|l| l.next_dose).min().unwrap_or(1),
        earliest,
        recommended: lines.iter().filter_map(|l| l.recommended).max(),
        antigens: lines.iter().map(|l| l.antigen).collect(),
    })
}
