//! The states an account and a guardianship are stored in, as enums with the one spelling
//! the database holds.

/// Whether an account belongs to a citizen, to a member of staff, or to a facility's own
/// system (which sends its visits with a key and never signs in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Citizen,
    Staff,
    System,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Citizen => "citizen",
            AccountKind::Staff => "staff",
            AccountKind::System => "system",
        }
    }

    /// Reads the stored spelling; anything else is no account kind at all.
    pub fn parse(value: &str) -> Option<AccountKind> {
        [
            AccountKind::Citizen,
            AccountKind::Staff,
            AccountKind::System,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == value)
    }
}

/// Whether an account may sign in. A temporary lockout after failed codes is a time, not a
/// status: the account stays `Active`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountStatus {
    Active,
    /// Locked by support until unlocked.
    Locked,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Locked => "locked",
        }
    }

    pub fn parse(value: &str) -> Option<AccountStatus> {
        [AccountStatus::Active, AccountStatus::Locked]
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// Where a guardianship stands: offered to a second guardian, in force, or over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GuardianshipStatus {
    Invited,
    Active,
    Ended,
}

impl GuardianshipStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GuardianshipStatus::Invited => "invited",
            GuardianshipStatus::Active => "active",
            GuardianshipStatus::Ended => "ended",
        }
    }

    pub fn parse(value: &str) -> Option<GuardianshipStatus> {
        [
            GuardianshipStatus::Invited,
            GuardianshipStatus::Active,
            GuardianshipStatus::Ended,
        ]
        .into_iter()
        .find(|status| status.as_str() == value)
    }
}

/// A child has at most two guardians: the one who added the child, and one they invite.
pub const MAX_GUARDIANS: u64 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_spelling_reads_back() {
        for kind in [
            AccountKind::Citizen,
            AccountKind::Staff,
            AccountKind::System,
        ] {
            assert_eq!(AccountKind::parse(kind.as_str()), Some(kind));
        }
        for status in [AccountStatus::Active, AccountStatus::Locked] {
            assert_eq!(AccountStatus::parse(status.as_str()), Some(status));
        }
        for status in [
            GuardianshipStatus::Invited,
            GuardianshipStatus::Active,
            GuardianshipStatus::Ended,
        ] {
            assert_eq!(GuardianshipStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(AccountKind::parse("admin"), None);
    }
}
