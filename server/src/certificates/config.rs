//! Certificate options: on the command line and in the environment like every option, and
//! in the configuration file's `[certificates]` table.

use super::keyring::{ConfiguredKeys, KeySource};
use super::keys::KeyDir;
use crate::config::error::ConfigError;
use clap::Args;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const DEFAULT_COUNTRY: &str = "VN";
/// A phone warns when its trust list is older than this (it still verifies with it).
pub const DEFAULT_TRUST_LIST_MAX_AGE: u64 = 7 * 24 * 3600;
/// Revocations must reach phones sooner than new signers.
pub const DEFAULT_REVOCATION_LIST_MAX_AGE: u64 = 24 * 3600;

#[derive(Debug, Args, Default)]
pub struct CertificateOptions {
    /// Issuing country of certificates (ISO 3166 alpha-2) [default: VN].
    #[arg(
        long,
        env = "HEALTHBOOK_CERTIFICATE_COUNTRY",
        global = true,
        value_name = "CC"
    )]
    pub certificate_country: Option<String>,

    /// PEM certificate of the country signing CA. With the four options below it replaces the
    /// keys generated into DATA_DIR/keys.
    #[arg(long, env = "HEALTHBOOK_CSCA_CERT", global = true, value_name = "FILE")]
    pub csca_cert: Option<PathBuf>,

    /// PEM certificate of the document signer (DSC) that signs health certificates.
    #[arg(long, env = "HEALTHBOOK_DSC_CERT", global = true, value_name = "FILE")]
    pub dsc_cert: Option<PathBuf>,

    /// PKCS#8 PEM private key of the DSC.
    #[arg(long, env = "HEALTHBOOK_DSC_KEY", global = true, value_name = "FILE")]
    pub dsc_key: Option<PathBuf>,

    /// PEM certificates of earlier DSCs that stay in the trust list, comma-separated.
    #[arg(
        long,
        env = "HEALTHBOOK_RETIRED_DSC_CERTS",
        global = true,
        value_name = "FILES",
        value_delimiter = ','
    )]
    pub retired_dsc_certs: Option<Vec<PathBuf>>,

    /// PEM certificate of the key that signs the trust and revocation lists (apps pin it).
    #[arg(
        long,
        env = "HEALTHBOOK_TRUST_LIST_CERT",
        global = true,
        value_name = "FILE"
    )]
    pub trust_list_cert: Option<PathBuf>,

    /// PKCS#8 PEM private key of the trust-list signer.
    #[arg(
        long,
        env = "HEALTHBOOK_TRUST_LIST_KEY",
        global = true,
        value_name = "FILE"
    )]
    pub trust_list_key: Option<PathBuf>,

    /// Seconds after which a phone calls its trust list stale [default: 604800].
    #[arg(
        long,
        env = "HEALTHBOOK_TRUST_LIST_MAX_AGE",
        global = true,
        value_name = "SECONDS"
    )]
    pub trust_list_max_age: Option<u64>,

    /// Seconds after which a phone calls its revocation list stale [default: 86400].
    #[arg(
        long,
        env = "HEALTHBOOK_REVOCATION_LIST_MAX_AGE",
        global = true,
        value_name = "SECONDS"
    )]
    pub revocation_list_max_age: Option<u64>,
}

/// The `[certificates]` table of `healthbook.toml`; keys as the options without `--`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateFileOptions {
    country: Option<String>,
    csca_cert: Option<PathBuf>,
    dsc_cert: Option<PathBuf>,
    dsc_key: Option<PathBuf>,
    retired_dsc_certs: Option<Vec<PathBuf>>,
    trust_list_cert: Option<PathBuf>,
    trust_list_key: Option<PathBuf>,
    trust_list_max_age: Option<u64>,
    revocation_list_max_age: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateConfig {
    pub country: String,
    /// PEM files; `None` means keys generated into the data directory.
    pub configured: Option<ConfiguredKeys>,
    pub trust_list_max_age: u64,
    pub revocation_list_max_age: u64,
}

impl Default for CertificateConfig {
    fn default() -> Self {
        CertificateConfig {
            country: DEFAULT_COUNTRY.to_owned(),
            configured: None,
            trust_list_max_age: DEFAULT_TRUST_LIST_MAX_AGE,
            revocation_list_max_age: DEFAULT_REVOCATION_LIST_MAX_AGE,
        }
    }
}

