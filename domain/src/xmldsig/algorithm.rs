//! The algorithms a signature may name, by their URIs, and what verifies each. Anything
//! else leaves the signature unverifiable rather than invalid: the file may be perfectly
//! signed with something this service does not read.

use super::c14n::Method;
use ring::digest;
use ring::signature::{self, VerificationAlgorithm};

/// How a signed info, or a reference's node-set, is made into bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonicalization {
    pub method: Method,
    pub comments: bool,
}

impl Default for Canonicalization {
    /// Canonical XML 1.0 without comments: what a node-set becomes when no transform says.
    fn default() -> Canonicalization {
        Canonicalization {
            method: Method::Inclusive,
            comments: false,
        }
    }
}

/// The canonicalization `uri` names; `listed` is an exclusive one's `PrefixList`.
pub fn canonicalization(uri: &str, listed: Vec<String>) -> Option<Canonicalization> {
    let (method, comments) = match uri {
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315" => (Method::Inclusive, false),
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments" => (Method::Inclusive, true),
        "http://www.w3.org/2001/10/xml-exc-c14n#" => (Method::Exclusive { listed }, false),
        "http://www.w3.org/2001/10/xml-exc-c14n#WithComments" => {
            (Method::Exclusive { listed }, true)
        }
        _ => return None,
    };
    Some(Canonicalization { method, comments })
}

pub fn digest(uri: &str) -> Option<&'static digest::Algorithm> {
    match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" => Some(&digest::SHA1_FOR_LEGACY_USE_ONLY),
        "http://www.w3.org/2001/04/xmlenc#sha256" => Some(&digest::SHA256),
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => Some(&digest::SHA384),
        "http://www.w3.org/2001/04/xmlenc#sha512" => Some(&digest::SHA512),
        _ => None,
    }
}

/// A signature method: its short name, as a receipt shows it, and its verifier.
#[derive(Clone, Copy)]
pub struct SignatureMethod {
    pub name: &'static str,
    pub verifier: &'static dyn VerificationAlgorithm,
}

pub fn signature_method(uri: &str) -> Option<SignatureMethod> {
    // SHA-1 is still what older facility signing tools produce; its keys may be as short as
    // 1,024 bits. The SHA-2 methods take keys of 2,048 bits and up.
    let (name, verifier): (_, &'static dyn VerificationAlgorithm) = match uri {
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => (
            "rsa-sha1",
            &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        ),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => {
            ("rsa-sha256", &signature::RSA_PKCS1_2048_8192_SHA256)
        }
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => {
            ("rsa-sha384", &signature::RSA_PKCS1_2048_8192_SHA384)
        }
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => {
            ("rsa-sha512", &signature::RSA_PKCS1_2048_8192_SHA512)
        }
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => {
            ("ecdsa-sha256", &signature::ECDSA_P256_SHA256_FIXED)
        }
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => {
            ("ecdsa-sha384", &signature::ECDSA_P384_SHA384_FIXED)
        }
        _ => return None,
    };
    Some(SignatureMethod { name, verifier })
}
