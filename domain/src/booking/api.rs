//! The request and response shapes of booking, shared by the server and the mobile core.
//! Dates and times of day are local (Asia/Ho_Chi_Minh) and travel as text (`YYYY-MM-DD`,
//! `HH:MM`) so that a malformed or ambiguous one gets its own error code; instants are UTC.

use super::schedule::{DayOfWeek, Session, WeeklyTemplate, first_overlap};
use super::time::{parse_date, parse_time};
use crate::facility::{ServiceType, specialty};
use crate::issue::{FieldIssue, Issues};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------
// Schedules

/// One weekly session: a day and a local time range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionTimes {
    pub day: DayOfWeek,
    /// Local time `HH:MM`.
    #[cfg_attr(feature = "openapi", schema(example = "07:00"))]
    pub start: String,
    /// Local time `HH:MM`, after `start`.
    #[cfg_attr(feature = "openapi", schema(example = "11:30"))]
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CreateScheduleRequest {
    pub service: ServiceType,
    /// A specialty code (`cardiology`); slots are then found by specialty.
    #[serde(default)]
    pub specialty: Option<String>,
    /// The practitioner who holds the sessions, if the schedule is a doctor's.
    #[serde(default)]
    pub practitioner_id: Option<Uuid>,
    /// A room code of the facility.
    #[serde(default)]
    pub room: Option<String>,
    /// The queue whose numbers (số thứ tự) the bookings take: the room when absent, else the
    /// service (and specialty).
    #[serde(default)]
    pub queue: Option<String>,
    /// Minutes per slot, 5–240.
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 240))]
    pub slot_minutes: u32,
    /// Bookings per slot, 1–500.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 500))]
    pub capacity: u32,
    /// First local date the schedule applies, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-01", format = Date))]
    pub valid_from: String,
    /// Last local date it applies, if it ends.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    #[serde(default)]
    pub valid_until: Option<String>,
    /// Holds sessions on public holidays too (Tết included).
    #[serde(default)]
    pub open_on_holidays: bool,
    pub sessions: Vec<SessionTimes>,
}

/// A schedule whose every field holds a valid value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleSpec {
    pub service: ServiceType,
    pub specialty: Option<String>,
    pub practitioner_id: Option<Uuid>,
    pub room: Option<String>,
    pub queue: String,
    pub capacity: u32,
    pub template: WeeklyTemplate,
}

pub const MAX_SESSIONS: usize = 28;

fn label(field: &str, value: Option<&str>, issues: &mut Issues) -> Option<String> {
    let value = value?.trim();
    let valid = !value.is_empty()
        && value.chars().count() <= 32
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'));
    if !valid {
        issues.push(FieldIssue::new(
            field,
            "invalid_label",
            "Tối đa 32 ký tự gồm chữ, số, khoảng trắng, '-', '_' hoặc '.'.",
            "At most 32 characters: letters, digits, spaces, '-', '_' or '.'.",
        ));
        return None;
    }
    Some(value.to_owned())
}

/// A specialty code known to the platform.
pub fn check_specialty(field: &str, code: &str, issues: &mut Issues) -> Option<String> {
    if specialty(code).is_some() {
        Some(code.to_owned())
    } else {
        issues.push(FieldIssue::new(
            field,
            "unknown_specialty",
            "Chuyên khoa không có trong danh mục.",
            "This specialty is not in the list.",
        ));
        None
    }
}

fn session(index: usize, times: &SessionTimes, issues: &mut Issues) -> Option<Session> {
    let start = issues.check(format!("sessions[{index}].start"), parse_time(&times.start));
    let end = issues.check(format!("sessions[{index}].end"), parse_time(&times.end));
    let (start, end) = (start?, end?);
    if end <= start {
        issues.push(FieldIssue::new(
            format!("sessions[{index}].end"),
            "session_ends_before_start",
            "Giờ kết thúc phải sau giờ bắt đầu.",
            "A session must end after it starts.",
        ));
        return None;
    }
    Some(Session {
        day: times.day,
        start,
        end,
    })
}

