//! Adverse events following immunization (AEFI, phản ứng sau tiêm chủng): the coded symptoms
//! a report names, how serious it is, and when reports on one lot form a cluster.
//!
//! Symptom codes follow the events the Brighton Collaboration has case definitions for and
//! that WHO's *Global manual on surveillance of adverse events following immunization* (2014,
//! revised 2016, table 2) lists for reporting; the codes are ours, the events are theirs.
//! "Serious" is WHO's definition (same manual, section 2.3): death, life-threatening,
//! in-patient hospitalisation or its prolongation, persistent disability, a congenital anomaly.

use crate::FieldIssue;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// One coded symptom, with both languages' names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Symptom {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
}

const fn symptom(code: &'static str, name_vi: &'static str, name_en: &'static str) -> Symptom {
    Symptom {
        code,
        name_vi,
        name_en,
    }
}

/// The coded list (WHO AEFI manual table 2; Brighton Collaboration case definitions).
pub const SYMPTOMS: &[Symptom] = &[
    symptom(
        "injection_site_reaction",
        "Sưng, đau, đỏ tại chỗ tiêm",
        "Swelling, pain or redness at the injection site",
    ),
    symptom(
        "injection_site_abscess",
        "Áp xe tại chỗ tiêm",
        "Injection-site abscess",
    ),
    symptom("fever", "Sốt", "Fever"),
    symptom(
        "high_fever",
        "Sốt cao trên 39 °C",
        "High fever (over 39 °C)",
    ),
    symptom("rash", "Phát ban", "Rash"),
    symptom(
        "persistent_crying",
        "Khóc dai dẳng (trên 3 giờ)",
        "Persistent crying (over 3 hours)",
    ),
    symptom(
        "vomiting_diarrhoea",
        "Nôn, tiêu chảy",
        "Vomiting or diarrhoea",
    ),
    symptom("seizure", "Co giật", "Seizure"),
    symptom(
        "hypotonic_hyporesponsive",
        "Giảm trương lực – giảm đáp ứng",
        "Hypotonic-hyporesponsive episode",
    ),
    symptom("anaphylaxis", "Phản vệ", "Anaphylaxis"),
    symptom(
        "difficulty_breathing",
        "Khó thở, tím tái",
        "Difficulty breathing, cyanosis",
    ),
    symptom(
        "encephalopathy",
        "Bệnh não, dấu hiệu màng não",
        "Encephalopathy or meningeal signs",
    ),
    symptom("thrombocytopenia", "Giảm tiểu cầu", "Thrombocytopenia"),
    symptom(
        "guillain_barre",
        "Hội chứng Guillain-Barré",
        "Guillain-Barré syndrome",
    ),
    symptom("intussusception", "Lồng ruột", "Intussusception"),
    symptom(
        "bcg_lymphadenitis",
        "Viêm hạch sau tiêm BCG",
        "BCG lymphadenitis",
    ),
    symptom("other", "Triệu chứng khác", "Another symptom"),
];

pub fn symptom_of(code: &str) -> Option<&'static Symptom> {
    SYMPTOMS.iter().find(|s| s.code == code)
}

/// How bad the reporter judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ReactionSeverity {
    Mild,
    Moderate,
    Severe,
}

impl ReactionSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionSeverity::Mild => "mild",
            ReactionSeverity::Moderate => "moderate",
            ReactionSeverity::Severe => "severe",
        }
    }
}

/// How a reaction's follow-up ended, as the facility or the authority that closes it found
/// it (the outcome field of the national AEFI investigation form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReactionOutcome {
    Recovered,
    RecoveredWithSequelae,
    Died,
    /// Lost to follow-up: the person could not be reached again.
    Unknown,
}

impl ReactionOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionOutcome::Recovered => "recovered",
            ReactionOutcome::RecoveredWithSequelae => "recovered_with_sequelae",
            ReactionOutcome::Died => "died",
            ReactionOutcome::Unknown => "unknown",
        }
    }

    pub fn parse(value: &str) -> Option<ReactionOutcome> {
        [
            ReactionOutcome::Recovered,
            ReactionOutcome::RecoveredWithSequelae,
            ReactionOutcome::Died,
            ReactionOutcome::Unknown,
        ]
        .into_iter()
        .find(|o| o.as_str() == value)
    }
}

/// What makes a reaction serious in WHO's sense (any one is enough).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SeriousFlags {
    #[serde(default)]
    pub hospitalised: bool,
    #[serde(default)]
    pub life_threatening: bool,
    #[serde(default)]
    pub death: bool,
}

