//! Vaccine stock: the kinds of ledger movements and their signs, when a lot may be used, how
//! allocations flow down the levels, the multi-dose-vial policy, the checks of a movement
//! request and the monthly report's arithmetic. The server keeps the ledger and the
//! balances; every rule it applies to them is here.

mod api;

pub use api::{
    LotBalance, LotMonth, Movement, MovementRecorded, StockList, StockReport, VaccineMonth,
};

use crate::facility::FacilityLevel;
use crate::issue::{FieldIssue, Issues};
use crate::problem::ProblemCode;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// A row of the ledger, as stored (`stock_movements.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// From a supplier or the national store into this facility.
    Receipt,
    /// From the level above (province → district → facility).
    AllocationIn,
    AllocationOut,
    /// Between facilities, in either direction.
    TransferIn,
    TransferOut,
    /// A dose given (`immunization_id` names it).
    Used,
    /// Opened-vial, broken or past-VVM wastage.
    Wastage,
    /// Expired, damaged or recalled doses taken out of stock.
    WriteOff,
    /// The lot was quarantined (a cold-chain incident, a cluster of reactions): no doses move.
    Quarantine,
    /// A quarantine ended after review: no doses move.
    Release,
}

/// Which way a movement changes the balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
    /// Records an event of the lot; the balance stays.
    None,
}

impl MovementKind {
    pub const ALL: [MovementKind; 10] = [
        MovementKind::Receipt,
        MovementKind::AllocationIn,
        MovementKind::AllocationOut,
        MovementKind::TransferIn,
        MovementKind::TransferOut,
        MovementKind::Used,
        MovementKind::Wastage,
        MovementKind::WriteOff,
        MovementKind::Quarantine,
        MovementKind::Release,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Receipt => "receipt",
            MovementKind::AllocationIn => "allocation_in",
            MovementKind::AllocationOut => "allocation_out",
            MovementKind::TransferIn => "transfer_in",
            MovementKind::TransferOut => "transfer_out",
            MovementKind::Used => "used",
            MovementKind::Wastage => "wastage",
            MovementKind::WriteOff => "write_off",
            MovementKind::Quarantine => "quarantine",
            MovementKind::Release => "release",
        }
    }

    pub fn parse(value: &str) -> Option<MovementKind> {
        MovementKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn direction(self) -> Direction {
        match self {
            MovementKind::Receipt | MovementKind::AllocationIn | MovementKind::TransferIn => {
                Direction::In
            }
            MovementKind::AllocationOut
            | MovementKind::TransferOut
            | MovementKind::Used
            | MovementKind::Wastage
            | MovementKind::WriteOff => Direction::Out,
            MovementKind::Quarantine | MovementKind::Release => Direction::None,
        }
    }

    /// Whether the row names the other facility: both halves of an allocation or a transfer.
    pub fn needs_counterpart(self) -> bool {
        matches!(
            self,
            MovementKind::AllocationIn
                | MovementKind::AllocationOut
                | MovementKind::TransferIn
                | MovementKind::TransferOut
        )
    }

    /// The signed change of the balance that moving `doses` of this kind makes: the ledger
    /// stores it so that the sum of a lot's rows at a facility is its balance.
    pub fn delta(self, doses: u32) -> i64 {
        match self.direction() {
            Direction::In => i64::from(doses),
            Direction::Out => -i64::from(doses),
            Direction::None => 0,
        }
    }
}

/// What of a lot decides whether it may still be given or sent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LotState {
    /// The last day the lot may be used (the label's expiry).
    pub expires_on: NaiveDate,
    pub quarantined: bool,
    /// The vaccine vial monitor's stage, 1–4.
    pub vvm_stage: u8,
}

/// Why a lot may not be used, sent on or allocated (it may still be written off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LotRefusal {
    Quarantined,
    Expired,
    /// VVM stage 3 or 4: the heat exposure reached the discard point (WHO, "Vaccine vial
    /// monitor" training guide, 2011: stages 3 and 4 are not used).
    PastVvmDiscardPoint,
}

impl LotRefusal {
    pub fn problem(self) -> ProblemCode {
        match self {
            LotRefusal::Quarantined => ProblemCode::LotQuarantined,
            LotRefusal::Expired => ProblemCode::LotExpired,
            LotRefusal::PastVvmDiscardPoint => ProblemCode::LotPastVvmDiscardPoint,
        }
    }
}

