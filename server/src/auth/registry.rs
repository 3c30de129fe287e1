//! The population registry port: does this number, name and date of birth belong together
//! in the national population database?
//!
//! Two adapters: an HTTP client for the registry's endpoint, and a CSV file for development
//! and the demo. Names are compared without diacritics, case or extra spaces, because the
//! same name is often typed with and without accents.

use async_trait::async_trait;
use chrono::NaiveDate;
use healthbook_domain::ids::NationalId;
use healthbook_domain::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryAnswer {
    /// Number, name and date of birth match one registered person.
    Match,
    /// The number exists, but the name or date of birth differ.
    Mismatch,
    /// The number is not in the registry.
    Unknown,
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("registry timed out after {0:?}")]
    Timeout(Duration),
    #[error("registry answered {0}")]
    Status(u16),
    #[error("registry unreachable: {0}")]
    Transport(String),
    #[error("registry answer unreadable: {0}")]
    Answer(String),
}

#[async_trait]
pub trait PopulationRegistry: Send + Sync {
    async fn check(
        &self,
        national_id: &NationalId,
        full_name: &str,
        date_of_birth: NaiveDate,
    ) -> Result<RegistryAnswer, RegistryError>;

    fn describe(&self) -> String;
}

/// The built-in development registry: the demo's citizens.
const DEMO_REGISTRY: &str = include_str!("../../data/demo-registry.csv");

#[derive(Debug)]
pub struct CsvRegistry {
    people: HashMap<String, (String, NaiveDate)>,
    source: String,
}

impl CsvRegistry {
    pub fn demo() -> Result<CsvRegistry, RegistryError> {
        CsvRegistry::parse(DEMO_REGISTRY, "built-in demo registry")
    }

    pub fn from_file(path: &Path) -> Result<CsvRegistry, RegistryError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| RegistryError::Answer(format!("{}: {e}", path.display())))?;
        CsvRegistry::parse(&text, &path.display().to_string())
    }

    /// Rows: `national_id,full_name,date_of_birth` with a header line.
    pub fn parse(text: &str, source: &str) -> Result<CsvRegistry, RegistryError> {
        let mut people = HashMap::new();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for (line, record) in reader.records().enumerate() {
            let record = record.map_err(|e| RegistryError::Answer(format!("{source}: {e}")))?;
            let bad = || RegistryError::Answer(format!("{source}: row {} is malformed", line + 2));
            let id = record.get(0).ok_or_else(bad)?.trim().to_owned();
            let name = record.get(1).ok_or_else(bad)?;
            let dob = record
                .get(2)
                .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
                .ok_or_else(bad)?;
            people.insert(id, (fold(name), dob));
        }
        Ok(CsvRegistry {
            people,
            source: source.to_owned(),
        })
    }
}

#[async_trait]
impl PopulationRegistry for CsvRegistry {
    async fn check(
        &self,
        national_id: &NationalId,
        full_name: &str,
        date_of_birth: NaiveDate,
    ) -> Result<RegistryAnswer, RegistryError> {
        Ok(match self.people.get(national_id.as_str()) {
            None => RegistryAnswer::Unknown,
            Some((name, dob)) if *name == fold(full_name) && *dob == date_of_birth => {
                RegistryAnswer::Match
            }
            Some(_) => RegistryAnswer::Mismatch,
        })
    }

    fn describe(&self) -> String {
        format!(
            "CSV registry ({}, {} people)",
            self.source,
            self.people.len()
        )
    }
}

/// The HTTP adapter. Contract: `POST {url}` with
/// `{"national_id", "full_name", "date_of_birth"}`; `200 {"match": true|false}`, or
/// `404` when the number is unknown. Anything else, or no answer within the timeout, is an
/// error: the caller decides what an unavailable registry means for its use case.
#[derive(Debug)]
pub struct HttpRegistry {
    client: reqwest::Client,
    url: String,
    timeout: Duration,
}

#[derive(Serialize)]
struct Query<'a> {
    national_id: &'a str,
    full_name: &'a str,
    date_of_birth: NaiveDate,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "match")]
    matched: bool,
}

impl HttpRegistry {
    pub fn new(url: &str, timeout: Duration) -> Result<HttpRegistry, RegistryError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // Identification numbers go only to the configured address, never where a
            // redirect points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| RegistryError::Transport(e.to_string()))?;
        Ok(HttpRegistry {
            client,
            url: url.to_owned(),
            timeout,
        })
    }
}

#[async_trait]
impl PopulationRegistry for HttpRegistry {
    async fn check(
        &self,
        national_id: &NationalId,
        full_name: &str,
        date_of_birth: NaiveDate,
    ) -> Result<RegistryAnswer, RegistryError> {
        let response = self
            .client
            .post(&self.url)
            .json(&Query {
                national_id: national_id.as_str(),
                full_name,
                date_of_birth,
            })
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    RegistryError::Timeout(self.timeout)
                } else {
                    // The error text may contain the URL but never the body we sent.
                    RegistryError::Transport(e.without_url().to_string())
                }
            })?;
        match response.status().as_u16() {
            200 => {
                let answer: Answer = response.json().await.map_err(|e| {
                    if e.is_timeout() {
                        RegistryError::Timeout(self.timeout)
                    } else {
                        RegistryError::Answer(e.without_url().to_string())
                    }
                })?;
                Ok(if answer.matched {
                    RegistryAnswer::Match
                } else {
                    RegistryAnswer::Mismatch
                })
            }
            404 => Ok(RegistryAnswer::Unknown),
            status => Err(RegistryError::Status(status)),
        }
    }

    fn describe(&self) -> String {
        format!("HTTP registry at {}", crate::config::redact_url(&self.url))
    }
}

/// The registry the configuration names: HTTP endpoint, CSV file, or the built-in demo.
pub fn from_config(
    config: &crate::config::Config,
) -> anyhow::Result<std::sync::Arc<dyn PopulationRegistry>> {
    Ok(match (&config.registry_url, &config.registry_csv) {
        (Some(url), _) => std::sync::Arc::new(HttpRegistry::new(url, config.registry_timeout)?),
        (None, Some(path)) => std::sync::Arc::new(CsvRegistry::from_file(path)?),
        (None, None) => std::sync::Arc::new(CsvRegistry::demo()?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn csv_registry_matches_names_without_accents() {
        let registry = CsvRegistry::parse(
            "national_id,full_name,date_of_birth\n001090000001,Nguyễn Văn An,1990-05-17\n",
            "test",
        )
        .unwrap();
        let id = NationalId::parse("001090000001").unwrap();
        let dob = NaiveDate::from_ymd_opt(1990, 5, 17).unwrap();
        assert_eq!(
            registry.check(&id, "nguyen van  an", dob).await.unwrap(),
            RegistryAnswer::Match
        );
        assert_eq!(
            registry.check(&id, "Nguyễn Văn Ân", dob).await.unwrap(),
            RegistryAnswer::Match
        );
        assert_eq!(
            registry.check(&id, "Trần Văn An", dob).await.unwrap(),
            RegistryAnswer::Mismatch
        );
        let other = NationalId::parse("079190000002").unwrap();
        assert_eq!(
            registry.check(&other, "Nguyễn Văn An", dob).await.unwrap(),
            RegistryAnswer::Unknown
        );
    }

    #[test]
    fn demo_registry_loads() {
        let registry = CsvRegistry::demo().unwrap();
        assert!(registry.people.len() >= 5);
    }
}
