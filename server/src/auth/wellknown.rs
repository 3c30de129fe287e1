//! The files that let the apps use passkeys for this domain: Android's Digital Asset Links
//! and Apple's app-site association. Both are generated from configuration.

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

/// `/.well-known/assetlinks.json`: lets the Android app (package and signing certificate
/// fingerprints from configuration) share credentials with this domain.
#[utoipa::path(get, path = "/.well-known/assetlinks.json", tag = "auth",
    responses((status = 200, description = "Digital Asset Links statement")))]
pub async fn assetlinks(State(state): State<AppState>) -> Json<Value> {
    Json(json!([{
        "relation": [
            "delegate_permission/common.handle_all_urls",
            "delegate_permission/common.get_login_creds"
        ],
        "target": {
            "namespace": "android_app",
            "package_name": state.config.android_package,
            "sha256_cert_fingerprints": state.config.android_cert_fingerprints,
        }
    }]))
}

/// `/.well-known/apple-app-site-association`: the iOS app ids (TEAMID.bundle) allowed to
/// use this domain's passkeys (`webcredentials`) and open its enrolment links.
#[utoipa::path(get, path = "/.well-known/apple-app-site-association", tag = "auth",
    responses((status = 200, description = "Apple app-site association")))]
pub async fn apple_app_site_association(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "webcredentials": { "apps": state.config.ios_app_ids },
        "applinks": {
            "details": [{
                "appIDs": state.config.ios_app_ids,
                "components": [{ "/": "/enrol*" }]
            }]
        }
    }))
}