/// The last VVM stage at which a vial may be used.
pub const LAST_USABLE_VVM_STAGE: u8 = 2;

/// Why the lot may not be used on `on`, in the order a person should hear it: a quarantine
/// first (it is under review whatever its date), then expiry, then the monitor.
pub fn lot_refusal(lot: &LotState, on: NaiveDate) -> Option<LotRefusal> {
    if lot.quarantined {
        Some(LotRefusal::Quarantined)
    } else if on > lot.expires_on {
        Some(LotRefusal::Expired)
    } else if lot.vvm_stage > LAST_USABLE_VVM_STAGE {
        Some(LotRefusal::PastVvmDiscardPoint)
    } else {
        None
    }
}

/// A facility as allocations see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site<'a> {
    pub level: FacilityLevel,
    pub province: &'a str,
}

/// Allocations flow one level down: the national store (central level) to a province, a
/// province to a district centre of that province, a district centre to a commune station
/// of that province. The 2025 model has no districts, so "its district" is the province
/// the centre serves. Anything else (between peers, or up) is a transfer.
pub fn allocation_allowed(from: Site<'_>, to: Site<'_>) -> bool {
    let next = match from.level {
        FacilityLevel::Central => FacilityLevel::Provincial,
        FacilityLevel::Provincial => FacilityLevel::DistrictCentre,
        FacilityLevel::DistrictCentre => FacilityLevel::CommuneStation,
        FacilityLevel::CommuneStation => return false,
    };
    to.level == next && (from.level == FacilityLevel::Central || from.province == to.province)
}

/// How long an opened multi-dose vial may be kept (WHO Policy Statement: Multi-dose Vial
/// Policy (MDVP), Revision 2014, WHO/IVB/14.07).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum OpenedVialPolicy {
    /// Liquid vaccines with a preservative (OPV, IPV, DTP-containing, HepB, TT/Td, PCV's
    /// multi-dose vial): kept up to 28 days after opening at 2–8 °C, before expiry and the
    /// VVM discard point.
    KeepUpTo28Days,
    /// Reconstituted vaccines and those without a preservative (BCG, measles, MR, MMR,
    /// varicella, live JE): discarded 6 hours after opening or at the end of the session,
    /// whichever comes first.
    DiscardAfterSixHours,
}

/// The source of [`OPENED_VIAL_POLICY`].
pub const OPENED_VIAL_POLICY_SOURCE: &str = "WHO Policy Statement: Multi-dose Vial Policy (MDVP), Revision 2014 (WHO/IVB/14.07), sections 2 and 3";

/// The catalogue's vaccines whose opened vials may be kept: the MDVP's liquid vaccines with
/// a preservative. Every other vaccine, including one the policy does not name (inactivated
/// JE, rotavirus, the service vaccines, mostly single-dose), is discarded at the session's
/// end: the cautious default.
pub const OPENED_VIAL_POLICY: &[(&str, OpenedVialPolicy)] = &[
    ("hepb_birth", OpenedVialPolicy::KeepUpTo28Days),
    ("penta", OpenedVialPolicy::KeepUpTo28Days),
    ("opv", OpenedVialPolicy::KeepUpTo28Days),
    ("ipv", OpenedVialPolicy::KeepUpTo28Days),
    ("pcv", OpenedVialPolicy::KeepUpTo28Days),
    ("dpt_booster", OpenedVialPolicy::KeepUpTo28Days),
    ("td_7y", OpenedVialPolicy::KeepUpTo28Days),
    ("tt_preg", OpenedVialPolicy::KeepUpTo28Days),
    ("bcg", OpenedVialPolicy::DiscardAfterSixHours),
    ("measles", OpenedVialPolicy::DiscardAfterSixHours),
    ("mr", OpenedVialPolicy::DiscardAfterSixHours),
    ("mmr", OpenedVialPolicy::DiscardAfterSixHours),
    ("varicella", OpenedVialPolicy::DiscardAfterSixHours),
    ("je_live", OpenedVialPolicy::DiscardAfterSixHours),
];

pub fn opened_vial_policy(vaccine: &str) -> OpenedVialPolicy {
    OPENED_VIAL_POLICY
        .iter()
        .find(|(code, _)| *code == vaccine)
        .map_or(OpenedVialPolicy::DiscardAfterSixHours, |(_, policy)| {
            *policy
        })
}

