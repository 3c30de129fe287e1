//! Vaccination's own tables: sessions, doses as given (the clinical record is the book's
//! entry), the reactions reported after them, feedback on vaccination, and the doses imported
//! from other systems by their source id.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod immunization {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "immunizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub citizen_id: Uuid,
        pub facility_id: Uuid,
        pub book_entry_id: Uuid,
        pub vaccine: String,
        pub product: Option<String>,
        pub lot_id: Uuid,
        pub dose_number: i32,
        pub given_on: Date,
        pub programme: String,
        pub site: String,
        pub route: String,
        pub screening: String,
        pub appointment_id: Option<Uuid>,
        pub recorded_by: Uuid,
        pub status: String,
        pub standing_key: Option<String>,
        pub created_at: DateTimeUtc,
    }

    no_relations!();
}

pub mod reaction {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "immunization_reactions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub immunization_id: Uuid,
        pub citizen_id: Uuid,
        pub facility_id: Uuid,
        pub lot_id: Uuid,
        pub reported_by: Uuid,
        pub reporter_role: String,
        pub onset_on: Date,
        pub symptoms: String,
        pub severity: String,
        pub hospitalised: bool,
        pub life_threatening: bool,
        pub death: bool,
        pub serious: bool,
        pub note: Option<String>,
        pub status: String,
        pub created_at: DateTimeUtc,
        pub outcome: Option<String>,
        pub closing_note: Option<String>,
        pub closed_by: Option<Uuid>,
        pub closed_at: Option<DateTimeUtc>,
    }

    no_relations!();
}

pub mod feedback {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vaccination_feedback")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub facility_id: Uuid,
        pub session_id: Option<Uuid>,
        pub appointment_id: Option<Uuid>,
        pub citizen_id: Uuid,
        pub rating: i16,
        pub text: String,
        pub created_at: DateTimeUtc,
        pub response: Option<String>,
        pub responded_by: Option<Uuid>,
        pub responded_at: Option<DateTimeUtc>,
    }

    no_relations!();
}

pub mod vaccination_session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vaccination_sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub facility_id: Uuid,
        pub kind: String,
        pub place_name: Option<String>,
        pub commune_code: String,
        pub local_date: Date,
        pub start_minute: i32,
        pub end_minute: i32,
        /// Catalogue codes, comma-separated.
        pub vaccines: String,
        /// The one-day booking schedule whose slots are the session's places.
        pub schedule_id: Uuid,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub cancelled_at: Option<DateTimeUtc>,
        pub cancelled_by: Option<Uuid>,
    }

    impl Model {
        pub fn vaccine_codes(&self) -> impl Iterator<Item = &str> {
            self.vaccines.split(',').filter(|code| !code.is_empty())
        }

        pub fn offers(&self, vaccine: &str) -> bool {
            self.vaccine_codes().any(|code| code == vaccine)
        }
    }

    no_relations!();
}

pub mod immunization_import {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "immunization_imports")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub source_system: String,
        pub source_id: String,
        pub citizen_id: Uuid,
        pub facility_id: Uuid,
        pub book_entry_id: Uuid,
        pub fingerprint: String,
        pub status: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    no_relations!();
}
