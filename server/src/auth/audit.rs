//! The append-only trail of authentication events. The account holder sees their own;
//! support searches all. Rows are inserted, never updated or deleted.

use super::entities::auth_event;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
};
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Registered,
    EmailVerified,
    SignIn,
    SignInFailed,
    PasskeyAdded,
    PasskeyRenamed,
    PasskeyRemoved,
    SessionRevoked,
    LoggedOutEverywhere,
    Lockout,
    AccountLocked,
    AccountUnlocked,
    SessionsRevokedBySupport,
    ApprovalRequested,
    ApprovalGranted,
    ApprovalRejected,
    VerificationResent,
    RecoveryStarted,
    RecoveryVerifiedBySupport,
    Recovered,
    StaffCreated,
    StaffEnrolled,
    DependentAdded,
    GuardianInvited,
    GuardianAccepted,
    /// Someone tried to register, or add as a dependent, the holder's identification number.
    NationalIdClaimAttempted,
    /// The registry-verified owner of the number took it from this unverified holder.
    NationalIdDisplaced,
    /// A dependent's record was claimed by the person it describes, now an adult.
    RecordClaimed,
    /// A recovery passed its checks and waits out its delay.
    RecoveryPending,
    RecoveryCancelled,
    EnrolmentCodeReissued,
    /// The account now signs in as a practitioner (consents naming them open to it).
    PractitionerLinked,
    PractitionerUnlinked,
    /// Staff or an authority closed the follow-up of a reaction after a dose.
    ReactionFollowUpClosed,
    /// A facility's administrator answered a citizen's feedback.
    FeedbackAnswered,
    /// A facility's administrator registered one of its systems (the account is the system's).
    SystemCreated,
    SystemKeyIssued,
    SystemKeyRevoked,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Registered => "registered",
            Event::EmailVerified => "email_verified",
            Event::SignIn => "sign_in",
            Event::SignInFailed => "sign_in_failed",
            Event::PasskeyAdded => "passkey_added",
            Event::PasskeyRenamed => "passkey_renamed",
            Event::PasskeyRemoved => "passkey_removed",
            Event::SessionRevoked => "session_revoked",
            Event::LoggedOutEverywhere => "logged_out_everywhere",
            Event::Lockout => "lockout",
            Event::AccountLocked => "account_locked",
            Event::AccountUnlocked => "account_unlocked",
            Event::SessionsRevokedBySupport => "sessions_revoked_by_support",
            Event::ApprovalRequested => "approval_requested",
            Event::ApprovalGranted => "approval_granted",
            Event::ApprovalRejected => "approval_rejected",
            Event::VerificationResent => "verification_resent",
            Event::RecoveryStarted => "recovery_started",
            Event::RecoveryVerifiedBySupport => "recovery_verified_by_support",
            Event::Recovered => "recovered",
            Event::StaffCreated => "staff_created",
            Event::StaffEnrolled => "staff_enrolled",
            Event::DependentAdded => "dependent_added",
            Event::GuardianInvited => "guardian_invited",
            Event::GuardianAccepted => "guardian_accepted",
            Event::NationalIdClaimAttempted => "national_id_claim_attempted",
            Event::NationalIdDisplaced => "national_id_displaced",
            Event::RecordClaimed => "record_claimed",
            Event::RecoveryPending => "recovery_pending",
            Event::RecoveryCancelled => "recovery_cancelled",
            Event::EnrolmentCodeReissued => "enrolment_code_reissued",
            Event::PractitionerLinked => "practitioner_linked",
            Event::PractitionerUnlinked => "practitioner_unlinked",
            Event::ReactionFollowUpClosed => "reaction_follow_up_closed",
            Event::FeedbackAnswered => "feedback_answered",
            Event::SystemCreated => "system_created",
            Event::SystemKeyIssued => "system_key_issued",
            Event::SystemKeyRevoked => "system_key_revoked",
        }
    }
}

/// One event to record. `detail` must hold no secret and no personal identifier beyond ids.
#[derive(Debug, Clone)]
pub struct Record {
    pub account_id: Option<Uuid>,
    pub event: Event,
    pub actor_account_id: Option<Uuid>,
    pub ip: Option<String>,
    pub detail: Option<Value>,
}

impl Record {
    pub fn of(account_id: Uuid, event: Event) -> Record {
        Record {
            account_id: Some(account_id),
            event,
            actor_account_id: None,
            ip: None,
            detail: None,
        }
    }

    pub fn by(mut self, actor: Uuid) -> Record {
        self.actor_account_id = Some(actor);
        self
    }

    pub fn from_ip(mut self, ip: &str) -> Record {
        self.ip = Some(ip.to_owned());
        self
    }

    pub fn with(mut self, detail: Value) -> Record {
        self.detail = Some(detail);
        self
    }
}

/// Records `record` in the transaction of the change it reports: the change and its trail
/// commit together or not at all.
pub async fn record(
    txn: &DatabaseTransaction,
    record: Record,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    insert(txn, record, now).await
}

/// Records an event that goes with no other write (a sign-in attempt that failed, a
/// passkey renamed): one statement, atomic by itself.
pub async fn record_alone(
    db: &DatabaseConnection,
    record: Record,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    insert(db, record, now).await
}

async fn insert(
    db: &impl ConnectionTrait,
    record: Record,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    auth_event::Entity::insert(auth_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_id: Set(record.account_id),
        kind: Set(record.event.as_str().to_owned()),
        at: Set(now),
        actor_account_id: Set(record.actor_account_id),
        ip: Set(record.ip),
        detail: Set(record.detail.map(|d| d.to_string())),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