impl OpenedVialPolicy {
    /// The latest moment a vial opened at `opened_at` may still be used (for the six-hour
    /// vaccines, the session's end if it comes first).
    pub fn discard_by(
        self,
        opened_at: DateTime<Utc>,
        session_ends_at: Option<DateTime<Utc>>,
    ) -> DateTime<Utc> {
        match self {
            OpenedVialPolicy::KeepUpTo28Days => opened_at + Duration::days(28),
            OpenedVialPolicy::DiscardAfterSixHours => {
                let six_hours = opened_at + Duration::hours(6);
                session_ends_at.map_or(six_hours, |end| end.min(six_hours))
            }
        }
    }
}

/// Why doses were wasted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WastageCause {
    /// The rest of an opened multi-dose vial, discarded under the MDVP: at most one vial.
    OpenedVial,
    /// A vial broken, contaminated or lost.
    Damaged,
    /// The vial's monitor reached the discard point.
    VvmDiscardPoint,
}

impl WastageCause {
    pub fn as_str(self) -> &'static str {
        match self {
            WastageCause::OpenedVial => "opened_vial",
            WastageCause::Damaged => "damaged",
            WastageCause::VvmDiscardPoint => "vvm_discard_point",
        }
    }
}

/// Why doses were written off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WriteOffCause {
    Expired,
    Damaged,
    Recalled,
}

impl WriteOffCause {
    pub fn as_str(self) -> &'static str {
        match self {
            WriteOffCause::Expired => "expired",
            WriteOffCause::Damaged => "damaged",
            WriteOffCause::Recalled => "recalled",
        }
    }
}

/// The kinds a client may ask for (`POST /v1/facilities/{fid}/stock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MovementRequestKind {
    Receipt,
    Allocation,
    Transfer,
    Wastage,
    WriteOff,
    Incident,
    Release,
}

/// A lot received for the first time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewLot {
    /// The catalogue's vaccine code (`penta`, `hexa`).
    #[validate(length(min = 1, max = 32))]
    pub vaccine: String,
    /// The trade name on the label.
    #[validate(length(min = 1, max = 100))]
    pub product: String,
    #[validate(length(min = 1, max = 100))]
    pub manufacturer: String,
    #[validate(length(min = 1, max = 64))]
    pub lot_number: String,
    pub expires_on: NaiveDate,
    pub doses_per_vial: i64,
    pub vvm_stage: i64,
}

/// One movement of stock, as asked. Which fields a kind needs is checked by
/// [`StockMovementRequest::parse`], which names every missing or invalid one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockMovementRequest {
    pub kind: MovementRequestKind,
    /// The lot moved (every kind but `incident`, and `receipt` of a new lot).
    #[serde(default)]
    pub lot_id: Option<Uuid>,
    /// `receipt` of a lot never received before (or received elsewhere: the same product and
    /// lot number name the same lot).
    #[serde(default)]
    #[validate(nested)]
    pub lot: Option<NewLot>,
    /// `incident`: every lot in the equipment that left 2–8 °C.
    #[serde(default)]
    pub lot_ids: Option<Vec<Uuid>>,
    /// Doses moved, at least 1 (not for `incident` nor `release`).
    #[serde(default)]
    pub doses: Option<i64>,
    /// `allocation` and `transfer`: the facility that receives.
    #[serde(default)]
    pub to_facility_id: Option<Uuid>,
    #[serde(default)]
    pub wastage_cause: Option<WastageCause>,
    #[serde(default)]
    pub write_off_cause: Option<WriteOffCause>,
    /// The delivery note, what happened, why the quarantine ends (required for `incident`
    /// and `release`).
    #[serde(default)]
    #[validate(length(max = 500))]
    pub reason: Option<String>,
}

/// A movement request whose fields fit its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockMovement {
    Receipt {
        lot: LotRef,
        doses: u32,
        reason: Option<String>,
    },
    Allocation {
        lot_id: Uuid,
        doses: u32,
        to: Uuid,
    },
    Transfer {
        lot_id: Uuid,
        doses: u32,
        to: Uuid,
        reason: Option<String>,
    },
    Wastage {
        lot_id: Uuid,
        doses: u32,
        cause: WastageCause,
        reason: Option<String>,
    },
    WriteOff {
        lot_id: Uuid,
        doses: u32,
        cause: WriteOffCause,
        reason: Option<String>,
    },
    Incident {
        lot_ids: Vec<Uuid>,
        reason: String,
    },
    Release {
        lot_id: Uuid,
        reason: String,
    },
}

