//! Tables of the booking capability.

pub mod facility {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "facilities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub name_folded: String,
        pub level: String,
        pub province_code: String,
        pub commune_code: String,
        pub address: String,
        pub phone: Option<String>,
        pub opening_hours: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod facility_service {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "facility_services")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub facility_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub service: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod facility_specialty {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "facility_specialties")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub facility_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub specialty: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod practitioner {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "practitioners")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub licence_number: String,
        pub full_name: String,
        pub title: String,
        pub created_at: DateTimeUtc,
        /// The staff account that signs in as this practitioner.
        #[sea_orm(unique)]
        pub account_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod practitioner_specialty {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "practitioner_specialties")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub practitioner_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub specialty: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod practitioner_facility {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "practitioner_facilities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub practitioner_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub facility_id: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod facility_room {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "facility_rooms")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub facility_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod booking_settings {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "booking_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub cancel_cutoff_minutes: i32,
        pub max_future_appointments: i32,
        pub reminder_lead_minutes: i32,
        pub horizon_days: i32,
        pub hold_minutes: i32,
        pub updated_by: Option<Uuid>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod schedule {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "schedules")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub facility_id: Uuid,
        pub service: String,
        pub specialty: Option<String>,
        pub practitioner_id: Option<Uuid>,
        pub room: Option<String>,
        pub queue: String,
        pub slot_minutes: i32,
        pub capacity: i32,
        pub valid_from: Date,
        pub valid_until: Option<Date>,
        pub open_on_holidays: bool,
        pub active: bool,
        pub generated_until: Option<Date>,
        pub created_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod schedule_session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "schedule_sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub schedule_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub start_minute: i32,
        pub end_minute: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod closure {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "closures")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub facility_id: Uuid,
        pub kind: String,
        pub date_from: Date,
        pub date_until: Date,
        pub start_minute: Option<i32>,
        pub end_minute: Option<i32>,
        pub schedule_id: Option<Uuid>,
        pub practitioner_id: Option<Uuid>,
        pub reason: String,
        pub slots_closed: i32,
        pub appointments_cancelled: i32,
        pub created_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod slot {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "slots")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub schedule_id: Uuid,
        pub facility_id: Uuid,
        pub service: String,
        pub specialty: Option<String>,
        pub practitioner_id: Option<Uuid>,
        pub room: Option<String>,
        pub queue: String,
        pub local_date: Date,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        pub capacity: i32,
        pub booked: i32,
        pub status: String,
        pub closed_reason: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod appointment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "appointments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub code: String,
        pub slot_id: Uuid,
        pub facility_id: Uuid,
        pub citizen_id: Uuid,
        pub booked_by: Uuid,
        pub service: String,
        pub specialty: Option<String>,
        pub practitioner_id: Option<Uuid>,
        pub room: Option<String>,
        pub queue: String,
        pub local_date: Date,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        pub queue_number: i32,
        pub status: String,
        pub active_key: Option<String>,
        pub revision: i32,
        pub reminder_due_at: Option<DateTimeUtc>,
        pub reminder_sent_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub cancelled_at: Option<DateTimeUtc>,
        pub cancelled_by: Option<String>,
        pub cancel_reason: Option<String>,
        pub checked_in_at: Option<DateTimeUtc>,
        pub no_show_at: Option<DateTimeUtc>,
        pub called_at: Option<DateTimeUtc>,
        pub served_at: Option<DateTimeUtc>,
        pub near_notice_at: Option<DateTimeUtc>,
        pub attended_by: Option<Uuid>,
        /// The vaccine a registration at a vaccination session is for.
        pub vaccine: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod queue_counter {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "queue_counters")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub facility_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub queue: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub local_date: Date,
        pub last_number: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod citizen_lock {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "booking_citizen_locks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub citizen_id: Uuid,
        pub touched_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod slot_hold {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "slot_holds")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub slot_id: Uuid,
        pub citizen_id: Uuid,
        pub held_by: Uuid,
        pub state: String,
        pub active_key: Option<String>,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub ended_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod waitlist_entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "waitlist_entries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub slot_id: Uuid,
        pub citizen_id: Uuid,
        pub joined_by: Uuid,
        pub state: String,
        pub active_key: Option<String>,
        pub hold_id: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub ended_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
