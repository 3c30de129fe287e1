//! Break-glass: a doctor opens a book in an emergency, with a written reason, for a few
//! hours. The citizen (or their guardians) is mailed at once, every read under it is in the
//! access log, and the facility's administrator reviews each opening afterwards.

use super::entities::break_glass;
use crate::auth::actor::Actor;
use crate::auth::entities::{account, citizen, guardianship};
use crate::auth::people::lang_of;
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::mail::{self, OutgoingEmail};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::book::access::BREAK_GLASS_HOURS;
use healthbook_domain::book::check::check_reason;
use healthbook_domain::book::{BreakGlass, BreakGlassRequest, ReviewBreakGlassRequest};
use healthbook_domain::booking::time::{format_time, to_local};
use healthbook_domain::{Lang, ProblemCode, Sensitive};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Deserialize;
use uuid::Uuid;

fn view(row: break_glass::Model) -> BreakGlass {
    BreakGlass {
        id: row.id,
        citizen_id: row.citizen_id,
        facility_id: row.facility_id,
        doctor_name: row.doctor_name,
        reason: row.reason,
        opened_at: row.opened_at,
        expires_at: row.expires_at,
        reviewed_at: row.reviewed_at,
        review_note: row.review_note,
    }
}

/// Opens `cid`'s book for the calling doctor for [`BREAK_GLASS_HOURS`].
#[utoipa::path(post, path = "/citizens/{cid}/break-glass", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id")),
    request_body = BreakGlassRequest,
    responses(
        (status = 201, description = "The book is open to the caller until `expires_at`", body = BreakGlass),
        (status = 403, description = "`forbidden`: the caller is not a doctor of that facility", content_type = "application/problem+json"),
        (status = 404, description = "No such citizen", content_type = "application/problem+json"),
        (status = 422, description = "`reason` missing or too short", content_type = "application/problem+json"),
    ))]
pub async fn open_break_glass(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
    ValidJson(request): ValidJson<BreakGlassRequest>,
) -> ApiResult<(StatusCode, Json<BreakGlass>)> {
    state
        .authorize(
            &actor,
            Action::OpenInEmergency,
            Resource::Facility(request.facility_id),
        )
        .await?;
    let reason =
        check_reason("reason", &request.reason).map_err(|issue| ApiError::invalid(vec![issue]))?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let person = citizen::Entity::find_by_id(cid)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let doctor = account::Entity::find_by_id(actor.account_id)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let facility = crate::booking::entities::facility::Entity::find_by_id(request.facility_id)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let row = break_glass::Model {
        id: Uuid::now_v7(),
        citizen_id: cid,
        account_id: actor.account_id,
        facility_id: request.facility_id,
        doctor_name: doctor.display_name.clone(),
        reason,
        opened_at: now,
        expires_at: now + Duration::hours(BREAK_GLASS_HOURS),
        reviewed_at: None,
        reviewed_by: None,
        justified: None,
        review_note: None,
    };
    break_glass::Entity::insert(break_glass::ActiveModel {
        id: Set(row.id),
        citizen_id: Set(row.citizen_id),
        account_id: Set(row.account_id),
        facility_id: Set(row.facility_id),
        doctor_name: Set(row.doctor_name.clone()),
        reason: Set(row.reason.clone()),
        opened_at: Set(row.opened_at),
        expires_at: Set(row.expires_at),
        reviewed_at: Set(None),
        reviewed_by: Set(None),
        justified: Set(None),
        review_note: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    for reader in told_of(&txn, &person, state.clock.today()).await? {
        let lang = lang_of(&reader);
        let mail = opened_mail(
            (&reader.email, &reader.display_name),
            &person.full_name,
            &doctor.display_name,
            &facility.name,
            now,
            lang,
        );
        mail::enqueue(&txn, mail, now).await?;
    }
    txn.commit().await?;
    state.mailer.wake();
    tracing::info!(break_glass.id = %row.id, facility.id = %row.facility_id, "record opened in an emergency");
    Ok((StatusCode::CREATED, Json(view(row))))
}

/// Who is told that a book was opened: its holder, and the guardians of a child.
async fn told_of(
    db: &impl ConnectionTrait,
    person: &citizen::Model,
    today: chrono::NaiveDate,
) -> Result<Vec<account::Model>, ApiError> {
    let mut holders: Vec<Uuid> = person.account_id.into_iter().collect();
    let guardians: Vec<Uuid> = guardianship::Entity::find()
        .filter(guardianship::Column::DependentId.eq(person.id))
        .filter(guardianship::in_force(today))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.guardian_id)
        .collect();
    if !guardians.is_empty() {
        holders.extend(
            citizen::Entity::find()
                .filter(citizen::Column::Id.is_in(guardians))
                .all(db)
                .await?
                .into_iter()
                .filter_map(|g| g.account_id),
        );
    }
    if holders.is_empty() {
        return Ok(Vec::new());
    }
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(holders))
        .all(db)
        .await?)
}