impl SeriousFlags {
    pub fn any(self) -> bool {
        self.hospitalised || self.life_threatening || self.death
    }
}

/// Symptoms that are serious whatever the flags say: WHO's manual reports anaphylaxis,
/// encephalopathy and seizures after immunization as serious events to investigate.
const SERIOUS_SYMPTOMS: [&str; 4] = ["anaphylaxis", "encephalopathy", "seizure", "guillain_barre"];

/// Whether a report is serious: a flag, or a symptom that always is.
pub fn is_serious(flags: SeriousFlags, symptoms: &[String]) -> bool {
    flags.any()
        || symptoms
            .iter()
            .any(|s| SERIOUS_SYMPTOMS.contains(&s.as_str()))
}

/// A reaction starts with or after its dose, and a report tells of one that has begun: the
/// onset falls between the day of the dose and today, both included. The phone asks before
/// a report leaves, so that the form names the field offline.
pub fn check_onset(
    onset_on: NaiveDate,
    given_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldIssue> {
    if onset_on < given_on || onset_on > today {
        return Err(FieldIssue::new(
            "onset_on",
            "onset_out_of_range",
            "Ngày khởi phát phải từ ngày tiêm đến hôm nay.",
            "The onset must fall between the day of the dose and today.",
        ));
    }
    Ok(())
}

/// WHO's AEFI manual (section 5.3) defines a cluster as two or more cases of the same event
/// related in time, place or vaccine. A lot is flagged, and quarantined pending review, from
/// this many *serious* reactions to it: a pair of serious reports is investigated as a
/// cluster by the people reading the follow-up list, while a third on one lot within
/// [`CLUSTER_WINDOW_DAYS`] stops the lot's use by itself.
pub const CLUSTER_SERIOUS_REACTIONS: usize = 3;
/// The window of "related in time" for a lot: 30 days, the usual observation period after a
/// dose for serious events in WHO's manual (most occur within days; some, like Guillain-Barré,
/// within weeks).
pub const CLUSTER_WINDOW_DAYS: i64 = 30;

/// Whether serious reactions with these onset days, on one lot, hold a cluster: at least
/// [`CLUSTER_SERIOUS_REACTIONS`] of them within any [`CLUSTER_WINDOW_DAYS`]-day window.
pub fn is_cluster(onsets: &[NaiveDate]) -> bool {
    let mut days = onsets.to_vec();
    days.sort();
    let span = CLUSTER_SERIOUS_REACTIONS.saturating_sub(1);
    days.windows(CLUSTER_SERIOUS_REACTIONS)
        .any(|w| w[span] - w[0] < Duration::days(CLUSTER_WINDOW_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(i64::from(day))
    }

    #[test]
    fn three_serious_reactions_within_thirty_days_are_a_cluster() {
        assert!(!is_cluster(&[d(0), d(1)]));
        assert!(is_cluster(&[d(0), d(10), d(29)]));
        assert!(!is_cluster(&[d(0), d(10), d(30)]));
        assert!(is_cluster(&[d(40), d(0), d(45), d(50)]));
    }

    #[test]
    fn a_flag_or_an_always_serious_symptom_makes_a_report_serious() {
        assert!(!is_serious(SeriousFlags::default(), &["fever".to_owned()]));
        assert!(is_serious(
            SeriousFlags::default(),
            &["anaphylaxis".to_owned()]
        ));
        let hospitalised = SeriousFlags {
            hospitalised: true,
            ..SeriousFlags::default()
        };
        assert!(is_serious(hospitalised, &["fever".to_owned()]));
    }

    #[test]
    fn an_onset_falls_between_the_dose_and_today() {
        let (given, today) = (d(3), d(10));
        assert!(check_onset(given, given, today).is_ok());
        assert!(check_onset(today, given, today).is_ok());
        let before = check_onset(d(2), given, today).unwrap_err();
        assert_eq!(
            (before.field.as_str(), before.code.as_str()),
            ("onset_on", "onset_out_of_range")
        );
        assert!(check_onset(d(11), given, today).is_err());
    }

    #[test]
    fn codes_are_unique_and_known() {
        for (i, s) in SYMPTOMS.iter().enumerate() {
            assert!(SYMPTOMS[..i].iter().all(|o| o.code != s.code), "{}", s.code);
        }
        assert!(SERIOUS_SYMPTOMS.iter().all(|c| symptom_of(c).is_some()));
    }
}