impl CreateScheduleRequest {
    pub fn parse(&self) -> Result<ScheduleSpec, Vec<FieldIssue>> {
        let mut issues = Issues::default();
        let specialty = match &self.specialty {
            Some(code) => check_specialty("specialty", code, &mut issues),
            None => None,
        };
        let room = label("room", self.room.as_deref(), &mut issues);
        let queue = label("queue", self.queue.as_deref(), &mut issues);
        if !(5..=240).contains(&self.slot_minutes) {
            issues.push(FieldIssue::new(
                "slot_minutes",
                "range",
                "Độ dài khung giờ từ 5 đến 240 phút.",
                "A slot lasts 5 to 240 minutes.",
            ));
        }
        if !(1..=500).contains(&self.capacity) {
            issues.push(FieldIssue::new(
                "capacity",
                "range",
                "Số chỗ mỗi khung giờ từ 1 đến 500.",
                "A slot holds 1 to 500 bookings.",
            ));
        }
        let valid_from = issues.check("valid_from", parse_date(&self.valid_from));
        let valid_until = match &self.valid_until {
            Some(text) => issues.check("valid_until", parse_date(text)),
            None => None,
        };
        if let (Some(from), Some(until)) = (valid_from, valid_until)
            && until < from
        {
            issues.push(FieldIssue::new(
                "valid_until",
                "date_range_reversed",
                "Ngày kết thúc phải từ ngày bắt đầu trở đi.",
                "The end date must not be before the start date.",
            ));
        }
        if self.sessions.is_empty() || self.sessions.len() > MAX_SESSIONS {
            issues.push(FieldIssue::new(
                "sessions",
                "length",
                "Cần từ 1 đến 28 buổi trong tuần.",
                "A schedule has 1 to 28 weekly sessions.",
            ));
        }
        let sessions: Vec<Option<Session>> = self
            .sessions
            .iter()
            .enumerate()
            .map(|(i, times)| session(i, times, &mut issues))
            .collect();
        for (i, s) in sessions.iter().enumerate() {
            if let Some(s) = s
                && (s.end - s.start).num_minutes() < i64::from(self.slot_minutes)
            {
                issues.push(FieldIssue::new(
                    format!("sessions[{i}].end"),
                    "session_shorter_than_slot",
                    "Buổi ngắn hơn một khung giờ.",
                    "The session is shorter than one slot.",
                ));
            }
        }
        let sessions: Vec<Session> = sessions.into_iter().flatten().collect();
        if sessions.len() == self.sessions.len()
            && let Some((_, second)) = first_overlap(&sessions)
        {
            issues.push(FieldIssue::new(
                format!("sessions[{second}]"),
                "schedule_overlap",
                "Buổi này trùng giờ với một buổi khác trong cùng ngày.",
                "This session overlaps another session on the same day.",
            ));
        }
        let queue = queue
            .or_else(|| room.clone())
            .unwrap_or_else(|| match &specialty {
                Some(code) => format!("{}-{code}", self.service.as_str()),
                None => self.service.as_str().to_owned(),
            });
        let spec = valid_from.map(|valid_from| ScheduleSpec {
            service: self.service,
            specialty,
            practitioner_id: self.practitioner_id,
            room,
            queue,
            capacity: self.capacity,
            template: WeeklyTemplate {
                sessions,
                slot_minutes: self.slot_minutes,
                valid_from,
                valid_until,
                open_on_holidays: self.open_on_holidays,
            },
        });
        issues.into_result(spec)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Schedule {
    pub id: Uuid,
    pub facility_id: Uuid,
    pub service: ServiceType,
    pub specialty: Option<String>,
    pub practitioner_id: Option<Uuid>,
    pub room: Option<String>,
    pub queue: String,
    pub slot_minutes: u32,
    pub capacity: u32,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub open_on_holidays: bool,
    pub sessions: Vec<SessionTimes>,
    /// False once retired: no new slots, its open future slots closed.
    pub active: bool,
    /// Slots that exist now, from today to the end of the booking horizon.
    pub slots_ahead: u32,
}

// ---------------------------------------------------------------------------------------
// Closures: holidays the facility adds, closures, a practitioner's leave

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ClosureKind {
    /// A holiday beyond the national ones (the extra Tết days announced each year).
    Holiday,
    /// The facility (or one schedule) does not hold sessions.
    Closure,
    /// A practitioner is away: that practitioner's schedules are closed.
    Leave,
}

impl ClosureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClosureKind::Holiday => "holiday",
            ClosureKind::Closure => "closure",
            ClosureKind::Leave => "leave",
        }
    }

    pub fn parse(value: &str) -> Option<ClosureKind> {
        [
            ClosureKind::Holiday,
            ClosureKind::Closure,
            ClosureKind::Leave,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CreateClosureRequest {
    pub kind: ClosureKind,
    /// First local date closed, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub from: String,
    /// Last local date closed (inclusive).
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub until: String,
    /// With `end`: only this window of each day (`HH:MM`); the whole day when absent.
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    /// Only this schedule; every schedule of the facility when absent.
    #[serde(default)]
    pub schedule_id: Option<Uuid>,
    /// For `leave`: the practitioner who is away.
    #[serde(default)]
    pub practitioner_id: Option<Uuid>,
    #[validate(length(max = 200))]
    pub reason: String,
    /// Cancels the appointments already booked in the closed slots (each citizen is told by
    /// mail); otherwise they stay, and only new bookings are refused.
    #[serde(default)]
    pub cancel_appointments: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureSpec {
    pub kind: ClosureKind,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub window: Option<(NaiveTime, NaiveTime)>,
    pub schedule_id: Option<Uuid>,
    pub practitioner_id: Option<Uuid>,
    pub reason: String,
    pub cancel_appointments: bool,
}

/// Longest closure that one request may declare.
pub const MAX_CLOSURE_DAYS: i64 = 366;

impl CreateClosureRequest {
    pub fn parse(&self) -> Result<ClosureSpec, Vec<FieldIssue>> {
        let mut issues = Issues::default();
        let from = issues.check("from", parse_date(&self.from));
        let until = issues.check("until", parse_date(&self.until));
        if let (Some(from), Some(until)) = (from, until)
            && (until < from || (until - from).num_days() >= MAX_CLOSURE_DAYS)
        {
            issues.push(FieldIssue::new(
                "until",
                "date_range_invalid",
                "Khoảng ngày phải từ ngày bắt đầu trở đi và không quá một năm.",
                "The range must not end before it starts nor last more than a year.",
            ));
        }
        let window = match (&self.start, &self.end) {
            (None, None) => None,
            (Some(start), Some(end)) => {
                let start = issues.check("start", parse_time(start));
                let end = issues.check("end", parse_time(end));
                match (start, end) {
                    (Some(start), Some(end)) if end > start => Some((start, end)),
                    (Some(_), Some(_)) => {
                        issues.push(FieldIssue::new(
                            "end",
                            "session_ends_before_start",
                            "Giờ kết thúc phải sau giờ bắt đầu.",
                            "The window must end after it starts.",
                        ));
                        None
                    }
                    _ => None,
                }
            }
            _ => {
                issues.push(FieldIssue::new(
                    "end",
                    "window_incomplete",
                    "Cần cả giờ bắt đầu và giờ kết thúc, hoặc không có cả hai.",
                    "Give both start and end, or neither.",
                ));
                None
            }
        };
        if self.kind == ClosureKind::Leave && self.practitioner_id.is_none() {
            issues.push(FieldIssue::new(
                "practitioner_id",
                "required",
                "Nghỉ phép cần chỉ rõ người hành nghề.",
                "A leave names the practitioner who is away.",
            ));
        }
        let spec = from.zip(until).map(|(from, until)| ClosureSpec {
            kind: self.kind,
            from,
            until,
            window,
            schedule_id: self.schedule_id,
            practitioner_id: self.practitioner_id,
            reason: self.reason.trim().to_owned(),
            cancel_appointments: self.cancel_appointments,
        });
        issues.into_result(spec)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Closure {
    pub id: Uuid,
    pub facility_id: Uuid,
    pub kind: ClosureKind,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub start: Option<String>,
    pub end: Option<String>,
    pub schedule_id: Option<Uuid>,
    pub practitioner_id: Option<Uuid>,
    pub reason: String,
    /// Slots that this closure closed.
    pub slots_closed: u32,
    /// Appointments cancelled because of it.
    pub appointments_cancelled: u32,
}

// ---------------------------------------------------------------------------------------
// Slots

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SlotStatus {
    Open,
    Closed,
}

impl SlotStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SlotStatus::Open => "open",
            SlotStatus::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<SlotStatus> {
        [SlotStatus::Open, SlotStatus::Closed]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Slot {
    pub id: Uuid,
    pub facility_id: Uuid,
    pub schedule_id: Uuid,
    pub service: ServiceType,
    pub specialty: Option<String>,
    pub practitioner_id: Option<Uuid>,
    pub room: Option<String>,
    /// Local date.
    pub date: NaiveDate,
    /// Local time `HH:MM`.
    pub start: String,
    pub end: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: u32,
    pub booked: u32,
    pub remaining: u32,
    pub status: SlotStatus,
}

// ---------------------------------------------------------------------------------------
// Appointments

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    CheckedIn,
    NoShow,
    Cancelled,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 4] = [
        AppointmentStatus::Booked,
        AppointmentStatus::CheckedIn,
        AppointmentStatus::NoShow,
        AppointmentStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::NoShow => "no_show",
            AppointmentStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<AppointmentStatus> {
        AppointmentStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// Who cancelled an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum CancelledBy {
    Citizen,
    Facility,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BookAppointmentRequest {
    pub slot_id: Uuid,
    /// The service the citizen means to book; a slot of another service is refused.
    pub service: ServiceType,
    /// For whom: the caller's own citizen id (the default) or a dependent's.
    #[serde(default)]
    pub citizen_id: Option<Uuid>,
}

/// A place taken for a short time while the citizen confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HoldSlotRequest {
    /// The service the citizen means to book; a slot of another service is refused.
    pub service: ServiceType,
    /// For whom: the caller's own citizen id (the default) or a dependent's.
    #[serde(default)]
    pub citizen_id: Option<Uuid>,
}

/// A place on hold: booking the same slot for the same person before `expires_at` takes it
/// (`POST /v1/appointments`); after that the place is anyone's again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SlotHold {
    pub id: Uuid,
    pub slot_id: Uuid,
    pub citizen_id: Uuid,
    pub facility_id: Uuid,
    pub service: ServiceType,
    pub starts_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub state: HoldState,
}

/// Where a hold stands. A hold past `expires_at` reads as `lapsed` even before anyone took
/// its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum HoldState {
    Held,
    /// Booked: the place is the appointment's.
    Converted,
    /// Given back by the citizen.
    Released,
    /// Not booked in time.
    Lapsed,
}

impl HoldState {
    pub fn as_str(self) -> &'static str {
        match self {
            HoldState::Held => "held",
            HoldState::Converted => "converted",
            HoldState::Released => "released",
            HoldState::Lapsed => "lapsed",
        }
    }

    /// The state as stored, read at `now`: a stored `held` past its expiry has lapsed.
    pub fn stored(stored: &str, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> HoldState {
        match stored {
            "converted" => HoldState::Converted,
            "released" => HoldState::Released,
            "held" if expires_at > now => HoldState::Held,
            _ => HoldState::Lapsed,
        }
    }
}

/// Waiting for a place in a full slot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct JoinWaitlistRequest {
    /// For whom: the caller's own citizen id (the default) or a dependent's.
    #[serde(default)]
    pub citizen_id: Option<Uuid>,
}

/// A place in a slot's waitlist. When a place of the slot frees, the first person waiting is
/// offered it as a hold (`offer`) and told by mail; booking the slot takes it, and an offer
/// left unanswered passes to the next person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WaitlistEntry {
    pub id: Uuid,
    pub slot_id: Uuid,
    pub service: ServiceType,
    pub citizen_id: Uuid,
    pub facility_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub state: WaitlistState,
    /// 1 for the next person to be offered a place; only while waiting.
    pub position: Option<u32>,
    /// The place offered, while it is.
    pub offer: Option<SlotHold>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum WaitlistState {
    Waiting,
    /// A place is held for the person: book the slot before the offer expires.
    Offered,
    /// The offered place was booked.
    Booked,
    /// The offer expired or was given back; the place went to the next person.
    Missed,
    /// The person left the waitlist.
    Left,
}

impl WaitlistState {
    /// An entry as stored, read through the state of the hold it was offered (if any).
    pub fn read(stored: &str, offer: Option<HoldState>) -> WaitlistState {
        match (stored, offer) {
            ("waiting", _) => WaitlistState::Waiting,
            ("offered", Some(HoldState::Held)) => WaitlistState::Offered,
            ("offered", Some(HoldState::Converted)) => WaitlistState::Booked,
            ("offered", _) => WaitlistState::Missed,
            _ => WaitlistState::Left,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CancelAppointmentRequest {
    #[serde(default)]
    #[validate(length(max = 200))]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RescheduleAppointmentRequest {
    /// The new slot, of the same facility and service.
    pub slot_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Appointment {
    pub id: Uuid,
    /// What the citizen shows at the reception kiosk (also as a QR code).
    #[cfg_attr(feature = "openapi", schema(example = "7KQM-2X9D-H4TA-R"))]
    pub code: String,
    pub status: AppointmentStatus,
    pub citizen_id: Uuid,
    pub citizen_name: String,
    pub facility_id: Uuid,
    pub facility_name: String,
    pub facility_address: String,
    pub service: ServiceType,
    pub specialty: Option<String>,
    pub practitioner_id: Option<Uuid>,
    pub room: Option<String>,
    pub slot_id: Uuid,
    /// The queue and the number in it (số thứ tự) for the day.
    pub queue: String,
    pub queue_number: u32,
    /// Local date and times.
    pub date: NaiveDate,
    pub start: String,
    pub end: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Until when the citizen may cancel or reschedule.
    pub cancellable_until: DateTime<Utc>,
    pub booked_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<CancelledBy>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// For a registration at a vaccination session: the catalogue code of the vaccine.
    pub vaccine: Option<String>,
}

// ---------------------------------------------------------------------------------------
// The platform's booking policy

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BookingSettings {
    /// Citizens may cancel or reschedule until this many minutes before the start.
    #[validate(range(max = 10080))]
    pub cancel_cutoff_minutes: u32,
    /// Future appointments one citizen may hold at once.
    #[validate(range(min = 1, max = 100))]
    pub max_future_appointments: u32,
    /// The reminder goes this many minutes before the start.
    #[validate(range(min = 30, max = 10080))]
    pub reminder_lead_minutes: u32,
    /// Days ahead for which slots exist.
    #[validate(range(min = 1, max = 180))]
    pub horizon_days: u32,
    /// Minutes a place on hold stays the citizen's; a hold that was not booked by then gives
    /// its place back by itself. Five when not given.
    #[serde(default = "default_hold_minutes")]
    #[validate(range(min = 1, max = 60))]
    pub hold_minutes: u32,
}

fn default_hold_minutes() -> u32 {
    5
}

impl From<super::rules::Policy> for BookingSettings {
    fn from(policy: super::rules::Policy) -> BookingSettings {
        BookingSettings {
            cancel_cutoff_minutes: u32::try_from(policy.cancel_cutoff.num_minutes()).unwrap_or(0),
            max_future_appointments: policy.max_future_appointments,
            reminder_lead_minutes: u32::try_from(policy.reminder_lead.num_minutes()).unwrap_or(0),
            horizon_days: policy.horizon_days,
            hold_minutes: u32::try_from(policy.hold_for.num_minutes()).unwrap_or(0),
        }
    }
}

impl From<BookingSettings> for super::rules::Policy {
    fn from(settings: BookingSettings) -> super::rules::Policy {
        super::rules::Policy {
            cancel_cutoff: chrono::Duration::minutes(i64::from(settings.cancel_cutoff_minutes)),
            max_future_appointments: settings.max_future_appointments,
            reminder_lead: chrono::Duration::minutes(i64::from(settings.reminder_lead_minutes)),
            horizon_days: settings.horizon_days,
            hold_for: chrono::Duration::minutes(i64::from(settings.hold_minutes)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::booking::time::format_time;

    fn request() -> CreateScheduleRequest {
        CreateScheduleRequest {
            service: ServiceType::Examination,
            specialty: Some("cardiology".into()),
            practitioner_id: None,
            room: Some("P.101".into()),
            queue: None,
            slot_minutes: 15,
            capacity: 4,
            valid_from: "2026-12-01".into(),
            valid_until: None,
            open_on_holidays: false,
            sessions: vec![
                SessionTimes {
                    day: DayOfWeek::Monday,
                    start: "07:00".into(),
                    end: "11:30".into(),
                },
                SessionTimes {
                    day: DayOfWeek::Monday,
                    start: "13:30".into(),
                    end: "17:00".into(),
                },
            ],
        }
    }

    #[test]
    fn a_valid_schedule_parses_and_queues_by_room() {
        let spec = request().parse().unwrap();
        assert_eq!(spec.queue, "P.101");
        assert_eq!(spec.template.sessions.len(), 2);
        assert_eq!(format_time(spec.template.sessions[1].start), "13:30");
        let mut no_room = request();
        no_room.room = None;
        assert_eq!(no_room.parse().unwrap().queue, "examination-cardiology");
    }

    #[test]
    fn overlapping_sessions_are_refused_with_a_stable_code() {
        let mut overlapping = request();
        overlapping.sessions[1].start = "11:00".into();
        let issues = overlapping.parse().unwrap_err();
        assert!(
            issues
                .iter()
                .any(|i| i.code == "schedule_overlap" && i.field == "sessions[1]")
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut bad = request();
        bad.valid_from = "01/12/2026".into();
        bad.slot_minutes = 1;
        bad.capacity = 0;
        bad.specialty = Some("astrology".into());
        bad.sessions[0].end = "06:00".into();
        let issues = bad.parse().unwrap_err();
        let codes: Vec<&str> = issues.iter().map(|i| i.code.as_str()).collect();
        for code in [
            "date_ambiguous",
            "range",
            "unknown_specialty",
            "session_ends_before_start",
        ] {
            assert!(codes.contains(&code), "{code} missing from {codes:?}");
        }
    }

    #[test]
    fn a_leave_needs_a_practitioner_and_a_window_needs_both_ends() {
        let closure = CreateClosureRequest {
            kind: ClosureKind::Leave,
            from: "2026-12-01".into(),
            until: "2026-12-03".into(),
            start: Some("07:00".into()),
            end: None,
            schedule_id: None,
            practitioner_id: None,
            reason: "Nghỉ phép".into(),
            cancel_appointments: false,
        };
        let codes: Vec<String> = closure
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|i| i.code)
            .collect();
        assert!(
            codes.iter().any(|c| c == "required") && codes.iter().any(|c| c == "window_incomplete"),
            "{codes:?}"
        );
    }
}