/// The mail names who opened the book and where, never why: the reason may hold health
/// details, and the app shows it behind the citizen's passkey.
pub fn opened_mail(
    to: (&str, &str),
    whose: &str,
    doctor: &str,
    facility: &str,
    at: DateTime<Utc>,
    lang: Lang,
) -> OutgoingEmail {
    let (to_email, to_name) = to;
    let local = to_local(at);
    let when = format!(
        "{} {}",
        format_time(local.time()),
        local.date().format("%d/%m/%Y")
    );
    let (subject, body) = match lang {
        Lang::Vi => (
            "Hồ sơ sức khỏe vừa được mở trong tình huống khẩn cấp".to_owned(),
            format!(
                "Xin chào {},\n\nLúc {when}, bác sĩ {doctor} ({facility}) đã mở sổ sức khỏe của {whose} trong tình huống khẩn cấp. Quyền truy cập này tự hết hạn sau {BREAK_GLASS_HOURS} giờ và sẽ được cơ sở y tế xem xét lại.\n\nBạn xem lý do và mọi lần truy cập trong mục \"Nhật ký truy cập\" của ứng dụng. Nếu có điều gì không đúng, hãy liên hệ bộ phận hỗ trợ.\n\n—\nSổ sức khỏe điện tử HealthBook",
                to_name
            ),
        ),
        Lang::En => (
            "A health record was opened in an emergency".to_owned(),
            format!(
                "Hello {},\n\nAt {when}, doctor {doctor} ({facility}) opened the health book of {whose} in an emergency. This access ends by itself after {BREAK_GLASS_HOURS} hours and will be reviewed by the facility.\n\nThe reason and every access are in the app's \"Access log\". If anything looks wrong, contact support.\n\n—\nHealthBook electronic health book",
                to_name
            ),
        ),
    };
    OutgoingEmail {
        recipient: Sensitive::new(to_email.to_owned()),
        subject,
        body_text: body,
        body_html: None,
        attachments: Vec::new(),
    }
}

#[derive(Debug, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BreakGlassQuery {
    /// Only openings not reviewed yet.
    #[serde(default)]
    pub pending: bool,
}

/// The facility's emergency openings, newest first, for its administrator to review.
#[utoipa::path(get, path = "/facilities/{fid}/break-glass", tag = "book", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"), BreakGlassQuery),
    responses(
        (status = 200, description = "The openings", body = Vec<BreakGlass>),
        (status = 403, description = "`forbidden`: not an administrator of the facility", content_type = "application/problem+json"),
    ))]
pub async fn list_break_glass(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    crate::http::ValidQuery(query): crate::http::ValidQuery<BreakGlassQuery>,
) -> ApiResult<Json<Vec<BreakGlass>>> {
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let mut select = break_glass::Entity::find()
        .filter(break_glass::Column::FacilityId.eq(fid))
        .order_by_desc(break_glass::Column::OpenedAt);
    if query.pending {
        select = select.filter(break_glass::Column::ReviewedAt.is_null());
    }
    Ok(Json(
        select.all(&state.db).await?.into_iter().map(view).collect(),
    ))
}

/// The administrator's review of one opening: justified or not, with a note.
#[utoipa::path(post, path = "/facilities/{fid}/break-glass/{bid}/review", tag = "book", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"), ("bid" = Uuid, Path, description = "Break-glass id")),
    request_body = ReviewBreakGlassRequest,
    responses(
        (status = 200, description = "The opening, reviewed", body = BreakGlass),
        (status = 403, description = "`forbidden`: not an administrator of the facility", content_type = "application/problem+json"),
        (status = 404, description = "No such opening at this facility", content_type = "application/problem+json"),
        (status = 409, description = "`already_reviewed`", content_type = "application/problem+json"),
        (status = 422, description = "`note` missing or too short", content_type = "application/problem+json"),
    ))]
pub async fn review_break_glass(
    State(state): State<AppState>,
    actor: Actor,
    Path((fid, bid)): Path<(Uuid, Uuid)>,
    ValidJson(request): ValidJson<ReviewBreakGlassRequest>,
) -> ApiResult<Json<BreakGlass>> {
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let note =
        check_reason("note", &request.note).map_err(|issue| ApiError::invalid(vec![issue]))?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let reviewed = break_glass::Entity::update_many()
        .col_expr(break_glass::Column::ReviewedAt, Expr::value(now))
        .col_expr(
            break_glass::Column::ReviewedBy,
            Expr::value(actor.account_id),
        )
        .col_expr(
            break_glass::Column::Justified,
            Expr::value(request.justified),
        )
        .col_expr(break_glass::Column::ReviewNote, Expr::value(note))
        .filter(break_glass::Column::Id.eq(bid))
        .filter(break_glass::Column::FacilityId.eq(fid))
        .filter(break_glass::Column::ReviewedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    let row = break_glass::Entity::find_by_id(bid)
        .filter(break_glass::Column::FacilityId.eq(fid))
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if reviewed == 0 {
        return Err(ApiError::conflict(ProblemCode::AlreadyReviewed));
    }
    txn.commit().await?;
    Ok(Json(view(row)))
}
