//! Section I: identifiers in their canonical form (the insurance number as
//! `InsuranceNumber` writes it, the commune code as 5 digits of a 2025 commune, phone numbers
//! in the national form `0912345678`), and the lists kept short.

use super::{Check, Text};
use crate::book::administrative::{Address, Administrative, Contact};
use crate::ids::{InsuranceNumber, PhoneNumber};
use crate::issue::FieldIssue;
use crate::units::{CommuneCode, commune};

/// A family lists a few people to call; more is a list no one will read in an emergency.
pub const MAX_EMERGENCY_CONTACTS: usize = 5;
/// Two parents, or the legal representatives of an adult under guardianship.
pub const MAX_PARENTS: usize = 4;

pub(super) fn check(check: &mut Check, value: &mut Administrative) {
    check.optional("ethnicity", &mut value.ethnicity, Text::Short);
    nationality(check, &mut value.nationality);
    check.optional("occupation", &mut value.occupation, Text::Short);
    check.optional("insurance_number", &mut value.insurance_number, Text::Short);
    if let Some(number) = &mut value.insurance_number
        && let Some(parsed) = check
            .issues
            .check("insurance_number", InsuranceNumber::parse(number))
    {
        *number = parsed.as_str().to_owned();
    }
    check.optional("household_code", &mut value.household_code, Text::Short);
    check.optional("relation_to_head", &mut value.relation_to_head, Text::Short);
    if let Some(address) = &mut value.permanent_address {
        self::address(check, "permanent_address", address);
    }
    if let Some(address) = &mut value.current_address {
        self::address(check, "current_address", address);
    }
    phone(check, "phone", &mut value.phone);
    contacts(
        check,
        "emergency_contacts",
        &mut value.emergency_contacts,
        MAX_EMERGENCY_CONTACTS,
    );
    contacts(check, "parents", &mut value.parents, MAX_PARENTS);
    if let Some(day) = value.reviewed_on {
        check.past_date("reviewed_on", day);
    }
}

/// ISO 3166-1 alpha-2, stored upper-case (`vn` → `VN`). The code is checked for its shape
/// only: the list of countries is not kept in the crate.
fn nationality(check: &mut Check, value: &mut Option<String>) {
    check.optional("nationality", value, Text::Short);
    if let Some(code) = value {
        let upper = code.to_ascii_uppercase();
        if upper.len() == 2 && upper.bytes().all(|b| b.is_ascii_uppercase()) {
            *code = upper;
        } else {
            check.push(FieldIssue::new(
                "nationality",
                "nationality_invalid",
                "Quốc tịch ghi bằng mã 2 chữ cái (VN).",
                "The nationality is a 2-letter country code (VN).",
            ));
        }
    }
}

fn address(check: &mut Check, field: &str, address: &mut Address) {
    let code_field = format!("{field}.commune_code");
    if let Some(code) = check
        .issues
        .check(&code_field, CommuneCode::parse(&address.commune_code))
    {
        if commune(code).is_some() {
            address.commune_code = format!("{:05}", code.value());
        } else {
            check.push(FieldIssue::new(
                code_field,
                "commune_unknown",
                "Không có xã, phường nào mang mã này (danh mục 2025).",
                "No commune has this code in the 2025 list.",
            ));
        }
    }
    check.required(&format!("{field}.line"), &mut address.line, Text::Short);
}

fn phone(check: &mut Check, field: &str, value: &mut Option<String>) {
    check.optional(field, value, Text::Short);
    if let Some(number) = value
        && let Some(parsed) = check.issues.check(field, PhoneNumber::parse(number))
    {
        *number = parsed.national();
    }
}

fn contacts(check: &mut Check, field: &str, contacts: &mut [Contact], max: usize) {
    if check.too_many(field, contacts, max) {
        return;
    }
    for (i, contact) in contacts.iter_mut().enumerate() {
        check.required(
            &format!("{field}[{i}].name"),
            &mut contact.name,
            Text::Short,
        );
        phone(check, &format!("{field}[{i}].phone"), &mut contact.phone);
    }
}
