//! `healthbook seed-demo`: a living demo data set, loaded idempotently.
//!
//! Facilities at every level in real communes of the 2025 model, with facility codes in the
//! real 5-digit format (the codes themselves are demo values), practitioners and their weekly
//! schedules. (The vaccine catalogue needs no seed: it is compiled into `healthbook-domain`.)
//! Every row has a fixed natural key (facility code, licence number), and a row whose key
//! exists is left alone, so running the seed twice changes nothing.

use crate::booking::entities::{
    facility, facility_service, facility_specialty, practitioner, practitioner_facility,
    practitioner_specialty,
};
use crate::db::BeginWrite;
use chrono::{DateTime, Utc};
use healthbook_domain::facility::{FacilityLevel, ServiceType};
use healthbook_domain::text::fold;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use uuid::Uuid;

struct DemoFacility {
    code: &'static str,
    name: &'static str,
    level: FacilityLevel,
    commune_code: &'static str,
    province_code: &'static str,
    address: &'static str,
    phone: &'static str,
    services: &'static [ServiceType],
    specialties: &'static [&'static str],
}

use ServiceType::{Examination as Exam, Teleconsultation as Tele, Vaccination as Vacc};

const FACILITIES: &[DemoFacility] = &[
    DemoFacility {
        code: "01929",
        name: "Bệnh viện Bạch Mai",
        level: FacilityLevel::Central,
        commune_code: "00277",
        province_code: "01",
        address: "78 Giải Phóng, Phường Bạch Mai, Hà Nội",
        phone: "02438693731",
        services: &[Exam, Tele],
        specialties: &[
            "cardiology",
            "endocrinology",
            "infectious_diseases",
            "internal_medicine",
            "mental_health",
            "oncology",
            "respiratory",
        ],
    },
    DemoFacility {
        code: "01917",
        name: "Bệnh viện Nhi Trung ương",
        level: FacilityLevel::Central,
        commune_code: "00190",
        province_code: "01",
        address: "18/879 La Thành, Phường Ô Chợ Dừa, Hà Nội",
        phone: "02462738532",
        services: &[Exam, Vacc, Tele],
        specialties: &["pediatrics", "infectious_diseases", "respiratory"],
    },
    DemoFacility {
        code: "01818",
        name: "Bệnh viện Đa khoa Xanh Pôn",
        level: FacilityLevel::Provincial,
        commune_code: "00070",
        province_code: "01",
        address: "12 Chu Văn An, Hà Nội",
        phone: "02438233075",
        services: &[Exam, Tele],
        specialties: &["general", "surgery", "internal_medicine", "ent"],
    },
    DemoFacility {
        code: "01701",
        name: "Trung tâm Y tế khu vực Sóc Sơn",
        level: FacilityLevel::DistrictCentre,
        commune_code: "00376",
        province_code: "01",
        address: "Xã Sóc Sơn, Hà Nội",
        phone: "02438843113",
        services: &[Exam, Vacc],
        specialties: &["general", "pediatrics", "obstetrics"],
    },
    DemoFacility {
        code: "01290",
        name: "Trạm Y tế Phường Kim Liên",
        level: FacilityLevel::CommuneStation,
        commune_code: "00226",
        province_code: "01",
        address: "Phường Kim Liên, Hà Nội",
        phone: "02435741234",
        services: &[Exam, Vacc],
        specialties: &["general"],
    },
    DemoFacility {
        code: "79031",
        name: "Bệnh viện Chợ Rẫy",
        level: FacilityLevel::Central,
        commune_code: "27301",
        province_code: "79",
        address: "201B Nguyễn Chí Thanh, Phường Chợ Quán, TP. Hồ Chí Minh",
        phone: "02838554137",
        services: &[Exam, Tele],
        specialties: &[
            "cardiology",
            "surgery",
            "oncology",
            "internal_medicine",
            "infectious_diseases",
        ],
    },
    DemoFacility {
        code: "79024",
        name: "Bệnh viện Nhi Đồng 1",
        level: FacilityLevel::Provincial,
        commune_code: "26740",
        province_code: "79",
        address: "341 Sư Vạn Hạnh, TP. Hồ Chí Minh",
        phone: "02839271119",
        services: &[Exam, Vacc, Tele],
        specialties: &["pediatrics"],
    },
    DemoFacility {
        code: "79650",
        name: "Trung tâm Y tế khu vực Củ Chi",
        level: FacilityLevel::DistrictCentre,
        commune_code: "27553",
        province_code: "79",
        address: "Xã Củ Chi, TP. Hồ Chí Minh",
        phone: "02837920014",
        services: &[Exam, Vacc],
        specialties: &["general", "obstetrics", "pediatrics"],
    },
    DemoFacility {
        code: "79812",
        name: "Trạm Y tế Phường Tân Định",
        level: FacilityLevel::CommuneStation,
        commune_code: "26737",
        province_code: "79",
        address: "Phường Tân Định, TP. Hồ Chí Minh",
        phone: "02838203456",
        services: &[Exam, Vacc],
        specialties: &["general"],
    },
    DemoFacility {
        code: "48001",
        name: "Bệnh viện Đà Nẵng",
        level: FacilityLevel::Provincial,
        commune_code: "20242",
        province_code: "48",
        address: "124 Hải Phòng, Phường Hải Châu, Đà Nẵng",
        phone: "02363821118",
        services: &[Exam, Tele],
        specialties: &["general", "cardiology", "surgery", "internal_medicine"],
    },
    DemoFacility {
        code: "48215",
        name: "Trạm Y tế Xã Hòa Vang",
        level: FacilityLevel::CommuneStation,
        commune_code: "20320",
        province_code: "48",
        address: "Xã Hòa Vang, Đà Nẵng",
        phone: "02363846789",
        services: &[Exam, Vacc],
        specialties: &["general"],
    },
    DemoFacility {
        code: "46001",
        name: "Bệnh viện Trung ương Huế",
        level: FacilityLevel::Central,
        commune_code: "19786",
        province_code: "46",
        address: "16 Lê Lợi, Phường Thuận Hóa, Huế",
        phone: "02343822325",
        services: &[Exam, Vacc, Tele],
        specialties: &[
            "cardiology",
            "oncology",
            "pediatrics",
            "surgery",
            "traditional_medicine",
        ],
    },
    DemoFacility {
        code: "92002",
        name: "Bệnh viện Đa khoa Trung ương Cần Thơ",
        level: FacilityLevel::Central,
        commune_code: "31135",
        province_code: "92",
        address: "315 Nguyễn Văn Linh, Phường Ninh Kiều, Cần Thơ",
        phone: "02923821236",
        services: &[Exam, Tele],
        specialties: &["general", "internal_medicine", "surgery", "obstetrics"],
    },
    DemoFacility {
        code: "31110",
        name: "Trạm Y tế Phường Lê Chân",
        level: FacilityLevel::CommuneStation,
        commune_code: "11383",
        province_code: "31",
        address: "Phường Lê Chân, Hải Phòng",
        phone: "02253857654",
        services: &[Exam, Vacc],
        specialties: &["general"],
    },
];

