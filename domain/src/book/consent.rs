//! Consent to share the book (Luật 91/2025: per purpose, provable, withdrawable). What the
//! citizen agrees to is a text rendered from a versioned template and the terms; the server
//! stores the rendered text, so the consent proves exactly what was shown.

use super::section::{Category, Section};
use crate::i18n::Lang;
use crate::issue::{FieldIssue, Issues};
use chrono::{DateTime, Months, NaiveDate, Utc};
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
    /// Given before the citizen restricted the book (a granted restriction or objection, or
    /// a deletion kept as a restriction): it opens nothing any more.
    Suspended,
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
    /// One practitioner of that facility instead of all of its staff: only the account that
    /// signs in as them reads under this consent.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub practitioner_id: Option<Uuid>,
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
    /// The practitioner the consent names, as [`practitioner_words`] writes them.
    pub practitioner: Option<&'a str>,
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
    /// When the consent names one practitioner of the facility.
    pub practitioner_id: Option<Uuid>,
    pub practitioner_name: Option<String>,
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

/// The version of the consent text the apps show now.
pub const CURRENT_TEXT_VERSION: &str = "2026-12";

/// The longest a consent may run: past it, the citizen is asked again.
pub const MAX_VALIDITY_MONTHS: u32 = 24;

const TEMPLATE_2026_12_VI: &str = "\
Tôi, {citizen_name}, đồng ý cho {facility_name} xem các phần sau của sổ sức khỏe điện tử của tôi: {sections}, để {purpose}.
{sensitive}
Sự đồng ý này có hiệu lực đến hết ngày {valid_until}. Tôi có thể rút lại sự đồng ý bất cứ lúc nào trong ứng dụng; từ lúc đó cơ sở không xem được sổ của tôi theo sự đồng ý này nữa. Rút lại không xóa được những gì cơ sở đã xem trước đó.
Việc tôi từ chối hay rút lại sự đồng ý không bao giờ ảnh hưởng đến việc tôi được khám và chữa bệnh.
Mỗi lần cơ sở xem hay ghi vào sổ đều được ghi lại, và tôi xem được nhật ký đó trong ứng dụng.";

const TEMPLATE_2026_12_EN: &str = "\
I, {citizen_name}, agree that {facility_name} may see these parts of my electronic health book: {sections}, for {purpose}.
{sensitive}
This consent holds until the end of {valid_until}. I can withdraw it at any time in the app; from then on the facility can no longer see my book under this consent. Withdrawing cannot undo what the facility has already seen.
Refusing or withdrawing my consent never affects the care I receive.
Every time the facility sees or writes to my book is recorded, and I can read that log in the app.";

/// The consent text of a version in a language, with its placeholders: `{citizen_name}`,
/// `{facility_name}` (or, when one practitioner is named, "that practitioner at the
/// facility"), `{purpose}`, `{sections}`, `{sensitive}` (a sentence naming the
/// sensitive categories, or saying that none is shared) and `{valid_until}`.
pub fn template(version: &str, lang: Lang) -> Option<&'static str> {
    match (version, lang) {
        (CURRENT_TEXT_VERSION, Lang::Vi) => Some(TEMPLATE_2026_12_VI),
        (CURRENT_TEXT_VERSION, Lang::En) => Some(TEMPLATE_2026_12_EN),
        _ => None,
    }
}

/// The current template, as `GET /v1/consent-text` serves it.
pub fn current_text(lang: Lang) -> ConsentTextVersion {
    ConsentTextVersion {
        version: CURRENT_TEXT_VERSION.to_owned(),
        lang: lang.code().to_owned(),
        template: template(CURRENT_TEXT_VERSION, lang)
            .unwrap_or_default()
            .to_owned(),
    }
}

