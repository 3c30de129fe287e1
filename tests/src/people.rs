//! Citizens, staff and passkeys for tests: registration, sign-in and authenticated requests.

use crate::{Reply, TestApp};
use anyhow::{Context, Result, anyhow};
use chrono::{Datelike, NaiveDate};
use healthbook_soft_authenticator::SoftAuthenticator;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};

static SERIAL: AtomicU32 = AtomicU32::new(1);

/// The origin the test authenticator reports; the server accepts `http://localhost` on any
/// port by default.
pub const ORIGIN: &str = "http://localhost:8080";

/// A person as the registration form takes them.
#[derive(Debug, Clone)]
pub struct Person {
    pub national_id: String,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: &'static str,
    pub email: String,
    pub phone: String,
}

/// A valid 12-digit identification number for this date of birth and sex, unique within
/// the test process: prefix 001 (Hà Nội), the sex/century digit, the year, a serial.
pub fn national_id_for(date_of_birth: NaiveDate, female: bool) -> String {
    let century = (date_of_birth.year() / 100 - 19) * 2 + i32::from(female);
    let serial = SERIAL.fetch_add(1, Ordering::SeqCst) + (std::process::id() % 1000) * 1000;
    format!(
        "001{century}{:02}{:06}",
        date_of_birth.year() % 100,
        serial % 1_000_000
    )
}

impl Person {
    pub fn adult(tag: &str) -> Person {
        let date_of_birth = NaiveDate::from_ymd_opt(1990, 5, 17).unwrap_or_default();
        Person {
            national_id: national_id_for(date_of_birth, false),
            full_name: "Nguyễn Văn Thử".to_owned(),
            date_of_birth,
            sex: "male",
            email: format!("{tag}.{}@example.vn", SERIAL.fetch_add(1, Ordering::SeqCst)),
            phone: "0912345678".to_owned(),
        }
    }

    /// One of the people of the built-in demo population registry (verifiable).
    pub fn in_registry(email: &str) -> Person {
        Person {
            national_id: "001090000001".to_owned(),
            full_name: "Nguyễn Văn An".to_owned(),
            date_of_birth: NaiveDate::from_ymd_opt(1990, 5, 17).unwrap_or_default(),
            sex: "male",
            email: email.to_owned(),
            phone: "0987654321".to_owned(),
        }
    }

    pub fn body(&self) -> Value {
        json!({
            "national_id": self.national_id,
            "full_name": self.full_name,
            "date_of_birth": self.date_of_birth,
            "sex": self.sex,
            "email": self.email,
            "phone": self.phone,
        })
    }
}

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct Session {
    pub email: String,
    pub account_id: String,
    pub citizen_id: Option<String>,
    pub token: String,
}

