//! Health facilities: their levels, the services they offer, and the API shapes that
//! describe them to apps.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The tier of the Vietnamese health system a facility belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FacilityLevel {
    /// Central hospitals under the Ministry of Health.
    Central,
    /// Provincial and city hospitals.
    Provincial,
    /// District-level medical centres (trung tâm y tế khu vực).
    DistrictCentre,
    /// Commune health stations (trạm y tế xã/phường).
    CommuneStation,
}

impl FacilityLevel {
    pub const ALL: [FacilityLevel; 4] = [
        FacilityLevel::Central,
        FacilityLevel::Provincial,
        FacilityLevel::DistrictCentre,
        FacilityLevel::CommuneStation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FacilityLevel::Central => "central",
            FacilityLevel::Provincial => "provincial",
            FacilityLevel::DistrictCentre => "district_centre",
            FacilityLevel::CommuneStation => "commune_station",
        }
    }

    pub fn parse(value: &str) -> Option<FacilityLevel> {
        FacilityLevel::ALL.into_iter().find(|l| l.as_str() == value)
    }
}

/// What a citizen can book at a facility. Slots of every kind share one booking engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ServiceType {
    Examination,
    Vaccination,
    Teleconsultation,
}

impl ServiceType {
    pub const ALL: [ServiceType; 3] = [
        ServiceType::Examination,
        ServiceType::Vaccination,
        ServiceType::Teleconsultation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::Examination => "examination",
            ServiceType::Vaccination => "vaccination",
            ServiceType::Teleconsultation => "teleconsultation",
        }
    }

    pub fn parse(value: &str) -> Option<ServiceType> {
        ServiceType::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// A clinical specialty, with its names in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Specialty {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
}

/// The specialties the platform knows; facilities and practitioners refer to them by code.
pub const SPECIALTIES: &[Specialty] = &[
    Specialty {
        code: "general",
        name_vi: "Đa khoa",
        name_en: "General practice",
    },
    Specialty {
        code: "internal_medicine",
        name_vi: "Nội khoa",
        name_en: "Internal medicine",
    },
    Specialty {
        code: "pediatrics",
        name_vi: "Nhi khoa",
        name_en: "Paediatrics",
    },
    Specialty {
        code: "obstetrics",
        name_vi: "Sản phụ khoa",
        name_en: "Obstetrics and gynaecology",
    },
    Specialty {
        code: "cardiology",
        name_vi: "Tim mạch",
        name_en: "Cardiology",
    },
    Specialty {
        code: "endocrinology",
        name_vi: "Nội tiết",
        name_en: "Endocrinology",
    },
    Specialty {
        code: "respiratory",
        name_vi: "Hô hấp",
        name_en: "Respiratory medicine",
    },
    Specialty {
        code: "infectious_diseases",
        name_vi: "Truyền nhiễm",
        name_en: "Infectious diseases",
    },
    Specialty {
        code: "surgery",
        name_vi: "Ngoại khoa",
        name_en: "Surgery",
    },
    Specialty {
        code: "ophthalmology",
        name_vi: "Mắt",
        name_en: "Ophthalmology",
    },
    Specialty {
        code: "ent",
        name_vi: "Tai mũi họng",
        name_en: "Ear, nose and throat",
    },
    Specialty {
        code: "dermatology",
        name_vi: "Da liễu",
        name_en: "Dermatology",
    },
    Specialty {
        code: "oncology",
        name_vi: "Ung bướu",
        name_en: "Oncology",
    },
    Specialty {
        code: "traditional_medicine",
        name_vi: "Y học cổ truyền",
        name_en: "Traditional medicine",
    },
    Specialty {
        code: "dentistry",
        name_vi: "Răng hàm mặt",
        name_en: "Dentistry",
    },
    Specialty {
        code: "mental_health",
        name_vi: "Tâm thần",
        name_en: "Mental health",
    },
];

pub fn specialty(code: &str) -> Option<&'static Specialty> {
    SPECIALTIES.iter().find(|s| s.code == code)
}

/// A facility as apps list and show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Facility {
    pub id: Uuid,
    /// The 5-character facility code (mã cơ sở KCB).
    pub code: String,
    pub name: String,
    pub level: FacilityLevel,
    pub province_code: String,
    pub province_name: String,
    pub commune_code: String,
    pub commune_name: String,
    pub address: String,
    pub phone: Option<String>,
    pub opening_hours: String,
    pub services: Vec<ServiceType>,
    pub specialties: Vec<String>,
}

/// What to look for in `GET /v1/facilities`; every filter is optional. The server reads it
/// from the query string, the mobile core writes it there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FacilityQuery {
    /// Text to find in the name; accents and `đ` are ignored ("bach mai" finds "Bạch Mai").
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub q: Option<String>,
    /// 2-digit province code (2025 model).
    #[validate(length(equal = 2))]
    #[cfg_attr(feature = "openapi", param(min_length = 2, max_length = 2))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub province: Option<String>,
    /// 5-digit commune code (2025 model).
    #[validate(length(equal = 5))]
    #[cfg_attr(feature = "openapi", param(min_length = 5, max_length = 5))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub commune: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub service: Option<ServiceType>,
    #[validate(length(max = 32))]
    #[cfg_attr(feature = "openapi", param(max_length = 32))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub specialty: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub level: Option<FacilityLevel>,
    /// Only facilities with a free place in an open slot ahead (of `service`, when given).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bookable: bool,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cursor: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub limit: Option<u64>,
}