struct DemoPractitioner {
    licence: &'static str,
    name: &'static str,
    title: &'static str,
    specialties: &'static [&'static str],
    facilities: &'static [&'static str],
}

const PRACTITIONERS: &[DemoPractitioner] = &[
    DemoPractitioner {
        licence: "000123/HNO-CCHN",
        name: "Nguyễn Thị Minh Anh",
        title: "BS.CKII",
        specialties: &["cardiology", "internal_medicine"],
        facilities: &["01929"],
    },
    DemoPractitioner {
        licence: "000456/HNO-CCHN",
        name: "Trần Văn Bình",
        title: "ThS.BS",
        specialties: &["respiratory"],
        facilities: &["01929", "01818"],
    },
    DemoPractitioner {
        licence: "001789/HNO-CCHN",
        name: "Lê Thu Hà",
        title: "BS.CKI",
        specialties: &["pediatrics"],
        facilities: &["01917"],
    },
    DemoPractitioner {
        licence: "002345/HNO-CCHN",
        name: "Phạm Quốc Hùng",
        title: "Y sĩ đa khoa",
        specialties: &["general"],
        facilities: &["01290", "01701"],
    },
    DemoPractitioner {
        licence: "003456/HCM-CCHN",
        name: "Võ Thị Lan",
        title: "PGS.TS.BS",
        specialties: &["oncology"],
        facilities: &["79031"],
    },
    DemoPractitioner {
        licence: "004567/HCM-CCHN",
        name: "Huỳnh Minh Tuấn",
        title: "BS.CKII",
        specialties: &["pediatrics"],
        facilities: &["79024"],
    },
    DemoPractitioner {
        licence: "005678/HCM-CCHN",
        name: "Đặng Thị Mai",
        title: "Nữ hộ sinh",
        specialties: &["obstetrics"],
        facilities: &["79650", "79812"],
    },
    DemoPractitioner {
        licence: "006789/DNA-CCHN",
        name: "Ngô Đức Thắng",
        title: "BS.CKI",
        specialties: &["cardiology", "general"],
        facilities: &["48001", "48215"],
    },
    DemoPractitioner {
        licence: "007890/TTH-CCHN",
        name: "Hồ Thị Thanh Tâm",
        title: "TS.BS",
        specialties: &["traditional_medicine"],
        facilities: &["46001"],
    },
    DemoPractitioner {
        licence: "008901/CTH-CCHN",
        name: "Lâm Văn Phúc",
        title: "BS.CKII",
        specialties: &["surgery"],
        facilities: &["92002"],
    },
];

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub facilities_added: usize,
    pub practitioners_added: usize,
}

