//! Reading appointments: one by id, the caller's own and their dependents', and the QR code
//! of an appointment for the reception kiosk. Also the pieces every use case shares: the
//! response view and the context its mails need.

use super::entities::{appointment, facility};
use super::mails::MailContext;
use super::settings;
use crate::auth::actor::Actor;
use crate::auth::entities::{account, citizen};
use crate::auth::people::dependents_of;
use crate::auth::people::lang_of;
use crate::authz::{Action, Relationship, Resource, appointment_scope};
use crate::error::{ApiError, ApiResult};
use crate::http::{ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use healthbook_domain::booking::rules::cancellable_until;
use healthbook_domain::booking::time::{format_time, to_local};
use healthbook_domain::booking::{
    Appointment, AppointmentCode, AppointmentStatus, CancelledBy, Policy,
};
use healthbook_domain::facility::ServiceType;
use healthbook_domain::page::{Page, page_size};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;
use validator::Validate;

/// The address appointment mails come from: the organiser of their calendar events.
/// Parsed once per process: the configuration does not change while it runs.
pub fn organizer_email(state: &AppState) -> String {
    static ORGANIZER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ORGANIZER
        .get_or_init(|| organizer_of(&state.config.mail_from))
        .clone()
}

/// The address part of the configured sender.
pub fn organizer_of(mail_from: &str) -> String {
    mail_from
        .parse::<lettre::message::Mailbox>()
        .map(|m| m.email.to_string())
        .unwrap_or_else(|_| "no-reply@healthbook.localhost".to_owned())
}

/// Everything a mail or a view of `row` names, read in the caller's transaction.
pub async fn context(
    db: &impl ConnectionTrait,
    row: &appointment::Model,
    organizer_email: &str,
) -> Result<MailContext, ApiError> {
    let missing = || ApiError::internal(anyhow::anyhow!("appointment refers to a missing row"));
    let booker = account::Entity::find_by_id(row.booked_by)
        .one(db)
        .await?
        .ok_or_else(missing)?;
    let person = citizen::Entity::find_by_id(row.citizen_id)
        .one(db)
        .await?
        .ok_or_else(missing)?;
    let facility = facility::Entity::find_by_id(row.facility_id)
        .one(db)
        .await?
        .ok_or_else(missing)?;
    Ok(mail_context(&booker, &person, &facility, organizer_email))
}

/// What a mail names, from the rows of the booker, the person and the facility.
pub fn mail_context(
    booker: &account::Model,
    person: &citizen::Model,
    facility: &facility::Model,
    organizer_email: &str,
) -> MailContext {
    MailContext {
        for_dependent: person.account_id != Some(booker.id),
        citizen_name: person.full_name.clone(),
        lang: lang_of(booker),
        booker_email: booker.email.clone(),
        booker_name: booker.display_name.clone(),
        facility_name: facility.name.clone(),
        facility_address: facility.address.clone(),
        organizer_email: organizer_email.to_owned(),
    }
}

pub fn status_of(row: &appointment::Model) -> AppointmentStatus {
    AppointmentStatus::parse(&row.status).unwrap_or(AppointmentStatus::Cancelled)
}

pub fn view(row: &appointment::Model, ctx: &MailContext, policy: &Policy) -> Appointment {
    view_named(
        row,
        &ctx.citizen_name,
        &ctx.facility_name,
        &ctx.facility_address,
        policy,
    )
}

fn view_named(
    row: &appointment::Model,
    citizen_name: &str,
    facility_name: &str,
    facility_address: &str,
    policy: &Policy,
) -> Appointment {
    Appointment {
        id: row.id,
        code: AppointmentCode::parse(&row.code)
            .map(|c| c.display())
            .unwrap_or_else(|_| row.code.clone()),
        status: status_of(row),
        citizen_id: row.citizen_id,
        citizen_name: citizen_name.to_owned(),
        facility_id: row.facility_id,
        facility_name: facility_name.to_owned(),
        facility_address: facility_address.to_owned(),
        service: ServiceType::parse(&row.service).unwrap_or(ServiceType::Examination),
        specialty: row.specialty.clone(),
        practitioner_id: row.practitioner_id,
        room: row.room.clone(),
        slot_id: row.slot_id,
        queue: row.queue.clone(),
        queue_number: u32::try_from(row.queue_number).unwrap_or(0),
        date: row.local_date,
        start: format_time(to_local(row.starts_at).time()),
        end: format_time(to_local(row.ends_at).time()),
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        cancellable_until: cancellable_until(row.starts_at, policy.cancel_cutoff),
        booked_at: row.created_at,
        cancelled_at: row.cancelled_at,
        cancelled_by: match row.cancelled_by.as_deref() {
            Some("facility") => Some(CancelledBy::Facility),
            Some(_) => Some(CancelledBy::Citizen),
            None => None,
        },
        checked_in_at: row.checked_in_at,
        vaccine: row.vaccine.clone(),
    }
}

/// Views of many rows, with two queries for names whatever the count.
pub async fn views(
    db: &impl ConnectionTrait,
    rows: &[appointment::Model],
    policy: &Policy,
) -> Result<Vec<Appointment>, DbErr> {
    let citizen_ids: Vec<Uuid> = rows.iter().map(|r| r.citizen_id).collect();
    let facility_ids: Vec<Uuid> = rows.iter().map(|r| r.facility_id).collect();
    let names: HashMap<Uuid, String> = citizen::Entity::find()
        .filter(citizen::Column::Id.is_in(citizen_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.full_name))
        .collect();
    let facilities: HashMap<Uuid, facility::Model> = facility::Entity::find()
        .filter(facility::Column::Id.is_in(facility_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|row| {
            let facility = facilities.get(&row.facility_id)?;
            let name = names.get(&row.citizen_id).map_or("", String::as_str);
            Some(view_named(
                row,
                name,
                &facility.name,
                &facility.address,
                policy,
            ))
        })
        .collect())
}

/// Loads an appointment the caller may act on with `action`: its citizen or a guardian, or
/// staff of its facility. The lookup is already restricted to what the caller may see, so an
/// appointment of someone else costs the same one query as a missing id, and both get 404.
pub async fn load_for(
    state: &AppState,
    actor: &Actor,
    aid: Uuid,
    action: Action,
) -> Result<(appointment::Model, Relationship), ApiError> {
    let scope = appointment_scope(actor, action, state.clock.today())?;
    let row = appointment::Entity::find_by_id(aid)
        .filter(scope.condition())
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let relationship = scope.relationship(&row).ok_or_else(ApiError::not_found)?;
    Ok((row, relationship))
}

/// One appointment.
#[utoipa::path(get, path = "/appointments/{aid}", tag = "booking", security(("bearer" = [])),
    params(("aid" = Uuid, Path, description = "Appointment id")),
    responses(
        (status = 200, description = "The appointment", body = Appointment),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "An enrolment session (`forbidden`), or staff with a basic session (`step_up_required`); the same for any id", content_type = "application/problem+json"),
        (status = 404, description = "No such appointment, or not yours", content_type = "application/problem+json"),
    ))]
