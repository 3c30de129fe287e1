//! The vaccinator's side: the day prepared while there is network (the facility's
//! appointments of the day, its lots, and the targets of its sessions that day), the person
//! behind a scanned appointment QR (their due antigens, the screening checklist their age
//! calls for, the lots that may be given), and the dose —
//! recorded at once, or queued with its idempotency key at an outreach site without network
//! and settled by `offline().sync()`, whose report says `DoseRecorded` or `DoseRefused`.
//!
//! Offline, the phone warns early with the domain's own rules (`check_dose` on the book it
//! last read, `lot_refusal` on the lots of the day); the server decides again on sync.
//!
//! A booked person's book is closed to the facility until they are checked in, and a phone
//! at an outreach site cannot read it: the session's targets (its due list, which the server
//! logs as read for each person listed) answer their due antigens then, as the server worked
//! them out when the day was prepared.

use super::conflict::DoseConflict;
use super::error::VaccinationError;
use super::{DueLine, DueView, due_line, due_view, rollout};
use crate::Timestamp;
use crate::book::BookClient;
use crate::context::Core;
use crate::error::{CommonError, CoreError};
use crate::http::{Auth, decode, query_string};
use crate::queue::{ActionResult, Deliver, OfflineAction, PendingAction, Sent, send_or_queue};
use crate::store::CachedEntry;
use chrono::NaiveDate;
use healthbook_domain::booking::{Appointment, AppointmentCode, AppointmentStatus};
use healthbook_domain::page::Page;
use healthbook_domain::vaccine::doses::{AdministerRequest, Administered};
use healthbook_domain::vaccine::due::{DoseHistory, ProposedDose, Vaccinee, check_dose};
use healthbook_domain::vaccine::screening::{Effect, ScreeningGroup, checklist};
use healthbook_domain::vaccine::session::{DueListEntry, VaccinationSession};
use healthbook_domain::vaccine::stock::{LotBalance, LotState, StockList, lot_refusal};
use healthbook_domain::vaccine::{Programme, entry as entry_of_catalogue};
use healthbook_domain::{FieldIssue, Lang};
use std::sync::Arc;
use uuid::Uuid;

/// The kinds under which the day is cached in the store's entries.
const VISIT: &str = "vaccination_visit";
const LOT: &str = "vaccine_lot";
const TARGET: &str = "vaccination_target";

/// Pages of a day's appointments read at most, 100 each.
const MAX_PAGES: usize = 20;

/// A facility's vaccination day as this phone holds it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct VaccinationDay {
    pub facility_id: Uuid,
    pub date: NaiveDate,
    /// The day's appointments, each with the code its QR holds.
    pub appointments: Vec<Appointment>,
    /// Every lot the facility holds, soonest expiry first, as the server listed them.
    pub lots: Vec<LotBalance>,
    /// The people the day's sessions are for (each session's targets: residents of the
    /// commune it serves due for its vaccines), each once with the antigens that list them,
    /// as the server worked them out when the day was prepared. Empty for a caller who may
    /// not read due lists.
    pub targets: Vec<DueListEntry>,
    pub prepared_at: Timestamp,
    /// The server could not be reached: this is the copy prepared earlier.
    pub from_cache: bool,
}

/// The person behind a scanned code, with what the vaccinator needs before a dose.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Visit {
    pub appointment: Appointment,
    /// Where the person stands today; none when their book could not be read (offline,
    /// before any read of it on this phone, or closed until they are checked in).
    pub due: Option<DueView>,
    /// When `due` is none: the antigens the day's session targets list the person for, in
    /// the app's language, as the server worked them out when the day was prepared; empty
    /// when they were not listed (they live outside the session's commune, or nothing the
    /// session offers was due).
    pub due_antigens: Vec<DueLine>,
    /// The checklist the person's age calls for (`ScreeningGroup::of`), from the birth date
    /// of their book or of the day's targets; none when the phone knows neither. Pregnancy is
    /// not recorded yet, so this is never `Pregnant`: the vaccinator switches to it.
    pub screening_group: Option<ScreeningGroup>,
    /// The lots of the appointment's vaccine (all, when it names none) that may be given
    /// today by what the phone knows.
    pub lots: Vec<LotBalance>,
    /// Whether the appointment's vaccine is the expanded programme's or a paid one, as the
    /// catalogue says (the dose's `programme`); none when the appointment names no vaccine.
    pub programme: Option<Programme>,
    pub from_cache: bool,
}