/// Seeds only when the database holds no facility: what `serve --demo` runs on start.
pub async fn seed_if_empty(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Option<SeedReport>, DbErr> {
    let any = facility::Entity::find().one(db).await?;
    if any.is_some() {
        return Ok(None);
    }
    seed(db, now).await.map(Some)
}

pub async fn seed(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<SeedReport, DbErr> {
    let txn = db.begin_write().await?;
    let mut report = SeedReport::default();
    for demo in FACILITIES {
        if seed_facility(&txn, demo, now).await? {
            report.facilities_added += 1;
        }
    }
    for demo in PRACTITIONERS {
        if seed_practitioner(&txn, demo, now).await? {
            report.practitioners_added += 1;
        }
    }
    crate::booking::demo::seed_schedules(&txn, now).await?;
    txn.commit().await?;
    Ok(report)
}

async fn seed_facility(
    txn: &impl ConnectionTrait,
    demo: &DemoFacility,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let exists = facility::Entity::find()
        .filter(facility::Column::Code.eq(demo.code))
        .one(txn)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let id = Uuid::now_v7();
    facility::Entity::insert(facility::ActiveModel {
        id: Set(id),
        code: Set(demo.code.to_owned()),
        name: Set(demo.name.to_owned()),
        name_folded: Set(fold(demo.name)),
        level: Set(demo.level.as_str().to_owned()),
        province_code: Set(demo.province_code.to_owned()),
        commune_code: Set(demo.commune_code.to_owned()),
        address: Set(demo.address.to_owned()),
        phone: Set(Some(demo.phone.to_owned())),
        opening_hours: Set(
            "Thứ Hai–Thứ Sáu 07:00–11:30, 13:30–17:00; Thứ Bảy 07:00–11:30".to_owned(),
        ),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    for service in demo.services {
        facility_service::Entity::insert(facility_service::ActiveModel {
            facility_id: Set(id),
            service: Set(service.as_str().to_owned()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for specialty in demo.specialties {
        facility_specialty::Entity::insert(facility_specialty::ActiveModel {
            facility_id: Set(id),
            specialty: Set((*specialty).to_owned()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(true)
}

async fn seed_practitioner(
    txn: &impl ConnectionTrait,
    demo: &DemoPractitioner,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let exists = practitioner::Entity::find()
        .filter(practitioner::Column::LicenceNumber.eq(demo.licence))
        .one(txn)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let id = Uuid::now_v7();
    practitioner::Entity::insert(practitioner::ActiveModel {
        id: Set(id),
        licence_number: Set(demo.licence.to_owned()),
        full_name: Set(demo.name.to_owned()),
        title: Set(demo.title.to_owned()),
        created_at: Set(now),
        account_id: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    for specialty in demo.specialties {
        practitioner_specialty::Entity::insert(practitioner_specialty::ActiveModel {
            practitioner_id: Set(id),
            specialty: Set((*specialty).to_owned()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    for code in demo.facilities {
        let Some(at) = facility::Entity::find()
            .filter(facility::Column::Code.eq(*code))
            .one(txn)
            .await?
        else {
            continue;
        };
        practitioner_facility::Entity::insert(practitioner_facility::ActiveModel {
            practitioner_id: Set(id),
            facility_id: Set(at.id),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_facilities_have_valid_codes_and_communes() {
        for demo in FACILITIES {
            assert_eq!(demo.code.len(), 5, "{}", demo.code);
            assert!(
                demo.code.chars().all(|c| c.is_ascii_digit()),
                "{}",
                demo.code
            );
            let commune = healthbook_domain::units::CommuneCode::parse(demo.commune_code)
                .ok()
                .and_then(healthbook_domain::units::commune)
                .unwrap_or_else(|| panic!("unknown commune {}", demo.commune_code));
            assert_eq!(
                commune.province_code.to_string(),
                demo.province_code,
                "{}",
                demo.name
            );
        }
    }
}