/// The lot a receipt names: one already known, or a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LotRef {
    Known(Uuid),
    New(NewLotSpec),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLotSpec {
    pub vaccine: String,
    pub product: String,
    pub manufacturer: String,
    pub lot_number: String,
    pub expires_on: NaiveDate,
    pub doses_per_vial: u8,
    pub vvm_stage: u8,
}

/// Most doses one movement may carry: a national allocation is a few hundred thousand.
pub const MAX_DOSES_PER_MOVEMENT: i64 = 10_000_000;
/// Most lots one incident may name.
pub const MAX_LOTS_PER_INCIDENT: usize = 200;

fn missing(field: &str) -> FieldIssue {
    FieldIssue::new(
        field,
        "required",
        "Trường này là bắt buộc với loại giao dịch này.",
        "This field is required for this kind of movement.",
    )
}

fn not_allowed(field: &str) -> FieldIssue {
    FieldIssue::new(
        field,
        "not_allowed",
        "Loại giao dịch này không dùng trường này.",
        "This kind of movement does not take this field.",
    )
}

fn doses_issue() -> FieldIssue {
    FieldIssue::new(
        "doses",
        "doses_not_positive",
        "Số liều phải là số nguyên dương (tối đa 10.000.000).",
        "Doses must be a positive whole number (at most 10,000,000).",
    )
}

impl StockMovementRequest {
    /// Checks that the fields fit the kind, naming every problem; `here` is the facility the
    /// movement is recorded at.
    pub fn parse(&self, here: Uuid) -> Result<StockMovement, Vec<FieldIssue>> {
        let mut issues = Issues::default();
        let kind = self.kind;
        let takes_doses = !matches!(
            kind,
            MovementRequestKind::Incident | MovementRequestKind::Release
        );
        let doses = match (self.doses, takes_doses) {
            (Some(n), true) if (1..=MAX_DOSES_PER_MOVEMENT).contains(&n) => u32::try_from(n).ok(),
            (Some(_), true) => {
                issues.push(doses_issue());
                None
            }
            (None, true) => {
                issues.push(missing("doses"));
                None
            }
            (Some(_), false) => {
                issues.push(not_allowed("doses"));
                None
            }
            (None, false) => None,
        };
        let needs_target = matches!(
            kind,
            MovementRequestKind::Allocation | MovementRequestKind::Transfer
        );
        let to = match (self.to_facility_id, needs_target) {
            (Some(to), true) if to == here => {
                issues.push(FieldIssue::new(
                    "to_facility_id",
                    "same_facility",
                    "Không thể chuyển vắc xin cho chính cơ sở này.",
                    "Stock cannot move to the facility it is at.",
                ));
                None
            }
            (Some(to), true) => Some(to),
            (None, true) => {
                issues.push(missing("to_facility_id"));
                None
            }
            (Some(_), false) => {
                issues.push(not_allowed("to_facility_id"));
                None
            }
            (None, false) => None,
        };
        let lot = match (kind, self.lot_id, &self.lot) {
            (MovementRequestKind::Receipt, Some(_), Some(_)) => {
                issues.push(FieldIssue::new(
                    "lot",
                    "lot_or_lot_id",
                    "Chỉ gửi một trong hai: lot_id (lô đã có) hoặc lot (lô mới).",
                    "Send either lot_id (a known lot) or lot (a new one), not both.",
                ));
                None
            }
            (MovementRequestKind::Receipt, None, Some(new)) => {
                new_lot(new, &mut issues).map(LotRef::New)
            }
            (MovementRequestKind::Incident, None, None) => None,
            (MovementRequestKind::Incident, Some(_), _) => {
                issues.push(not_allowed("lot_id"));
                None
            }
            (_, Some(id), None) => Some(LotRef::Known(id)),
            (_, _, Some(_)) => {
                issues.push(not_allowed("lot"));
                None
            }
            (_, None, None) => {
                issues.push(missing("lot_id"));
                None
            }
        };
        let lot_ids = match (kind, &self.lot_ids) {
            (MovementRequestKind::Incident, Some(ids))
                if !ids.is_empty() && ids.len() <= MAX_LOTS_PER_INCIDENT =>
            {
                let mut ids = ids.clone();
                ids.sort_unstable();
                ids.dedup();
                Some(ids)
            }
            (MovementRequestKind::Incident, Some(_)) => {
                issues.push(FieldIssue::new(
                    "lot_ids",
                    "lot_ids_count",
                    "Hãy nêu từ 1 đến 200 lô.",
                    "Name between 1 and 200 lots.",
                ));
                None
            }
            (MovementRequestKind::Incident, None) => {
                issues.push(missing("lot_ids"));
                None
            }
            (_, Some(_)) => {
                issues.push(not_allowed("lot_ids"));
                None
            }
            (_, None) => None,
        };
        let reason = self
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        let needs_reason = matches!(
            kind,
            MovementRequestKind::Incident | MovementRequestKind::Release
        );
        if needs_reason && reason.is_none() {
            issues.push(missing("reason"));
        }
        let wastage_cause = cause_field(
            kind == MovementRequestKind::Wastage,
            self.wastage_cause,
            "wastage_cause",
            &mut issues,
        );
        let write_off_cause = cause_field(
            kind == MovementRequestKind::WriteOff,
            self.write_off_cause,
            "write_off_cause",
            &mut issues,
        );
        if !issues.0.is_empty() {
            return Err(issues.0);
        }
        let known = |lot: Option<LotRef>| match lot {
            Some(LotRef::Known(id)) => Some(id),
            _ => None,
        };
        let movement = match kind {
            MovementRequestKind::Receipt => lot
                .zip(doses)
                .map(|(lot, doses)| StockMovement::Receipt { lot, doses, reason }),
            MovementRequestKind::Allocation => known(lot)
                .zip(doses)
                .zip(to)
                .map(|((lot_id, doses), to)| StockMovement::Allocation { lot_id, doses, to }),
            MovementRequestKind::Transfer => {
                known(lot)
                    .zip(doses)
                    .zip(to)
                    .map(|((lot_id, doses), to)| StockMovement::Transfer {
                        lot_id,
                        doses,
                        to,
                        reason,
                    })
            }
            MovementRequestKind::Wastage => {
                known(lot)
                    .zip(doses)
                    .zip(wastage_cause)
                    .map(|((lot_id, doses), cause)| StockMovement::Wastage {
                        lot_id,
                        doses,
                        cause,
                        reason,
                    })
            }
            MovementRequestKind::WriteOff => {
                known(lot)
                    .zip(doses)
                    .zip(write_off_cause)
                    .map(|((lot_id, doses), cause)| StockMovement::WriteOff {
                        lot_id,
                        doses,
                        cause,
                        reason,
                    })
            }
            MovementRequestKind::Incident => lot_ids
                .zip(reason)
                .map(|(lot_ids, reason)| StockMovement::Incident { lot_ids, reason }),
            MovementRequestKind::Release => known(lot)
                .zip(reason)
                .map(|(lot_id, reason)| StockMovement::Release { lot_id, reason }),
        };
        movement.ok_or_else(|| vec![missing("kind")])
    }
}