pub async fn get_appointment(
    State(state): State<AppState>,
    actor: Actor,
    Path(aid): Path<Uuid>,
) -> ApiResult<Json<Appointment>> {
    let now = state.clock.now();
    let (row, _) = load_for(&state, &actor, aid, Action::BookFor).await?;
    let policy = settings::current(&state.db, now).await?;
    let mut out = views(&state.db, std::slice::from_ref(&row), &policy).await?;
    out.pop().map(Json).ok_or_else(ApiError::not_found)
}

/// The appointment code as a QR code (SVG), for the reception kiosk to scan.
#[utoipa::path(get, path = "/appointments/{aid}/qr.svg", tag = "booking", security(("bearer" = [])),
    params(("aid" = Uuid, Path, description = "Appointment id")),
    responses(
        (status = 200, description = "The QR code of `HBAPPT:<code>`", content_type = "image/svg+xml"),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "An enrolment session (`forbidden`), or staff with a basic session (`step_up_required`); the same for any id", content_type = "application/problem+json"),
        (status = 404, description = "No such appointment, or not yours", content_type = "application/problem+json"),
    ))]
pub async fn appointment_qr(
    State(state): State<AppState>,
    actor: Actor,
    Path(aid): Path<Uuid>,
) -> ApiResult<Response> {
    let (row, _) = load_for(&state, &actor, aid, Action::BookFor).await?;
    let code = AppointmentCode::parse(&row.code).map_err(ApiError::internal)?;
    let svg = crate::certificates::qr::svg(&code.qr_text(), 8).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyAppointmentsQuery {
    /// Only this citizen: the caller or one of their dependents.
    pub citizen_id: Option<Uuid>,
    pub status: Option<AppointmentStatus>,
    /// Only appointments that have not started yet.
    #[serde(default)]
    pub upcoming: bool,
    pub cursor: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct AppointmentCursor {
    starts_at: DateTime<Utc>,
    id: Uuid,
}

/// The caller's appointments and their dependents', in time order.
#[utoipa::path(get, path = "/appointments", tag = "booking", security(("bearer" = [])),
    params(MyAppointmentsQuery),
    responses(
        (status = 200, description = "A page of appointments", body = Page<Appointment>),
        (status = 404, description = "`citizen_id` is not the caller nor a dependent", content_type = "application/problem+json"),
    ))]