impl CertificateConfig {
    pub fn resolve(
        options: CertificateOptions,
        file: Option<CertificateFileOptions>,
    ) -> Result<CertificateConfig, ConfigError> {
        let file = file.unwrap_or_default();
        let country = options
            .certificate_country
            .or(file.country)
            .unwrap_or_else(|| DEFAULT_COUNTRY.to_owned());
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ConfigError::Invalid {
                option: "certificate_country",
                message: format!("{country:?} is not an ISO 3166 alpha-2 code such as VN"),
            });
        }
        let paths = [
            ("csca_cert", options.csca_cert.or(file.csca_cert)),
            ("dsc_cert", options.dsc_cert.or(file.dsc_cert)),
            ("dsc_key", options.dsc_key.or(file.dsc_key)),
            (
                "trust_list_cert",
                options.trust_list_cert.or(file.trust_list_cert),
            ),
            (
                "trust_list_key",
                options.trust_list_key.or(file.trust_list_key),
            ),
        ];
        let retired_dsc_certs = options
            .retired_dsc_certs
            .or(file.retired_dsc_certs)
            .unwrap_or_default();
        let configured = if paths.iter().all(|(_, path)| path.is_none()) {
            if !retired_dsc_certs.is_empty() {
                return Err(ConfigError::Invalid {
                    option: "retired_dsc_certs",
                    message: "only with PEM keys (dsc_cert and the others)".to_owned(),
                });
            }
            None
        } else {
            let [csca, dsc, dsc_key, list, list_key] = paths.map(|(option, path)| {
                path.ok_or(ConfigError::Invalid {
                    option,
                    message: "PEM keys need all of csca_cert, dsc_cert, dsc_key, \
                              trust_list_cert and trust_list_key"
                        .to_owned(),
                })
            });
            Some(ConfiguredKeys {
                csca_cert: csca?,
                dsc_cert: dsc?,
                dsc_key: dsc_key?,
                trust_list_cert: list?,
                trust_list_key: list_key?,
                retired_dsc_certs,
            })
        };
        let max_age = |option: &'static str, value: Option<u64>, default: u64| match value {
            Some(0) => Err(ConfigError::Invalid {
                option,
                message: "must be at least 1 second".to_owned(),
            }),
            Some(seconds) => Ok(seconds),
            None => Ok(default),
        };
        Ok(CertificateConfig {
            country,
            configured,
            trust_list_max_age: max_age(
                "trust_list_max_age",
                options.trust_list_max_age.or(file.trust_list_max_age),
                DEFAULT_TRUST_LIST_MAX_AGE,
            )?,
            revocation_list_max_age: max_age(
                "revocation_list_max_age",
                options
                    .revocation_list_max_age
                    .or(file.revocation_list_max_age),
                DEFAULT_REVOCATION_LIST_MAX_AGE,
            )?,
        })
    }

    /// Where the private keys are: the configured PEM files, or `keys_dir`.
    pub fn key_source(&self, keys_dir: &Path) -> KeySource {
        match &self.configured {
            Some(configured) => KeySource::Configured(configured.clone()),
            None => KeySource::Generated(KeyDir::new(keys_dir.to_path_buf())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_pem_files_keys_are_generated_in_vietnam() {
        let config = CertificateConfig::resolve(CertificateOptions::default(), None).unwrap();
        assert_eq!(config, CertificateConfig::default());
        assert!(matches!(
            config.key_source(Path::new("var/keys")),
            KeySource::Generated(_)
        ));
    }

    #[test]
    fn pem_keys_come_all_together_and_the_file_fills_in() {
        let partial = CertificateConfig::resolve(
            CertificateOptions {
                dsc_cert: Some("dsc.pem".into()),
                ..CertificateOptions::default()
            },
            None,
        )
        .unwrap_err();
        assert!(partial.to_string().contains("csca_cert"), "{partial}");
        let file: CertificateFileOptions = toml::from_str(
            "csca_cert = \"csca.pem\"\ndsc_key = \"dsc.key\"\ntrust_list_cert = \"tl.pem\"\n\
             trust_list_key = \"tl.key\"\ncountry = \"VN\"\ntrust_list_max_age = 60\n",
        )
        .unwrap();
        let config = CertificateConfig::resolve(
            CertificateOptions {
                dsc_cert: Some("dsc.pem".into()),
                ..CertificateOptions::default()
            },
            Some(file),
        )
        .unwrap();
        assert_eq!(config.trust_list_max_age, 60);
        assert_eq!(
            config.configured.unwrap().dsc_cert,
            PathBuf::from("dsc.pem")
        );
    }

    #[test]
    fn a_bad_country_or_zero_age_names_the_option() {
        let error = CertificateConfig::resolve(
            CertificateOptions {
                certificate_country: Some("Viet Nam".into()),
                ..CertificateOptions::default()
            },
            None,
        )
        .unwrap_err();
        assert!(error.to_string().contains("certificate_country"), "{error}");
        assert!(toml::from_str::<CertificateFileOptions>("dsc_crt = \"x\"").is_err());
        let error = CertificateConfig::resolve(
            CertificateOptions {
                revocation_list_max_age: Some(0),
                ..CertificateOptions::default()
            },
            None,
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("revocation_list_max_age"),
            "{error}"
        );
    }
}
