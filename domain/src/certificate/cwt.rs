//! The CWT (RFC 8392) that carries a DCC: `{1: iss, 4: exp, 6: iat, -260: {1: dcc}}`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, SecondsFormat, Utc};
use ciborium::Value;

use super::cbor::{MAJOR_MAP, write_head, write_int, write_text};
use super::error::CborError;
use super::payload::Dcc;

pub const CLAIM_ISS: i64 = 1;
pub const CLAIM_EXP: i64 = 4;
pub const CLAIM_IAT: i64 = 6;
pub const CLAIM_HCERT: i64 = -260;
/// Key of the EU DCC inside the `hcert` claim.
pub const HCERT_EU_DCC_V1: i64 = 1;

/// What an issuer puts in a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// ISO 3166 alpha-2 code of the issuing country (`VN` for us).
    pub issuer: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub dcc: Dcc,
}

/// What a verifier reads from a CWT, before the DCC is checked against the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct CwtClaims {
    pub issuer: Option<String>,
    /// Seconds since the Unix epoch.
    pub issued_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// The DCC in its JSON form (CBOR date-time tags become RFC 3339 strings).
    pub dcc: serde_json::Value,
}

/// Writes the CWT claims. The DCC goes through serde (ciborium); the envelope is written
/// by hand because it is a fixed four-entry map with integer keys.
pub fn encode(claims: &Claims) -> Result<Vec<u8>, CborError> {
    let mut out = Vec::with_capacity(384);
    write_head(&mut out, MAJOR_MAP, 4);
    write_int(&mut out, CLAIM_ISS);
    write_text(&mut out, &claims.issuer);
    write_int(&mut out, CLAIM_EXP);
    write_int(&mut out, claims.expires_at.timestamp());
    write_int(&mut out, CLAIM_IAT);
    write_int(&mut out, claims.issued_at.timestamp());
    write_int(&mut out, CLAIM_HCERT);
    write_head(&mut out, MAJOR_MAP, 1);
    write_int(&mut out, HCERT_EU_DCC_V1);
    ciborium::into_writer(&claims.dcc, &mut out).map_err(|_| CborError::Encode)?;
    Ok(out)
}

/// Reads the CWT claims of a COSE payload.
pub fn decode(payload: &[u8]) -> Result<CwtClaims, CborError> {
    let value = decode_value(payload)?;
    let Value::Map(entries) = untag(value) else {
        return Err(CborError::NotAMap);
    };
    let mut claims = CwtClaims {
        issuer: None,
        issued_at: None,
        expires_at: None,
        dcc: serde_json::Value::Null,
    };
    let mut hcert = None;
    for (key, value) in entries {
        let Some(key) = integer_key(&key) else {
            continue;
        };
        match key {
            CLAIM_ISS => claims.issuer = Some(text(value).ok_or(CborError::ClaimType(key))?),
            CLAIM_IAT => {
                claims.issued_at = Some(numeric_date(&value).ok_or(CborError::ClaimType(key))?)
            }
            CLAIM_EXP => {
                claims.expires_at = Some(numeric_date(&value).ok_or(CborError::ClaimType(key))?)
            }
            CLAIM_HCERT => hcert = Some(value),
            _ => {}
        }
    }
    let Some(Value::Map(hcert)) = hcert.map(untag) else {
        return Err(CborError::MissingClaim(CLAIM_HCERT));
    };
    let dcc = hcert
        .into_iter()
        .find(|(key, _)| integer_key(key) == Some(HCERT_EU_DCC_V1))
        .map(|(_, dcc)| dcc)
        .ok_or(CborError::MissingClaim(CLAIM_HCERT))?;
    claims.dcc = to_json(&dcc)?;
    Ok(claims)
}

/// Decodes exactly one CBOR item.
pub fn decode_value(bytes: &[u8]) -> Result<Value, CborError> {
    let mut rest = bytes;
    let value: Value = ciborium::from_reader(&mut rest).map_err(|_| CborError::Malformed)?;
    match rest.len() {
        0 => Ok(value),
        extra => Err(CborError::TrailingData(extra)),
    }
}

/// The JSON form of a CBOR value, as the DCC's JSON schema sees it: tag-0 date-times are
/// their text, tag-1 epoch times become `YYYY-MM-DDThh:mm:ssZ`, byte strings become base64,
/// integer map keys become their decimal text.
pub fn to_json(value: &Value) -> Result<serde_json::Value, CborError> {
    use serde_json::Value as Json;
    Ok(match value {
        Value::Null => Json::Null,
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Text(text) => Json::String(text.clone()),
        Value::Integer(integer) => {
            let wide = i128::from(*integer);
            if let Ok(small) = i64::try_from(wide) {
                Json::from(small)
            } else {
                Json::from(u64::try_from(wide).map_err(|_| CborError::NotJson)?)
            }
        }
        Value::Float(number) => serde_json::Number::from_f64(*number)
            .map(Json::Number)
            .ok_or(CborError::NotJson)?,
        Value::Bytes(bytes) => Json::String(STANDARD.encode(bytes)),
        Value::Array(items) => Json::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Value::Map(entries) => {
            let mut object = serde_json::Map::with_capacity(entries.len());
            for (key, member) in entries {
                let key = match key {
                    Value::Text(text) => text.clone(),
                    other => integer_key(other).ok_or(CborError::NotJson)?.to_string(),
                };
                object.insert(key, to_json(member)?);
            }
            Json::Object(object)
        }
        Value::Tag(1, inner) => {
            let seconds = numeric_date(inner).ok_or(CborError::NotJson)?;
            let at = DateTime::<Utc>::from_timestamp(seconds, 0).ok_or(CborError::NotJson)?;
            Json::String(at.to_rfc3339_opts(SecondsFormat::Secs, true))
        }
        Value::Tag(_, inner) => to_json(inner)?,
        _ => return Err(CborError::NotJson),
    })
}

fn untag(value: Value) -> Value {
    match value {
        Value::Tag(_, inner) => untag(*inner),
        other => other,
    }
}

fn integer_key(key: &Value) -> Option<i64> {
    match key {
        Value::Integer(integer) => i64::try_from(i128::from(*integer)).ok(),
        _ => None,
    }
}

fn text(value: Value) -> Option<String> {
    match untag(value) {
        Value::Text(text) => Some(text),
        _ => None,
    }
}

/// RFC 8392 NumericDate: an integer or a float number of seconds.
fn numeric_date(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(integer) => i64::try_from(i128::from(*integer)).ok(),
        Value::Float(seconds) if seconds.is_finite() && seconds.abs() < 1e15 => {
            Some(seconds.trunc() as i64)
        }
        Value::Tag(_, inner) => numeric_date(inner),
        _ => None,
    }
}