/// One question of the screening checklist, in the app's language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScreeningQuestion {
    /// The code the answer names (`acute_illness`); `temperature` is answered with the
    /// measured temperature, the others yes or no.
    pub item: String,
    pub question: String,
    pub effect: Effect,
    /// Whether the wording was checked against the decision's own text.
    pub verified: bool,
}

/// What became of a dose.
#[allow(
    clippy::large_enum_variant,
    reason = "returned once per dose and shown at once"
)]
#[derive(Debug, Clone, uniffi::Enum)]
pub enum DoseOutcome {
    /// Recorded now: the dose, and the next one proposed.
    Recorded { administered: Administered },
    /// No network: queued with its idempotency key, sent by `offline().sync()`. `warning`
    /// is what the phone already sees wrong with it (the server decides on sync).
    Queued {
        action: PendingAction,
        warning: Option<DoseConflict>,
    },
}

/// A person of the day's targets as the phone keeps them, under the facility whose day it is.
#[derive(serde::Serialize, serde::Deserialize)]
struct KeptTarget {
    facility_id: Uuid,
    target: DueListEntry,
}

/// A dose, which a vaccinator may give offline.
pub(crate) struct DoseRecording {
    pub request: AdministerRequest,
    pub citizen_id: Option<Uuid>,
    pub citizen_name: Option<String>,
}

impl Deliver for DoseRecording {
    type Delivered = Administered;

    async fn deliver(&self, core: &Core, key: Uuid) -> Result<Administered, CoreError> {
        let body = core
            .api
            .post_raw("/v1/immunizations", &self.request, Auth::Bearer, key)
            .await?;
        decode(&body)
    }

    fn applied(administered: Administered) -> ActionResult {
        ActionResult::DoseRecorded { administered }
    }

    fn queued(self) -> OfflineAction {
        OfflineAction::RecordDose {
            request: self.request,
            citizen_id: self.citizen_id,
            citizen_name: self.citizen_name,
        }
    }
}

#[derive(uniffi::Object)]
pub struct VaccinatorClient {
    core: Arc<Core>,
}

impl VaccinatorClient {
    pub(crate) fn new(core: Arc<Core>) -> VaccinatorClient {
        VaccinatorClient { core }
    }

