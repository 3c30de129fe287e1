//! Tables of the health book. `book_entry` and `access_log` rows are only ever inserted: the
//! database refuses updates and deletes of them (see the migration).

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod book_entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "book_entries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub entry_id: Uuid,
        pub version: i32,
        pub citizen_id: Uuid,
        pub kind: String,
        pub section: String,
        pub status: String,
        pub category: Option<String>,
        pub body: String,
        pub reason: Option<String>,
        pub self_reported: bool,
        pub source: String,
        pub author_role: String,
        pub author_account_id: Option<Uuid>,
        pub author_name: Option<String>,
        pub facility_id: Option<Uuid>,
        pub recorded_at: DateTimeUtc,
    }

    no_relations!();
}

pub mod consent {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub citizen_id: Uuid,
        pub facility_id: Uuid,
        pub practitioner_id: Option<Uuid>,
        pub purpose: String,
        pub sections: String,
        pub categories: String,
        pub valid_from: DateTimeUtc,
        pub valid_until: Date,
        pub text: String,
        pub text_version: String,
        pub text_lang: String,
        pub channel: String,
        pub granted_by: Uuid,
        pub granted_by_name: String,
        pub granted_by_guardian: bool,
        pub child_assent: Option<bool>,
        pub withdrawn_at: Option<DateTimeUtc>,
        pub withdrawn_by: Option<Uuid>,
    }

    no_relations!();
}

pub mod break_glass {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "break_glass")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub citizen_id: Uuid,
        pub account_id: Uuid,
        pub facility_id: Uuid,
        pub doctor_name: String,
        pub reason: String,
        pub opened_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub reviewed_at: Option<DateTimeUtc>,
        pub reviewed_by: Option<Uuid>,
        pub justified: Option<bool>,
        pub review_note: Option<String>,
    }

    no_relations!();
}

pub mod insurance_card {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "insurance_cards")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub citizen_id: Uuid,
        #[sea_orm(unique)]
        pub number: String,
    }

    no_relations!();
}

/// The commune a citizen lives in, from section I (see
/// `domain::book::Administrative::residence`): the due lists' index of residents.
pub mod residence {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "residences")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub citizen_id: Uuid,
        pub commune_code: String,
    }

    no_relations!();
}

pub mod access_log {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "access_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub citizen_id: Uuid,
        pub at: DateTimeUtc,
        pub actor_account_id: Uuid,
        pub actor_role: String,
        pub facility_id: Option<Uuid>,
        pub basis: String,
        pub basis_id: Option<Uuid>,
        pub basis_ref: Option<String>,
        pub action: String,
        pub sections: String,
    }

    no_relations!();
}

pub mod data_request {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "data_requests")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub citizen_id: Uuid,
        pub kind: String,
        pub status: String,
        pub entry_id: Option<Uuid>,
        pub facility_id: Option<Uuid>,
        pub details: String,
        pub requested_by: Uuid,
        pub received_at: DateTimeUtc,
        pub acknowledge_by: Date,
        pub answer_by: Date,
        pub acknowledged_at: Option<DateTimeUtc>,
        pub closed_at: Option<DateTimeUtc>,
        pub closed_by: Option<Uuid>,
        pub outcome: Option<String>,
    }

    no_relations!();
}

pub mod care_episode {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "care_episodes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub citizen_id: Uuid,
        pub facility_id: Uuid,
        pub kind: String,
        pub opened_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        pub closed_at: Option<DateTimeUtc>,
        pub opened_by: Option<Uuid>,
    }

    no_relations!();
}
