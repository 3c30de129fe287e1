//! Registration, email codes, passkeys and sign-out: everything that starts or ends a session.

mod error;

pub use error::AuthError;

use crate::context::Core;
use crate::error::{CommonError, CoreError};
use crate::http::Auth;
use crate::passkey::{PasskeyCreation, PasskeyRequest, PlatformAssertion, PlatformRegistration};
use healthbook_domain::account::{
    Assurance, CeremonyOptions, CodeSent, LogoutRequest, Me, OtpFinishRequest, OtpStartRequest,
    PasskeyInfo, PasskeyLoginFinish, PasskeyLoginStart, PasskeyRegisterFinish,
    PasskeyRegisterStart, RegisterRequest, RegisterResponse, SessionGrant, VerifyEmailRequest,
};
use healthbook_domain::{FieldIssue, Sensitive};
use std::sync::Arc;
use uuid::Uuid;

#[derive(uniffi::Object)]
pub struct AuthClient {
    core: Arc<Core>,
}

impl AuthClient {
    pub(crate) fn new(core: Arc<Core>) -> AuthClient {
        AuthClient { core }
    }

    /// Keeps the new session, then reads and caches who signed in: the app goes straight to
    /// its home screen with what this returns.
    async fn begin(&self, grant: SessionGrant) -> Result<Me, AuthError> {
        self.core.session.start(grant);
        crate::account::refresh_me(&self.core)
            .await
            .map_err(AuthError::from)
    }

