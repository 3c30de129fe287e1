//! Identifiers that arrive as text from people, forms and other systems. Each is parsed once,
//! at the edge, into a type that cannot hold an invalid value; inside, functions take these
//! types, never strings. Each serialises as the plain string it was parsed from (normalised).

mod email;
mod facility_code;
mod insurance;
mod national_id;
mod phone;
mod sex;

pub use email::{EmailAddress, EmailAddressError};
pub use facility_code::{FacilityCode, FacilityCodeError, FacilityCodeWarning};
pub use insurance::{BenefitLevel, InsuranceNumber, InsuranceNumberError, InsuranceNumberKind};
pub use national_id::{NationalId, NationalIdError, NationalIdMismatch, NationalIdWarning};
pub use phone::{PhoneKind, PhoneNumber, PhoneNumberError};
pub use sex::Sex;
