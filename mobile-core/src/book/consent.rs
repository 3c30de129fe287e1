//! Consent as the person sees it: the exact text the server will record, rendered here from
//! the template version the server serves, and granted only when the app says the person
//! agreed.

use super::error::BookError;
use crate::context::Core;
use crate::error::{CommonError, CoreError};
use crate::http::{Auth, query_string};
use chrono::NaiveDate;
use healthbook_domain::account::{Me, age_on};
use healthbook_domain::book::consent::{practitioner_words, render, template};
use healthbook_domain::book::{
    Categories, Category, Channel, ConsentTerms, ConsentTextVersion, GrantConsentRequest, Purpose,
    Section, Sections, check_grant,
};
use healthbook_domain::booking::Practitioner;
use healthbook_domain::facility::Facility;
use healthbook_domain::{FieldIssue, Lang};
use uuid::Uuid;

/// A consent ready to be shown: the text exactly as it will be recorded, and the request
/// that records it, not yet agreed to.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsentDraft {
    pub citizen_id: Uuid,
    /// `agreed` is false: only [`super::BookClient::grant_consent`] sets it, when the person
    /// has ticked the box themselves.
    pub request: GrantConsentRequest,
    pub text: String,
    /// The language of the text: the account's, which is the one the server records.
    pub text_lang: Lang,
    /// What is wrong with the terms besides the box not yet ticked (a date too far, no
    /// section chosen…), each for its field; empty when the draft may be granted.
    pub issues: Vec<FieldIssue>,
}

/// What the person chose on the grant screen.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ConsentChoice {
    pub facility: Facility,
    pub purpose: Purpose,
    pub sections: Vec<Section>,
    pub categories: Vec<Category>,
    pub valid_until: NaiveDate,
    /// One practitioner of the facility instead of all of its staff.
    #[uniffi(default)]
    pub practitioner: Option<Practitioner>,
}

/// Who the book is about, by the cached profile: the person themselves or a dependent.
pub(crate) struct Owner {
    pub full_name: String,
    /// The child's age when a guardian acts for a dependent.
    pub child_age: Option<u32>,
}

pub(crate) fn owner(me: &Me, citizen_id: Uuid, today: NaiveDate) -> Option<Owner> {
    if let Some(citizen) = me.citizen.as_ref().filter(|c| c.citizen_id == citizen_id) {
        return Some(Owner {
            full_name: citizen.full_name.clone(),
            child_age: None,
        });
    }
    me.dependents
        .iter()
        .find(|d| d.citizen.citizen_id == citizen_id)
        .map(|d| Owner {
            full_name: d.citizen.full_name.clone(),
            child_age: Some(age_on(d.citizen.date_of_birth, today)),
        })
}

pub(crate) async fn cached_me(core: &Core) -> Result<Me, BookError> {
    core.store(|store| store.me())
        .await?
        .map(|(me, _)| me)
        .ok_or(BookError::Common {
            error: CommonError::NotFound,
        })
}

/// Renders the draft from the server's current template version. The server records the
/// text in the granting account's language, so it is rendered in that one.
pub(crate) async fn prepare(
    core: &Core,
    citizen_id: Uuid,
    choice: ConsentChoice,
) -> Result<ConsentDraft, BookError> {
    let me = cached_me(core).await?;
    let today = core.clock.today();
    let person = owner(&me, citizen_id, today).ok_or(BookError::Common {
        error: CommonError::NotFound,
    })?;
    let lang = me.lang;
    let path = format!(
        "/v1/consent-text{}",
        query_string(&[("lang", Some(lang.code().to_owned()))])
    );
    let served: ConsentTextVersion = core.api.get(&path, Auth::Public).await?;
    draft(citizen_id, &person, lang, &served, choice, today)
}

/// The draft of `choice` under the served template, which must be the one this build holds
/// for that version: otherwise the text shown would not be the text recorded.
pub(crate) fn draft(
    citizen_id: Uuid,
    person: &Owner,
    lang: Lang,
    served: &ConsentTextVersion,
    choice: ConsentChoice,
    today: NaiveDate,
) -> Result<ConsentDraft, BookError> {
    let unknown = || BookError::ConsentTextUnknown {
        version: served.version.clone(),
    };
    if template(&served.version, lang) != Some(served.template.as_str()) {
        return Err(unknown());
    }
    // In the order the server renders them, whatever order they were ticked in.
    let sections = Sections::of(&choice.sections).list();
    let categories = Categories::of(&choice.categories).list();
    let practitioner = choice
        .practitioner
        .as_ref()
        .map(|p| practitioner_words(&p.title, &p.full_name));
    let terms = ConsentTerms {
        citizen_name: &person.full_name,
        facility_name: &choice.facility.name,
        practitioner: practitioner.as_deref(),
        purpose: choice.purpose,
        sections: &sections,
        categories: &categories,
        valid_until: choice.valid_until,
    };
    let text = render(&served.version, lang, &terms).ok_or_else(unknown)?;
    let request = GrantConsentRequest {
        facility_id: choice.facility.id,
        practitioner_id: choice.practitioner.map(|p| p.id),
        purpose: choice.purpose,
        sections: choice.sections,
        categories: choice.categories,
        valid_until: choice.valid_until,
        text_version: served.version.clone(),
        channel: Channel::App,
        agreed: false,
        child_assent: None,
    };
    let issues = check_grant(&request, today, person.child_age)
        .err()
        .unwrap_or_default()
        .into_iter()
        .filter(|issue| issue.field != "agreed" && issue.field != "child_assent")
        .collect();
    Ok(ConsentDraft {
        citizen_id,
        request,
        text,
        text_lang: lang,
        issues,
    })
}

/// The request the person agreed to, checked by the domain's rules.
pub(crate) fn agreed(
    draft: ConsentDraft,
    child_assent: Option<bool>,
    today: NaiveDate,
    child_age: Option<u32>,
) -> Result<GrantConsentRequest, CoreError> {
    let request = GrantConsentRequest {
        agreed: true,
        child_assent,
        ..draft.request
    };
    check_grant(&request, today, child_age).map_err(CoreError::Invalid)?;
    Ok(request)
}