    fn parse_response(json: &str) -> Result<serde_json::Value, AuthError> {
        serde_json::from_str(json).map_err(|e| AuthError::MalformedPasskey {
            detail: e.to_string(),
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl AuthClient {
    /// The registration form's problems, by the same rules the server applies; empty when
    /// the form may be sent.
    pub fn validate_registration(&self, request: RegisterRequest) -> Vec<FieldIssue> {
        request
            .parse(self.core.clock.today())
            .err()
            .unwrap_or_default()
    }

    /// Creates the account; a 6-digit code goes to the email address, for [`Self::verify_email`].
    pub async fn register(&self, request: RegisterRequest) -> Result<RegisterResponse, AuthError> {
        let issues = self.validate_registration(request.clone());
        if !issues.is_empty() {
            return Err(CommonError::InvalidInput { issues }.into());
        }
        Ok(self
            .core
            .api
            .post("/v1/auth/register", &request, Auth::Public)
            .await?)
    }

    /// Confirms the address with the mailed code and signs in (a basic session).
    pub async fn verify_email(&self, email: String, code: String) -> Result<Me, AuthError> {
        let request = VerifyEmailRequest {
            email,
            code: Sensitive::new(code),
            device_name: self.core.device_name.clone(),
        };
        let grant: SessionGrant = self
            .core
            .api
            .post("/v1/auth/email/verify", &request, Auth::Public)
            .await?;
        self.begin(grant).await
    }

    /// Mails a sign-in code. The answer is the same whether or not the address has an account.
    pub async fn start_email_sign_in(&self, email: String) -> Result<CodeSent, AuthError> {
        Ok(self
            .core
            .api
            .post(
                "/v1/auth/otp/start",
                &OtpStartRequest { email },
                Auth::Public,
            )
            .await?)
    }

    /// Signs in with the mailed code (a basic session: no health data until a passkey).
    pub async fn finish_email_sign_in(&self, email: String, code: String) -> Result<Me, AuthError> {
        let request = OtpFinishRequest {
            email,
            code: Sensitive::new(code),
            device_name: self.core.device_name.clone(),
        };
        let grant: SessionGrant = self
            .core
            .api
            .post("/v1/auth/otp/finish", &request, Auth::Public)
            .await?;
        self.begin(grant).await
    }

    /// Starts enrolling a passkey on this phone; hand the result to the platform.
    pub async fn start_passkey_registration(
        &self,
        name: String,
    ) -> Result<PasskeyCreation, AuthError> {
        let options: CeremonyOptions = self
            .core
            .api
            .post(
                "/v1/auth/passkeys/register/start",
                &PasskeyRegisterStart { name },
                Auth::Bearer,
            )
            .await?;
        Ok(PasskeyCreation::from_options(&options)?)
    }

    /// Completes enrolment with the platform's `RegistrationResponseJSON` (Android).
    pub async fn finish_passkey_registration(
        &self,
        ceremony_id: Uuid,
        response_json: String,
    ) -> Result<PasskeyInfo, AuthError> {
        let request = PasskeyRegisterFinish {
            ceremony_id,
            credential: AuthClient::parse_response(&response_json)?,
        };
        Ok(self
            .core
            .api
            .post("/v1/auth/passkeys/register/finish", &request, Auth::Bearer)
            .await?)
    }

    /// Completes enrolment with the platform's raw registration (iOS).
    pub async fn finish_passkey_registration_platform(
        &self,
        ceremony_id: Uuid,
        registration: PlatformRegistration,
    ) -> Result<PasskeyInfo, AuthError> {
        let request = PasskeyRegisterFinish {
            ceremony_id,
            credential: registration.to_response_json(),
        };
        Ok(self
            .core
            .api
            .post("/v1/auth/passkeys/register/finish", &request, Auth::Bearer)
            .await?)
    }

    /// Starts a passkey sign-in: with the email address typed, or none for the platform to
    /// offer every passkey it holds for HealthBook.
    pub async fn start_passkey_sign_in(
        &self,
        email: Option<String>,
    ) -> Result<PasskeyRequest, AuthError> {
        let options: CeremonyOptions = self
            .core
            .api
            .post(
                "/v1/auth/passkeys/login/start",
                &PasskeyLoginStart { email },
                Auth::Public,
            )
            .await?;
        Ok(PasskeyRequest::from_options(&options)?)
    }

    /// Completes a passkey sign-in with the platform's `AuthenticationResponseJSON` (Android).
    pub async fn finish_passkey_sign_in(
        &self,
        ceremony_id: Uuid,
        response_json: String,
    ) -> Result<Me, AuthError> {
        let credential = AuthClient::parse_response(&response_json)?;
        self.finish_sign_in(ceremony_id, credential).await
    }

    /// Completes a passkey sign-in with the platform's raw assertion (iOS).
    pub async fn finish_passkey_sign_in_platform(
        &self,
        ceremony_id: Uuid,
        assertion: PlatformAssertion,
    ) -> Result<Me, AuthError> {
        self.finish_sign_in(ceremony_id, assertion.to_response_json())
            .await
    }

    /// How strongly the current session was opened; `None` when signed out.
    pub fn assurance(&self) -> Option<Assurance> {
        self.core.session.token()?;
        self.core.session.grant().map(|grant| grant.assurance)
    }

    /// Ends the session here — and on every device with `everywhere` — and forgets this
    /// person's data on the phone. Offline, the token is forgotten anyway and expires on
    /// the server by itself.
    pub async fn sign_out(&self, everywhere: bool) -> Result<(), AuthError> {
        let request = LogoutRequest { everywhere };
        let outcome: Result<(), CoreError> = if self.core.session.token().is_some() {
            self.core
                .api
                .post("/v1/auth/logout", &request, Auth::Bearer)
                .await
        } else {
            Ok(())
        };
        self.core.session.clear();
        self.core.store(|store| store.wipe()).await?;
        match outcome {
            // Already over on the server, or unreachable: either way, signed out here.
            Ok(()) | Err(CoreError::Network(_) | CoreError::NotSignedIn) => Ok(()),
            Err(CoreError::Problem(problem)) if problem.status == 401 => Ok(()),
            Err(other) => Err(other.into()),
        }
    }
}

impl AuthClient {
    async fn finish_sign_in(
        &self,
        ceremony_id: Uuid,
        credential: serde_json::Value,
    ) -> Result<Me, AuthError> {
        let request = PasskeyLoginFinish {
            ceremony_id,
            credential,
            device_name: self.core.device_name.clone(),
        };
        let grant: SessionGrant = self
            .core
            .api
            .post("/v1/auth/passkeys/login/finish", &request, Auth::Public)
            .await?;
        self.begin(grant).await
    }
}