pub async fn list_appointments(
    State(state): State<AppState>,
    actor: Actor,
    ValidQuery(query): ValidQuery<MyAppointmentsQuery>,
) -> ApiResult<Json<Page<Appointment>>> {
    let now = state.clock.now();
    let today = state.clock.today();
    let citizens: Vec<Uuid> = match query.citizen_id {
        Some(cid) => {
            state
                .authorize(&actor, Action::BookFor, Resource::Citizen(cid))
                .await?;
            vec![cid]
        }
        None => {
            state
                .authorize(&actor, Action::ReadOwnAccount, Resource::OwnAccount)
                .await?;
            let Some(me) = actor.citizen_id else {
                return Ok(Json(Page {
                    items: Vec::new(),
                    next_cursor: None,
                }));
            };
            let mut ids = vec![me];
            ids.extend(
                dependents_of(&state.db, me, today)
                    .await?
                    .iter()
                    .map(|d| d.citizen.citizen_id),
            );
            ids
        }
    };
    let limit = page_size(query.limit);
    let mut select = appointment::Entity::find()
        .filter(appointment::Column::CitizenId.is_in(citizens))
        .order_by_asc(appointment::Column::StartsAt)
        .order_by_asc(appointment::Column::Id)
        .limit(limit + 1);
    if let Some(status) = query.status {
        select = select.filter(appointment::Column::Status.eq(status.as_str()));
    }
    if query.upcoming {
        select = select.filter(appointment::Column::StartsAt.gt(now));
    }
    if let Some(raw) = &query.cursor {
        let after: AppointmentCursor = cursor::decode(raw)?;
        select = select.filter(
            Expr::col(appointment::Column::StartsAt)
                .gt(after.starts_at)
                .or(Expr::col(appointment::Column::StartsAt)
                    .eq(after.starts_at)
                    .and(Expr::col(appointment::Column::Id).gt(after.id))),
        );
    }
    let mut rows = select.all(&state.db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|last| {
            cursor::encode(&AppointmentCursor {
                starts_at: last.starts_at,
                id: last.id,
            })
        })
    } else {
        None
    };
    let policy = settings::current(&state.db, now).await?;
    Ok(Json(Page {
        items: views(&state.db, &rows, &policy).await?,
        next_cursor,
    }))
}