impl TestApp {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Reply> {
        let mut request = self.request(method, path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::from(request.send().await?).await
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Result<Reply> {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> Result<Reply> {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Waits for the newest mail to `email` with a 6-digit code and returns the code.
    pub async fn code_for(&self, email: &str, seen_before: usize) -> Result<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let mails: Vec<_> = self
                .mails()?
                .into_iter()
                .filter(|m| m.to.eq_ignore_ascii_case(email))
                .collect();
            if mails.len() > seen_before
                && let Some(code) = mails.last().and_then(|m| m.code(6))
            {
                return Ok(code);
            }
            if std::time::Instant::now() > deadline {
                return Err(anyhow!("no new code mailed to {email}"));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    pub fn mail_count(&self, email: &str) -> usize {
        self.mails()
            .map(|m| {
                m.iter()
                    .filter(|m| m.to.eq_ignore_ascii_case(email))
                    .count()
            })
            .unwrap_or(0)
    }

    /// Registers `person` and verifies the address: a basic session.
    pub async fn register_verified(&self, person: &Person) -> Result<Session> {
        let before = self.mail_count(&person.email);
        let registered = self.post("/v1/auth/register", &person.body()).await?;
        if registered.status.as_u16() != 201 {
            return Err(anyhow!("register: {}", registered.text));
        }
        let code = self.code_for(&person.email, before).await?;
        let verified = self
            .post(
                "/v1/auth/email/verify",
                &json!({ "email": person.email, "code": code, "device_name": "Test phone" }),
            )
            .await?;
        if verified.status.as_u16() != 200 {
            return Err(anyhow!("verify: {}", verified.text));
        }
        Ok(Session {
            email: person.email.clone(),
            account_id: registered.json["account_id"]
                .as_str()
                .context("account_id")?
                .to_owned(),
            citizen_id: registered.json["citizen_id"].as_str().map(str::to_owned),
            token: verified.json["token"].as_str().context("token")?.to_owned(),
        })
    }

    /// A fresh citizen with a basic session.
    pub async fn citizen(&self, tag: &str) -> Result<Session> {
        self.register_verified(&Person::adult(tag)).await
    }

    /// Enrols a passkey held by `authenticator` using `token`'s session.
    pub async fn enrol_passkey(
        &self,
        token: &str,
        authenticator: &mut SoftAuthenticator,
        name: &str,
    ) -> Result<Reply> {
        let start = self
            .post_as(
                token,
                "/v1/auth/passkeys/register/start",
                &json!({ "name": name }),
            )
            .await?;
        if start.status.as_u16() != 200 {
            return Ok(start);
        }
        let credential = authenticator.register(&start.json["options"])?;
        self.post_as(
            token,
            "/v1/auth/passkeys/register/finish",
            &json!({ "ceremony_id": start.json["ceremony_id"], "credential": credential }),
        )
        .await
    }

    /// Signs in with a passkey, discoverable when `email` is `None`.
    pub async fn passkey_sign_in(
        &self,
        authenticator: &mut SoftAuthenticator,
        email: Option<&str>,
    ) -> Result<Reply> {
        let start = self
            .post("/v1/auth/passkeys/login/start", &json!({ "email": email }))
            .await?;
        if start.status.as_u16() != 200 {
            return Ok(start);
        }
        let credential = authenticator.authenticate(&start.json["options"])?;
        self.post(
            "/v1/auth/passkeys/login/finish",
            &json!({ "ceremony_id": start.json["ceremony_id"], "credential": credential, "device_name": "Test phone" }),
        )
        .await
    }

    /// A citizen with a passkey session (and the authenticator holding the passkey).
    pub async fn citizen_with_passkey(&self, tag: &str) -> Result<(Session, SoftAuthenticator)> {
        self.person_with_passkey(&Person::adult(tag)).await
    }

    /// `person`, registered, with a passkey session.
    pub async fn person_with_passkey(
        &self,
        person: &Person,
    ) -> Result<(Session, SoftAuthenticator)> {
        let basic = self.register_verified(person).await?;
        let mut authenticator = SoftAuthenticator::new(ORIGIN);
        let enrolled = self
            .enrol_passkey(&basic.token, &mut authenticator, "Test phone")
            .await?;
        if enrolled.status.as_u16() != 201 {
            return Err(anyhow!("enrol: {}", enrolled.text));
        }
        let signed_in = self
            .passkey_sign_in(&mut authenticator, Some(&basic.email))
            .await?;
        let token = signed_in.json["token"]
            .as_str()
            .context(signed_in.text.clone())?
            .to_owned();
        Ok((Session { token, ..basic }, authenticator))
    }

    /// Runs `healthbook create-staff` against this app's data and enrols with the code: the
    /// new account's address and its enrolment session (which may only register a passkey).
    pub async fn staff_enrolment(
        &self,
        role: &str,
        facility_code: Option<&str>,
    ) -> Result<(String, String)> {
        match facility_code {
            Some(code) => self.enrolment_of(role, &["--facility", code]).await,
            None => self.enrolment_of(role, &[]).await,
        }
    }

    /// As [`TestApp::staff_enrolment`], with `create-staff`'s scope arguments as given.
    async fn enrolment_of(&self, role: &str, scope: &[&str]) -> Result<(String, String)> {
        let email = format!(
            "{role}.{}@staff.healthbook.vn",
            SERIAL.fetch_add(1, Ordering::SeqCst)
        );
        let mut command = std::process::Command::new(crate::binary()?);
        command
            .args([
                "create-staff",
                "--email",
                &email,
                "--name",
                "Cán Bộ Thử",
                "--role",
                role,
            ])
            .current_dir(self.data_dir())
            .env("HEALTHBOOK_DATA_DIR", self.data_dir())
            .env("DATABASE_URL", self.backend().url(self.data_dir()))
            .env_remove("REDIS_URL")
            .env_remove("SMTP_URL");
        command.args(scope);
        // The code's 72 hours run on the clock of the process that will take it.
        if let Some((key, offset)) = self.clock_offset() {
            command.env(key, offset);
        }
        let output = command.output()?;
        if !output.status.success() {
            return Err(anyhow!(
                "create-staff: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let code = stdout
            .lines()
            .find_map(|l| l.strip_prefix("Enrolment code (valid 72 hours, single use): "))
            .context("no enrolment code printed")?
            .trim()
            .to_owned();
        let enrolment = self
            .post(
                "/v1/auth/staff/enrol",
                &json!({ "email": email, "code": code }),
            )
            .await?;
        let enrolment_token = enrolment.json["token"]
            .as_str()
            .context(enrolment.text.clone())?
            .to_owned();
        Ok((email, enrolment_token))
    }

    /// A staff account made by [`TestApp::staff_enrolment`], its passkey enrolled: a staff
    /// passkey session.
    pub async fn staff(
        &self,
        role: &str,
        facility_code: Option<&str>,
    ) -> Result<(Session, SoftAuthenticator)> {
        let enrolment = self.staff_enrolment(role, facility_code).await?;
        self.staff_signed_in(enrolment).await
    }

    /// An authority over `admin_unit` (a province's or a commune's code), its passkey
    /// enrolled: a staff passkey session.
    pub async fn authority(&self, admin_unit: &str) -> Result<(Session, SoftAuthenticator)> {
        let enrolment = self
            .enrolment_of("authority", &["--admin-unit", admin_unit])
            .await?;
        self.staff_signed_in(enrolment).await
    }

    async fn staff_signed_in(
        &self,
        (email, enrolment_token): (String, String),
    ) -> Result<(Session, SoftAuthenticator)> {
        let mut authenticator = SoftAuthenticator::new(ORIGIN);
        let enrolled = self
            .enrol_passkey(&enrolment_token, &mut authenticator, "Work phone")
            .await?;
        if enrolled.status.as_u16() != 201 {
            return Err(anyhow!("staff enrol: {}", enrolled.text));
        }
        let signed_in = self
            .passkey_sign_in(&mut authenticator, Some(&email))
            .await?;
        let token = signed_in.json["token"]
            .as_str()
            .context(signed_in.text.clone())?
            .to_owned();
        let account_id = signed_in.json["account_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Ok((
            Session {
                email,
                account_id,
                citizen_id: None,
                token,
            },
            authenticator,
        ))
    }
}