    async fn fetch_day(
        &self,
        facility_id: Uuid,
        date: NaiveDate,
    ) -> Result<VaccinationDay, CoreError> {
        let mut appointments: Vec<Appointment> = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let path = format!(
                "/v1/facilities/{facility_id}/appointments{}",
                query_string(&[
                    ("date", Some(date.to_string())),
                    ("cursor", cursor.take()),
                    ("limit", Some("100".to_owned())),
                ])
            );
            let page: Page<Appointment> = self.core.api.get(&path, Auth::Bearer).await?;
            appointments.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let lots = self.fetch_lots(facility_id).await?;
        let targets = self.fetch_targets(facility_id, date).await?;
        let now = self.core.clock.now();
        let visits = appointments
            .iter()
            .map(|a| entry(VISIT, a.id, a.citizen_id, now, a))
            .collect::<Result<Vec<_>, _>>()?;
        let kept = targets
            .iter()
            .map(|t| {
                let body = KeptTarget {
                    facility_id,
                    target: t.clone(),
                };
                entry(TARGET, t.citizen_id, t.citizen_id, now, &body)
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.core
            .store(move |store| {
                store.replace_kind(VISIT, &visits)?;
                store.replace_kind(TARGET, &kept)
            })
            .await?;
        Ok(VaccinationDay {
            facility_id,
            date,
            appointments,
            lots,
            targets,
            prepared_at: now,
            from_cache: false,
        })
    }

    /// The targets of the facility's sessions on `date`, every page, each person once (one
    /// in two sessions of the day has the antigens of both). A caller who may not read due
    /// lists gets none; the rest of the day does not depend on them.
    async fn fetch_targets(
        &self,
        facility_id: Uuid,
        date: NaiveDate,
    ) -> Result<Vec<DueListEntry>, CoreError> {
        let path = format!(
            "/v1/facilities/{facility_id}/vaccination-sessions{}",
            query_string(&[
                ("from", Some(date.to_string())),
                ("to", Some(date.to_string())),
            ])
        );
        let sessions: Vec<VaccinationSession> = self.core.api.get(&path, Auth::Public).await?;
        let mut people: Vec<DueListEntry> = Vec::new();
        for session in sessions
            .iter()
            .filter(|s| s.date == date && s.cancelled_at.is_none())
        {
            let mut cursor: Option<String> = None;
            for _ in 0..MAX_PAGES {
                let path = format!(
                    "/v1/vaccination-sessions/{}/targets{}",
                    session.id,
                    query_string(&[("cursor", cursor.take()), ("limit", Some("100".to_owned())),])
                );
                let page: Page<DueListEntry> = match self.core.api.get(&path, Auth::Bearer).await {
                    Ok(page) => page,
                    Err(CoreError::Problem(problem)) if matches!(problem.status, 403 | 404) => {
                        tracing::info!(problem.code = %problem.code, "a session's targets were not read");
                        break;
                    }
                    Err(other) => return Err(other),
                };
                for person in page.items {
                    add_target(&mut people, person);
                }
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
        }
        Ok(people)
    }

    /// The facility's lots, fresh, and kept as the phone's copy (one facility's at a time:
    /// a vaccinator works at one site a day).
    async fn fetch_lots(&self, facility_id: Uuid) -> Result<Vec<LotBalance>, CoreError> {
        let stock: StockList = self
            .core
            .api
            .get(&format!("/v1/facilities/{facility_id}/stock"), Auth::Bearer)
            .await?;
        let now = self.core.clock.now();
        // Lots are no one's record: they are kept under the facility's id.
        let rows = stock
            .items
            .iter()
            .map(|l| entry(LOT, l.lot_id, facility_id, now, l))
            .collect::<Result<Vec<_>, _>>()?;
        self.core
            .store(move |store| store.replace_kind(LOT, &rows))
            .await?;
        Ok(stock.items)
    }

    async fn cached_appointments(&self) -> Result<Vec<(Appointment, Timestamp)>, CoreError> {
        let rows = self
            .core
            .store(|store| store.entries_of_kind(VISIT))
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| Some((serde_json::from_value(row.body).ok()?, row.updated_at)))
            .collect())
    }

    /// The day's targets as kept, those of `facility_id`.
    async fn cached_targets(&self, facility_id: Uuid) -> Result<Vec<DueListEntry>, CoreError> {
        let rows = self
            .core
            .store(|store| store.entries_of_kind(TARGET))
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| serde_json::from_value::<KeptTarget>(row.body).ok())
            .filter(|kept| kept.facility_id == facility_id)
            .map(|kept| kept.target)
            .collect())
    }

    async fn cached_lots(&self, facility_id: Uuid) -> Result<Vec<LotBalance>, CoreError> {
        let rows = self.core.store(|store| store.entries_of_kind(LOT)).await?;
        let mut lots: Vec<LotBalance> = rows
            .into_iter()
            .filter(|row| row.citizen_id == facility_id)
            .filter_map(|row| serde_json::from_value(row.body).ok())
            .collect();
        lots.sort_by_key(|l| (l.expires_on, l.lot_id));
        Ok(lots)
    }

    /// The appointment behind `code`: asked of the server, else found in the day's copy.
    async fn find_visit(
        &self,
        facility_id: Uuid,
        code: &AppointmentCode,
    ) -> Result<(Appointment, bool), CoreError> {
        let path = format!(
            "/v1/facilities/{facility_id}/appointments{}",
            query_string(&[("code", Some(code.as_str().to_owned()))])
        );
        match self
            .core
            .api
            .get::<Page<Appointment>>(&path, Auth::Bearer)
            .await
        {
            Ok(page) => {
                let found = page.items.into_iter().next().ok_or_else(not_found)?;
                Ok((found, false))
            }
            Err(CoreError::Network(error)) => self
                .cached_appointments()
                .await?
                .into_iter()
                .map(|(a, _)| a)
                .find(|a| a.facility_id == facility_id && same_code(&a.code, code))
                .map(|a| (a, true))
                .ok_or(CoreError::Network(error)),
            Err(other) => Err(other),
        }
    }

    /// What the phone already sees wrong with a dose it is about to queue: the lot by the
    /// day's copy (and the doses already queued from it), the person by their cached book.
    async fn early_warning(&self, request: &AdministerRequest) -> Option<DoseConflict> {
        let today = self.core.clock.today();
        let lots = self
            .core
            .store(|store| store.entries_of_kind(LOT))
            .await
            .ok()?;
        let lot = lots
            .into_iter()
            .filter_map(|row| serde_json::from_value::<LotBalance>(row.body).ok())
            .find(|l| l.lot_id == request.lot_id);
        if let Some(lot) = lot {
            let state = LotState {
                expires_on: lot.expires_on,
                quarantined: lot.quarantined_at.is_some(),
                vvm_stage: lot.vvm_stage,
            };
            if let Some(refusal) = lot_refusal(&state, today) {
                return Some(DoseConflict::from_lot(refusal));
            }
            let queued = self.queued_from(request.lot_id).await;
            if i64::try_from(queued).unwrap_or(i64::MAX) > lot.doses {
                return Some(DoseConflict::LotExhausted);
            }
        }
        let citizen_id = self.citizen_of(request).await?;
        let view = BookClient::new(self.core.clone())
            .cached_book(citizen_id)
            .await
            .ok()??;
        let person = Vaccinee {
            province_offers: rollout::kept_offers(&self.core, view.administrative.as_ref(), today)
                .await,
            ..Vaccinee::by_birth(view.citizen.date_of_birth, view.citizen.sex)
        };
        let history = DoseHistory::from_book(&view.immunizations);
        let proposed = ProposedDose {
            vaccine: request.vaccine.clone(),
            product: request.product.clone(),
        };
        check_dose(&person, &history, &proposed, today)
            .err()
            .map(|refusal| DoseConflict::from_refusal(&refusal))
    }

    /// Doses queued from `lot_id`, the one about to be queued included.
    async fn queued_from(&self, lot_id: Uuid) -> usize {
        let Ok(account_id) = self.core.account_id() else {
            return 0;
        };
        self.core
            .store(move |store| store.queued::<OfflineAction>(account_id))
            .await
            .map(|queued| {
                queued
                    .iter()
                    .filter(|q| {
                        matches!(&q.action, OfflineAction::RecordDose { request, .. } if request.lot_id == lot_id)
                    })
                    .count()
            })
            .unwrap_or(0)
    }

    async fn citizen_of(&self, request: &AdministerRequest) -> Option<Uuid> {
        if let Some(id) = request.citizen_id {
            return Some(id);
        }
        let code = AppointmentCode::parse(request.appointment_code.as_deref()?).ok()?;
        self.cached_appointments()
            .await
            .ok()?
            .into_iter()
            .find(|(a, _)| same_code(&a.code, &code))
            .map(|(a, _)| a.citizen_id)
    }

    async fn name_of(&self, request: &AdministerRequest) -> Option<String> {
        let code = AppointmentCode::parse(request.appointment_code.as_deref()?).ok()?;
        self.cached_appointments()
            .await
            .ok()?
            .into_iter()
            .find(|(a, _)| same_code(&a.code, &code))
            .map(|(a, _)| a.citizen_name)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl VaccinatorClient {
    /// Reads the facility's appointments of `date` and its lots, and keeps them on the phone
    /// for a site without network. Without network, the copy prepared earlier
    /// (`from_cache`); `NotFound`… as the server says otherwise.
    pub async fn prepare_day(
        &self,
        facility_id: Uuid,
        date: NaiveDate,
    ) -> Result<VaccinationDay, VaccinationError> {
        match self.fetch_day(facility_id, date).await {
            Ok(day) => Ok(day),
            Err(CoreError::Network(error)) => match self.day(facility_id).await? {
                Some(day) => Ok(day),
                None => Err(CoreError::Network(error).into()),
            },
            Err(other) => Err(other.into()),
        }
    }

    /// The day as this phone holds it; none before `prepare_day`.
    pub async fn day(&self, facility_id: Uuid) -> Result<Option<VaccinationDay>, VaccinationError> {
        let cached = self.cached_appointments().await?;
        let lots = self.cached_lots(facility_id).await?;
        let targets = self.cached_targets(facility_id).await?;
        let prepared_at = cached.iter().map(|(_, at)| *at).max();
        let appointments: Vec<Appointment> = cached
            .into_iter()
            .map(|(a, _)| a)
            .filter(|a| a.facility_id == facility_id)
            .collect();
        let (Some(prepared_at), Some(first)) = (prepared_at, appointments.first()) else {
            return Ok(None);
        };
        Ok(Some(VaccinationDay {
            facility_id,
            date: first.date,
            appointments,
            lots,
            targets,
            prepared_at,
            from_cache: true,
        }))
    }

    /// The person behind a scanned appointment QR (`HBAPPT:…`) or a typed code: checked in
    /// if only booked, so that their book opens to the facility, then their due list and
    /// the lots that may be given. Without network, from the day's copy.
    pub async fn open_visit(
        &self,
        facility_id: Uuid,
        scanned: String,
    ) -> Result<Visit, VaccinationError> {
        let code = AppointmentCode::parse(&scanned).map_err(|error| VaccinationError::Common {
            error: CommonError::InvalidInput {
                issues: vec![FieldIssue::of("code", &error)],
            },
        })?;
        let (mut appointment, mut from_cache) = self.find_visit(facility_id, &code).await?;
        // The server judges the day (`check_in_not_today`): a refusal only leaves the book
        // closed, and the dose itself checks the person in when it is given.
        if !from_cache && appointment.status == AppointmentStatus::Booked {
            match self
                .core
                .api
                .post::<_, Appointment>(
                    &format!("/v1/appointments/{}/check-in", appointment.id),
                    &serde_json::json!({}),
                    Auth::Bearer,
                )
                .await
            {
                Ok(checked_in) => appointment = checked_in,
                Err(CoreError::Network(_)) => from_cache = true,
                Err(CoreError::Problem(problem)) if problem.status == 409 => {
                    tracing::info!(problem.code = %problem.code, "the visit was not checked in");
                }
                Err(other) => return Err(other.into()),
            }
        }
        let book = BookClient::new(self.core.clone());
        let view = match book.book(appointment.citizen_id).await {
            Ok(view) => Some(view),
            // Not checked in (a day still to come), or nothing cached offline: no due list.
            Err(error) => {
                tracing::info!(error = %error, "the visit's book could not be read");
                None
            }
        };
        let (today, lang) = (self.core.clock.today(), self.core.lang);
        // The day's copy stands in for a book that could not be read.
        let target = match &view {
            Some(_) => None,
            None => self
                .cached_targets(facility_id)
                .await?
                .into_iter()
                .find(|t| t.citizen_id == appointment.citizen_id),
        };
        let birth = view
            .as_ref()
            .map(|v| v.citizen.date_of_birth)
            .or(target.as_ref().map(|t| t.date_of_birth));
        let screening_group = birth.map(|birth| ScreeningGroup::of(birth, today, false));
        let due = match view {
            Some(view) => {
                let offers = rollout::offers(&self.core, &view, today).await;
                Some(due_view(view, today, lang, offers))
            }
            None => None,
        };
        let due_antigens = target
            .map(|t| t.antigens.into_iter().map(|l| due_line(l, lang)).collect())
            .unwrap_or_default();
        let lots = match self.fetch_lots(facility_id).await {
            Ok(lots) => lots,
            Err(CoreError::Network(_)) => self.cached_lots(facility_id).await?,
            Err(other) => return Err(other.into()),
        };
        let lots = usable_lots(lots, appointment.vaccine.as_deref(), today);
        let programme = appointment
            .vaccine
            .as_deref()
            .and_then(entry_of_catalogue)
            .map(|v| v.programme);
        Ok(Visit {
            appointment,
            due,
            due_antigens,
            screening_group,
            lots,
            programme,
            from_cache,
        })
    }

    /// Records a dose given today. Without network it is queued with the idempotency key of
    /// this first attempt — a later sync, repeated or not, never gives it twice — and the
    /// phone's early warning comes with it.
    pub async fn record_dose(
        &self,
        mut request: AdministerRequest,
    ) -> Result<DoseOutcome, VaccinationError> {
        // The day it is given, fixed now: a sync tomorrow must not move the dose to tomorrow.
        request.given_on.get_or_insert(self.core.clock.today());
        let recording = DoseRecording {
            citizen_id: self.citizen_of(&request).await,
            citizen_name: self.name_of(&request).await,
            request: request.clone(),
        };
        Ok(match send_or_queue(&self.core, recording).await? {
            Sent::Now(administered) => DoseOutcome::Recorded { administered },
            Sent::Queued(action) => DoseOutcome::Queued {
                warning: self.early_warning(&request).await,
                action,
            },
        })
    }
}

#[uniffi::export]
impl VaccinatorClient {
    /// The screening checklist of a group, in the order it is asked, in the app's language:
    /// the domain's own, so it reads the same without network.
    pub fn screening_checklist(&self, group: ScreeningGroup) -> Vec<ScreeningQuestion> {
        checklist(group)
            .map(|item| ScreeningQuestion {
                item: item.item.to_owned(),
                question: match self.core.lang {
                    Lang::Vi => item.question_vi,
                    Lang::En => item.question_en,
                }
                .to_owned(),
                effect: item.effect,
                verified: item.verified,
            })
            .collect()
    }
}

fn not_found() -> CoreError {
    CoreError::Problem(crate::error::Problem {
        status: 404,
        code: "not_found".to_owned(),
        detail: String::new(),
        errors: Vec::new(),
        retry_after_seconds: None,
        earliest: None,
    })
}

/// Adds `person` to the day's targets, or the antigens not yet listed to theirs.
fn add_target(people: &mut Vec<DueListEntry>, person: DueListEntry) {
    match people
        .iter_mut()
        .find(|p| p.citizen_id == person.citizen_id)
    {
        Some(listed) => {
            for line in person.antigens {
                if !listed.antigens.iter().any(|l| l.antigen == line.antigen) {
                    listed.antigens.push(line);
                }
            }
        }
        None => people.push(person),
    }
}

fn same_code(text: &str, code: &AppointmentCode) -> bool {
    AppointmentCode::parse(text).is_ok_and(|c| &c == code)
}

fn entry<T: serde::Serialize>(
    kind: &str,
    id: Uuid,
    owner: Uuid,
    now: Timestamp,
    body: &T,
) -> Result<CachedEntry, CoreError> {
    Ok(CachedEntry {
        kind: kind.to_owned(),
        id: id.to_string(),
        citizen_id: owner,
        updated_at: now,
        body: serde_json::to_value(body).map_err(|e| CoreError::Decode(e.to_string()))?,
    })
}

/// The lots of `vaccine` (every lot when none is named) with doses left that the domain's
/// stock rule lets through on `today`.
pub(crate) fn usable_lots(
    lots: Vec<LotBalance>,
    vaccine: Option<&str>,
    today: NaiveDate,
) -> Vec<LotBalance> {
    lots.into_iter()
        .filter(|l| vaccine.is_none_or(|v| l.vaccine == v))
        .filter(|l| l.doses > 0 && l.unusable.is_none())
        .filter(|l| {
            let state = LotState {
                expires_on: l.expires_on,
                quarantined: l.quarantined_at.is_some(),
                vvm_stage: l.vvm_stage,
            };
            lot_refusal(&state, today).is_none()
        })
        .collect()
}
