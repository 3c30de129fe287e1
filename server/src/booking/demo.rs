//! Rooms and weekly schedules for the demo facilities, so that a newcomer finds bookable
//! slots from the first start. A facility that already has a schedule is left alone, so
//! seeding twice changes nothing.

use super::entities::{
    facility, facility_room, facility_service, facility_specialty, practitioner_facility, schedule,
};
use super::facility_admin::replace_rooms;
use super::schedules::create_in;
use super::settings;
use chrono::{DateTime, Utc};
use healthbook_domain::booking::time::local_date;
use healthbook_domain::booking::{CreateScheduleRequest, DayOfWeek, Room, SessionTimes};
use healthbook_domain::facility::ServiceType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

fn sessions(days: &[DayOfWeek], ranges: &[(&str, &str)]) -> Vec<SessionTimes> {
    days.iter()
        .flat_map(|day| {
            ranges.iter().map(|(start, end)| SessionTimes {
                day: *day,
                start: (*start).to_owned(),
                end: (*end).to_owned(),
            })
        })
        .collect()
}

const WEEKDAYS: [DayOfWeek; 5] = [
    DayOfWeek::Monday,
    DayOfWeek::Tuesday,
    DayOfWeek::Wednesday,
    DayOfWeek::Thursday,
    DayOfWeek::Friday,
];

fn plans(
    services: &[ServiceType],
    specialty: Option<String>,
    practitioner: Option<uuid::Uuid>,
    from: &str,
) -> Vec<CreateScheduleRequest> {
    let mut out = Vec::new();
    let base =
        |service, room: Option<&str>, slot_minutes, capacity, sessions| CreateScheduleRequest {
            service,
            specialty: None,
            practitioner_id: None,
            room: room.map(str::to_owned),
            queue: None,
            slot_minutes,
            capacity,
            valid_from: from.to_owned(),
            valid_until: None,
            open_on_holidays: false,
            sessions,
        };
    if services.contains(&ServiceType::Examination) {
        let mut days = WEEKDAYS.to_vec();
        let mut weekly = sessions(&days, &[("07:00", "11:30"), ("13:30", "17:00")]);
        days = vec![DayOfWeek::Saturday];
        weekly.extend(sessions(&days, &[("07:00", "11:30")]));
        let mut plan = base(ServiceType::Examination, Some("P.101"), 15, 3, weekly);
        plan.specialty = specialty;
        out.push(plan);
    }
    if services.contains(&ServiceType::Vaccination) {
        let days = [DayOfWeek::Tuesday, DayOfWeek::Thursday, DayOfWeek::Saturday];
        out.push(base(
            ServiceType::Vaccination,
            Some("P.TC"),
            10,
            5,
            sessions(&days, &[("07:30", "11:00")]),
        ));
    }
    if services.contains(&ServiceType::Teleconsultation)
        && let Some(pid) = practitioner
    {
        let mut plan = base(
            ServiceType::Teleconsultation,
            None,
            20,
            1,
            sessions(&WEEKDAYS, &[("18:00", "20:00")]),
        );
        plan.practitioner_id = Some(pid);
        out.push(plan);
    }
    out
}

/// Seeds rooms and schedules; returns how many schedules were added.
pub async fn seed_schedules(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let policy = settings::load(txn).await?;
    let from = local_date(now).format("%Y-%m-%d").to_string();
    let mut added = 0;
    for row in facility::Entity::find()
        .order_by_asc(facility::Column::Code)
        .all(txn)
        .await?
    {
        let existing = schedule::Entity::find()
            .filter(schedule::Column::FacilityId.eq(row.id))
            .count(txn)
            .await?;
        if existing > 0 {
            continue;
        }
        let services: Vec<ServiceType> = facility_service::Entity::find()
            .filter(facility_service::Column::FacilityId.eq(row.id))
            .all(txn)
            .await?
            .iter()
            .filter_map(|s| ServiceType::parse(&s.service))
            .collect();
        let specialty = facility_specialty::Entity::find()
            .filter(facility_specialty::Column::FacilityId.eq(row.id))
            .order_by_asc(facility_specialty::Column::Specialty)
            .one(txn)
            .await?
            .map(|s| s.specialty);
        let practitioner = practitioner_facility::Entity::find()
            .filter(practitioner_facility::Column::FacilityId.eq(row.id))
            .one(txn)
            .await?
            .map(|p| p.practitioner_id);
        let has_rooms = facility_room::Entity::find()
            .filter(facility_room::Column::FacilityId.eq(row.id))
            .count(txn)
            .await?
            > 0;
        if !has_rooms {
            replace_rooms(
                txn,
                row.id,
                &[
                    Room {
                        code: "P.101".to_owned(),
                        name: "Phòng khám 101".to_owned(),
                    },
                    Room {
                        code: "P.TC".to_owned(),
                        name: "Phòng tiêm chủng".to_owned(),
                    },
                ],
            )
            .await?;
        }
        for plan in plans(&services, specialty, practitioner, &from) {
            let spec = plan
                .parse()
                .map_err(|issues| DbErr::Custom(format!("demo schedule: {issues:?}")))?;
            create_in(txn, row.id, &spec, None, policy.horizon_days, now)
                .await
                .map_err(|e| DbErr::Custom(format!("demo schedule: {e}")))?;
            added += 1;
        }
    }
    Ok(added)
}