/// The text the person agrees to: the template of `version` with the terms in words. The
/// placeholders are filled in one pass, so a name that looks like one is left as typed.
pub fn render(version: &str, lang: Lang, terms: &ConsentTerms) -> Option<String> {
    let template = template(version, lang)?;
    let sections: Vec<&str> = terms
        .sections
        .iter()
        .map(|s| section_words(*s, lang))
        .collect();
    let categories: Vec<&str> = terms
        .categories
        .iter()
        .map(|c| category_words(*c, lang))
        .collect();
    let sensitive = match (categories.is_empty(), lang) {
        (true, Lang::Vi) => "Sự đồng ý này không bao gồm thông tin nhạy cảm nào (HIV, bệnh lao, \
            sức khỏe tâm thần, sức khỏe sinh sản và tình dục, sử dụng chất gây nghiện): những \
            thông tin đó vẫn được giữ kín."
            .to_owned(),
        (true, Lang::En) => "This consent covers no sensitive information (HIV, tuberculosis, \
            mental health, sexual and reproductive health, substance use): that stays hidden."
            .to_owned(),
        (false, Lang::Vi) => format!(
            "Sự đồng ý này bao gồm cả thông tin nhạy cảm về: {}.",
            list_in_words(&categories, lang)
        ),
        (false, Lang::En) => format!(
            "This consent also covers sensitive information about: {}.",
            list_in_words(&categories, lang)
        ),
    };
    let mut text = String::with_capacity(template.len() + 200);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        text.push_str(before);
        let Some(close) = from_brace.find('}') else {
            text.push_str(from_brace);
            rest = "";
            break;
        };
        let value = match &from_brace[1..close] {
            "citizen_name" => terms.citizen_name.to_owned(),
            "facility_name" => match (terms.practitioner, lang) {
                (None, _) => terms.facility_name.to_owned(),
                (Some(practitioner), Lang::Vi) => {
                    format!("{practitioner} tại {}", terms.facility_name)
                }
                (Some(practitioner), Lang::En) => {
                    format!("{practitioner} at {}", terms.facility_name)
                }
            },
            "purpose" => purpose_words(terms.purpose, lang).to_owned(),
            "sections" => list_in_words(&sections, lang),
            "sensitive" => sensitive.clone(),
            "valid_until" => terms.valid_until.format("%d/%m/%Y").to_string(),
            _ => from_brace[..=close].to_owned(),
        };
        text.push_str(&value);
        rest = &from_brace[close + 1..];
    }
    text.push_str(rest);
    Some(text)
}

/// A practitioner as the consent names them: title as on the licence, then the name
/// ("BS.CKII Nguyễn Văn An").
pub fn practitioner_words(title: &str, full_name: &str) -> String {
    match title.trim() {
        "" => full_name.to_owned(),
        title => format!("{title} {full_name}"),
    }
}

/// A section as a sentence names it ("tiền sử", "visits").
pub fn section_words(section: Section, lang: Lang) -> &'static str {
    match (section, lang) {
        (Section::Administrative, Lang::Vi) => "thông tin hành chính",
        (Section::Administrative, Lang::En) => "administrative details",
        (Section::History, Lang::Vi) => "tiền sử",
        (Section::History, Lang::En) => "history",
        (Section::Immunizations, Lang::Vi) => "tiêm chủng",
        (Section::Immunizations, Lang::En) => "immunizations",
        (Section::Visits, Lang::Vi) => "khám bệnh",
        (Section::Visits, Lang::En) => "visits",
        (Section::Readings, Lang::Vi) => "chỉ số tự đo",
        (Section::Readings, Lang::En) => "home readings",
    }
}

/// A sensitive category as a sentence names it.
pub fn category_words(category: Category, lang: Lang) -> &'static str {
    match (category, lang) {
        (Category::Hiv, _) => "HIV",
        (Category::Tuberculosis, Lang::Vi) => "bệnh lao",
        (Category::Tuberculosis, Lang::En) => "tuberculosis",
        (Category::MentalHealth, Lang::Vi) => "sức khỏe tâm thần",
        (Category::MentalHealth, Lang::En) => "mental health",
        (Category::SexualReproductive, Lang::Vi) => "sức khỏe sinh sản và tình dục",
        (Category::SexualReproductive, Lang::En) => "sexual and reproductive health",
        (Category::SubstanceUse, Lang::Vi) => "sử dụng chất gây nghiện",
        (Category::SubstanceUse, Lang::En) => "substance use",
    }
}