fn cause_field<T: Copy>(
    wanted: bool,
    value: Option<T>,
    field: &str,
    issues: &mut Issues,
) -> Option<T> {
    match (wanted, value) {
        (true, None) => {
            issues.push(missing(field));
            None
        }
        (false, Some(_)) => {
            issues.push(not_allowed(field));
            None
        }
        (_, value) => value,
    }
}

fn new_lot(lot: &NewLot, issues: &mut Issues) -> Option<NewLotSpec> {
    let entry = crate::vaccine::entry(&lot.vaccine);
    if entry.is_none() {
        issues.push(FieldIssue::new(
            "lot.vaccine",
            "unknown_vaccine",
            ProblemCode::UnknownVaccine.message(crate::Lang::Vi),
            ProblemCode::UnknownVaccine.message(crate::Lang::En),
        ));
    }
    // The programme's entries list no trade names: any label is accepted for them.
    if let Some(entry) = entry
        && !entry.products.is_empty()
        && entry.product(&lot.product).is_none()
    {
        issues.push(FieldIssue::new(
            "lot.product",
            "unknown_product",
            ProblemCode::UnknownProduct.message(crate::Lang::Vi),
            ProblemCode::UnknownProduct.message(crate::Lang::En),
        ));
    }
    let doses_per_vial = u8::try_from(lot.doses_per_vial)
        .ok()
        .filter(|n| (1..=50).contains(n));
    if doses_per_vial.is_none() {
        issues.push(FieldIssue::new(
            "lot.doses_per_vial",
            "doses_per_vial_invalid",
            "Số liều mỗi lọ phải từ 1 đến 50.",
            "Doses per vial must be between 1 and 50.",
        ));
    }
    let vvm_stage = u8::try_from(lot.vvm_stage)
        .ok()
        .filter(|n| (1..=4).contains(n));
    if vvm_stage.is_none() {
        issues.push(FieldIssue::new(
            "lot.vvm_stage",
            "vvm_stage_invalid",
            "Giai đoạn chỉ thị nhiệt (VVM) phải từ 1 đến 4.",
            "The vaccine vial monitor stage must be between 1 and 4.",
        ));
    }
    Some(NewLotSpec {
        vaccine: lot.vaccine.trim().to_owned(),
        product: lot.product.trim().to_owned(),
        manufacturer: lot.manufacturer.trim().to_owned(),
        lot_number: lot.lot_number.trim().to_owned(),
        expires_on: lot.expires_on,
        doses_per_vial: doses_per_vial?,
        vvm_stage: vvm_stage?,
    })
    .filter(|_| entry.is_some())
}

