//! The platform's booking policy: cancellation cut-off, the cap on a citizen's future
//! appointments, the reminder lead time, the slot horizon and how long a place stays on hold.
//!
//! It lives in the database (one row) so that every process of a deployment applies the same
//! values and support can change them without a restart. Each process keeps a copy for a few
//! seconds, because every booking reads it; a change is visible everywhere within that time,
//! and at once in the process that made it.

use super::entities::booking_settings;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::error::ApiResult;
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::booking::{BookingSettings, Policy};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use std::sync::Mutex;

const ROW: i32 = 1;
const CACHE_FOR: Duration = Duration::seconds(5);

static CACHED: Mutex<Option<(DateTime<Utc>, Policy)>> = Mutex::new(None);

fn policy_of(row: &booking_settings::Model) -> Policy {
    let non_negative = |v: i32| u32::try_from(v).unwrap_or(0);
    Policy {
        cancel_cutoff: Duration::minutes(i64::from(row.cancel_cutoff_minutes)),
        max_future_appointments: non_negative(row.max_future_appointments),
        reminder_lead: Duration::minutes(i64::from(row.reminder_lead_minutes)),
        horizon_days: non_negative(row.horizon_days),
        hold_for: Duration::minutes(i64::from(row.hold_minutes)),
    }
}

/// The policy as stored (the defaults until support changes it).
pub async fn load(db: &impl ConnectionTrait) -> Result<Policy, DbErr> {
    Ok(booking_settings::Entity::find_by_id(ROW)
        .one(db)
        .await?
        .map(|row| policy_of(&row))
        .unwrap_or_default())
}

/// The policy, from this process's copy when it is fresh.
pub async fn current(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Policy, DbErr> {
    if let Ok(guard) = CACHED.lock()
        && let Some((at, policy)) = *guard
        && now - at < CACHE_FOR
        && now >= at
    {
        return Ok(policy);
    }
    let policy = load(db).await?;
    remember(now, policy);
    Ok(policy)
}

fn remember(now: DateTime<Utc>, policy: Policy) {
    if let Ok(mut guard) = CACHED.lock() {
        *guard = Some((now, policy));
    }
}

/// The booking policy.
#[utoipa::path(get, path = "/admin/booking-settings", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "The policy in force", body = BookingSettings),
        (status = 403, description = "Support only", content_type = "application/problem+json"),
    ))]
pub async fn get_settings(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<BookingSettings>> {
    state
        .authorize(&actor, Action::Support, Resource::Platform)
        .await?;
    Ok(Json(load(&state.db).await?.into()))
}

/// Changes the booking policy for the whole platform.
#[utoipa::path(put, path = "/admin/booking-settings", tag = "admin", security(("bearer" = [])),
    request_body = BookingSettings,
    responses(
        (status = 200, description = "The new policy", body = BookingSettings),
        (status = 403, description = "Support only", content_type = "application/problem+json"),
        (status = 422, description = "A value is out of range", content_type = "application/problem+json"),
    ))]
pub async fn put_settings(
    State(state): State<AppState>,
    actor: Actor,
    ValidJson(settings): ValidJson<BookingSettings>,
) -> ApiResult<Json<BookingSettings>> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::Support, Resource::Platform)
        .await?;
    let as_i32 = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    booking_settings::Entity::insert(booking_settings::ActiveModel {
        id: Set(ROW),
        cancel_cutoff_minutes: Set(as_i32(settings.cancel_cutoff_minutes)),
        max_future_appointments: Set(as_i32(settings.max_future_appointments)),
        reminder_lead_minutes: Set(as_i32(settings.reminder_lead_minutes)),
        horizon_days: Set(as_i32(settings.horizon_days)),
        hold_minutes: Set(as_i32(settings.hold_minutes)),
        updated_by: Set(Some(actor.account_id)),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(booking_settings::Column::Id)
            .update_columns([
                booking_settings::Column::CancelCutoffMinutes,
                booking_settings::Column::MaxFutureAppointments,
                booking_settings::Column::ReminderLeadMinutes,
                booking_settings::Column::HorizonDays,
                booking_settings::Column::HoldMinutes,
                booking_settings::Column::UpdatedBy,
                booking_settings::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&state.db)
    .await?;
    remember(now, settings.into());
    tracing::info!(booking.settings = ?settings, "booking settings changed");
    Ok(Json(settings))
}
