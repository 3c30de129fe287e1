//! Consent to share the book (Luật 91/2025: per purpose, provable, withdrawable). What the
//! citizen agrees to is a text rendered from a versioned template and the terms; the server
//! stores the rendered text, so the consent proves exactly what was shown.

use super::section::{Category, Section};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Purpose {
    Treatment,
    Referral,
    FollowUp,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [Purpose::Treatment, Purpose::Referral, Purpose::FollowUp];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Treatment => "treatment",
            Purpose::Referral => "referral",
            Purpose::FollowUp => "follow_up",
        }
    }

    pub fn parse(value: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

/// How the consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Channel {
    App,
    Web,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::App => "app",
            Channel::Web => "web",
        }
    }

    pub fn parse(value: &str) -> Option<Channel> {
        [Channel::App, Channel::Web]
            .into_iter()
            .find(|c| c.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ConsentStatus {
    Active,
    Expired,
    Withdrawn,
}

/// A consent as asked for. Nothing is assumed: `agreed` must be sent as `true`, the
/// sections and categories are named one by one, and `text_version` is the version of the
/// text the person read (from `GET /v1/consent-text`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GrantConsentRequest {
    /// The facility that may read.
    pub facility_id: Uuid,
    pub purpose: Purpose,
    pub sections: Vec<Section>,
    #[serde(default)]
    pub categories: Vec<Category>,
    /// The last day the consent holds (at most two years ahead).
    pub valid_until: NaiveDate,
    pub text_version: String,
    pub channel: Channel,
    /// The person ticked the box themselves.
    pub agreed: bool,
    /// For a child of 7 or more, that the child was asked and agreed too.
    #[serde(default)]
    pub child_assent: Option<bool>,
}

/// What the text names: rendered into the template of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTerms<'a> {
    pub citizen_name: &'a str,
    pub facility_name: &'a str,
    pub purpose: Purpose,
    pub sections: &'a [Section],
    pub categories: &'a [Category],
    pub valid_until: NaiveDate,
}

/// A consent as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Consent {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub facility_id: Uuid,
    pub facility_name: String,
    pub purpose: Purpose,
    pub sections: Vec<Section>,
    pub categories: Vec<Category>,
    pub valid_from: DateTime<Utc>,
    pub valid_until: NaiveDate,
    pub status: ConsentStatus,
    /// The exact text the person agreed to, and its version and language.
    pub text: String,
    pub text_version: String,
    pub text_lang: String,
    pub channel: Channel,
    /// Who agreed: the citizen, or a guardian for a child.
    pub granted_by_name: String,
    pub granted_by_guardian: bool,
    pub child_assent: Option<bool>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// The current consent template, for the app to render before asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ConsentTextVersion {
    pub version: String,
    pub lang: String,
    pub template: String,
}