/// An opened-vial wastage is at most the rest of one multi-dose vial: a single-dose vial is
/// never "opened" and left over.
pub fn opened_vial_wastage_fits(doses_per_vial: u8, doses: u32) -> bool {
    doses_per_vial > 1 && doses <= u32::from(doses_per_vial)
}

/// A calendar month (`2026-12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    first: NaiveDate,
}

impl Month {
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let first = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)?;
        Some(Month { first })
    }

    pub fn of(day: NaiveDate) -> Month {
        Month {
            first: day.with_day(1).unwrap_or(day),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    /// The first day of the next month.
    pub fn end(self) -> NaiveDate {
        self.first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.first.format("%Y-%m"))
    }
}

/// One ledger row, as the report reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerLine {
    pub kind: MovementKind,
    /// The signed change of the balance.
    pub delta: i64,
    pub occurred_on: NaiveDate,
}

/// A month of one lot (or of one vaccine, summed) at a facility. Every quantity but the
/// opening and closing balances is a count of doses, never negative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthFigures {
    pub opening: i64,
    /// Receipts and allocations from the level above.
    pub received: i64,
    pub transferred_in: i64,
    /// Transfers and allocations to other facilities.
    pub transferred_out: i64,
    pub used: i64,
    pub wasted: i64,
    pub written_off: i64,
    pub closing: i64,
}

impl MonthFigures {
    /// `opening + in − out`, which [`month_figures`] makes equal to `closing`.
    pub fn balances(&self) -> bool {
        self.opening + self.received + self.transferred_in
            - self.transferred_out
            - self.used
            - self.wasted
            - self.written_off
            == self.closing
    }

    pub fn add(&mut self, other: &MonthFigures) {
        self.opening += other.opening;
        self.received += other.received;
        self.transferred_in += other.transferred_in;
        self.transferred_out += other.transferred_out;
        self.used += other.used;
        self.wasted += other.wasted;
        self.written_off += other.written_off;
        self.closing += other.closing;
    }
}

/// The month's figures of one lot from its ledger rows at one facility: rows before the
/// month make the opening balance, rows within it fill the columns, rows after it are not
/// counted. The closing balance is the opening plus every row of the month, so the figures
/// always balance.
pub fn month_figures<'a>(
    lines: impl IntoIterator<Item = &'a LedgerLine>,
    month: Month,
) -> MonthFigures {
    let mut figures = MonthFigures::default();
    for line in lines {
        if line.occurred_on < month.first_day() {
            figures.opening += line.delta;
            continue;
        }
        if line.occurred_on >= month.end() {
            continue;
        }
        let doses = line.delta.abs();
        match line.kind {
            MovementKind::Receipt | MovementKind::AllocationIn => figures.received += doses,
            MovementKind::TransferIn => figures.transferred_in += doses,
            MovementKind::TransferOut | MovementKind::AllocationOut => {
                figures.transferred_out += doses
            }
            MovementKind::Used => figures.used += doses,
            MovementKind::Wastage => figures.wasted += doses,
            MovementKind::WriteOff => figures.written_off += doses,
            MovementKind::Quarantine | MovementKind::Release => {}
        }
    }
    figures.closing = figures.opening + figures.received + figures.transferred_in
        - figures.transferred_out
        - figures.used
        - figures.wasted
        - figures.written_off;
    figures
}

#[cfg(test)]
mod tests;
