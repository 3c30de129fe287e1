//! The query of a facility's slot list, shared by the server that reads it and the mobile
//! core that writes it.

use crate::facility::ServiceType;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What to look for in `GET /v1/facilities/{fid}/slots`. The dates stay text here: the
/// server reads them with [`super::time::parse_date`] to name a malformed one by its field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SlotQuery {
    /// First local date, `YYYY-MM-DD`; today when absent.
    #[cfg_attr(feature = "openapi", param(format = Date))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub from: Option<String>,
    /// Last local date (inclusive); a week after `from` when absent; at most 31 days on.
    #[cfg_attr(feature = "openapi", param(format = Date))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub to: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub service: Option<ServiceType>,
    #[validate(length(max = 32))]
    #[cfg_attr(feature = "openapi", param(max_length = 32))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub specialty: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub practitioner_id: Option<Uuid>,
    /// Only open slots with a free place.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub available: bool,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cursor: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub limit: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[test]
    fn what_a_client_writes_the_server_reads_back() {
        let query = SlotQuery {
            from: Some("2026-12-01".into()),
            service: Some(ServiceType::Vaccination),
            available: true,
            limit: Some(100),
            ..SlotQuery::default()
        };
        let written = serde_json::to_value(&query).unwrap();
        assert_eq!(written["service"], "vaccination");
        let read: SlotQuery = serde_json::from_value(written).unwrap();
        assert_eq!(read, query);
        assert!(read.validate().is_ok());
    }

    #[test]
    fn an_unset_flag_is_left_out() {
        let written = serde_json::to_value(SlotQuery::default()).unwrap();
        assert!(written.get("available").is_none(), "{written}");
        assert!(
            SlotQuery {
                limit: Some(101),
                ..SlotQuery::default()
            }
            .validate()
            .is_err()
        );
    }
}