/// A purpose as it completes "để …" / "for …".
pub fn purpose_words(purpose: Purpose, lang: Lang) -> &'static str {
    match (purpose, lang) {
        (Purpose::Treatment, Lang::Vi) => "khám và chữa bệnh",
        (Purpose::Treatment, Lang::En) => "treatment",
        (Purpose::Referral, Lang::Vi) => "chuyển tuyến",
        (Purpose::Referral, Lang::En) => "referral",
        (Purpose::FollowUp, Lang::Vi) => "theo dõi sau khám",
        (Purpose::FollowUp, Lang::En) => "follow-up care",
    }
}

/// "a, b và c" / "a, b and c".
pub fn list_in_words(words: &[&str], lang: Lang) -> String {
    let and = match lang {
        Lang::Vi => " và ",
        Lang::En => " and ",
    };
    match words {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [head @ .., last] => format!("{}{and}{last}", head.join(", ")),
    }
}

/// Checks a consent as asked for, all problems at once. `today` is the local date;
/// `child_age` is the age of the citizen when a guardian grants for a child, none when the
/// citizen grants for themselves.
pub fn check_grant(
    request: &GrantConsentRequest,
    today: NaiveDate,
    child_age: Option<u32>,
) -> Result<(), Vec<FieldIssue>> {
    let mut issues = Issues::default();
    if !request.agreed {
        issues.push(FieldIssue::new(
            "agreed",
            "consent_not_agreed",
            "Cần đánh dấu vào ô đồng ý.",
            "The box saying you agree must be ticked.",
        ));
    }
    if request.sections.is_empty() {
        issues.push(FieldIssue::new(
            "sections",
            "consent_sections_empty",
            "Cần chọn ít nhất một phần của sổ.",
            "Choose at least one part of the book.",
        ));
    }
    duplicates(&mut issues, "sections", &request.sections);
    duplicates(&mut issues, "categories", &request.categories);
    let last_day = today
        .checked_add_months(Months::new(MAX_VALIDITY_MONTHS))
        .unwrap_or(NaiveDate::MAX);
    if request.valid_until < today {
        issues.push(FieldIssue::new(
            "valid_until",
            "consent_valid_until_past",
            "Ngày hết hiệu lực không được trước hôm nay.",
            "The last day cannot be before today.",
        ));
    } else if request.valid_until > last_day {
        let last = last_day.format("%d/%m/%Y");
        issues.push(FieldIssue::new(
            "valid_until",
            "consent_valid_until_too_far",
            format!("Sự đồng ý có hiệu lực tối đa 2 năm, đến {last}."),
            format!("A consent holds for at most two years, until {last}."),
        ));
    }
    if template(&request.text_version, Lang::Vi).is_none() {
        issues.push(FieldIssue::new(
            "text_version",
            "consent_text_version_unknown",
            "Phiên bản văn bản đồng ý không tồn tại; vui lòng tải lại.",
            "This version of the consent text does not exist; please reload it.",
        ));
    }
    if child_age.is_some_and(|age| age >= 7) && request.child_assent != Some(true) {
        issues.push(FieldIssue::new(
            "child_assent",
            "child_assent_required",
            "Trẻ từ đủ 7 tuổi cần được hỏi và đồng ý.",
            "A child of 7 or more must be asked and agree too.",
        ));
    }
    issues.into_result(Some(()))
}

fn duplicates<T: PartialEq>(issues: &mut Issues, field: &str, items: &[T]) {
    for (i, item) in items.iter().enumerate() {
        if items[..i].contains(item) {
            issues.push(FieldIssue::new(
                format!("{field}[{i}]"),
                "consent_duplicate",
                "Mục này đã được chọn.",
                "This is already chosen.",
            ));
        }
    }
}

#[cfg(test)]
mod tests;
