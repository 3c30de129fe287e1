//! Reading a VietQR payload: the CRC first, then the layout, then each field, refusing
//! whatever this reader does not understand that could change what is paid.

use super::{
    AccountNumber, BankBin, COUNTRY_VIETNAM, CURRENCY_DONG, DYNAMIC_INITIATION, MAX_AMOUNT,
    NAPAS_GUID, PAYLOAD_FORMAT_INDICATOR, STATIC_INITIATION, TransferService, TransferText, VietQr,
    VietQrError, tag,
};
use crate::payment::Dong;
use crate::payment::emv::{self, CRC_HEADER};
use std::collections::BTreeMap;

pub(super) fn payload(payload: &str) -> Result<VietQr, VietQrError> {
    if !payload.is_ascii() {
        return Err(VietQrError::NotAscii);
    }
    let objects_end = payload
        .len()
        .checked_sub(CRC_HEADER.len() + 4)
        .ok_or(VietQrError::CrcMissing)?;
    let covered = payload
        .get(..objects_end + CRC_HEADER.len())
        .ok_or(VietQrError::CrcMissing)?;
    if !covered.ends_with(CRC_HEADER) {
        return Err(VietQrError::CrcMissing);
    }
    let given_crc = payload
        .get(objects_end + CRC_HEADER.len()..)
        .ok_or(VietQrError::CrcMissing)?;
    if given_crc != emv::crc_digits(covered) {
        return Err(VietQrError::CrcMismatch);
    }

    let objects_text = payload.get(..objects_end).unwrap_or_default();
    let opens_with_format = emv::read_objects(objects_text)?
        .first()
        .is_some_and(|o| o.tag == tag::PAYLOAD_FORMAT && o.value == PAYLOAD_FORMAT_INDICATOR);
    if !opens_with_format {
        return Err(VietQrError::PayloadFormat);
    }
    let root = fields(objects_text, "")?;
    for &root_tag in root.keys() {
        check_root_tag(root_tag)?;
    }

    if let Some(initiation) = root
        .get(&tag::INITIATION)
        .filter(|i| ![STATIC_INITIATION, DYNAMIC_INITIATION].contains(i))
    {
        return Err(VietQrError::InitiationMethod((*initiation).to_owned()));
    }
    let currency = root
        .get(&tag::CURRENCY)
        .ok_or(VietQrError::MissingField("53"))?;
    if *currency != CURRENCY_DONG {
        return Err(VietQrError::Currency((*currency).to_owned()));
    }
    let country = root
        .get(&tag::COUNTRY)
        .ok_or(VietQrError::MissingField("58"))?;
    if *country != COUNTRY_VIETNAM {
        return Err(VietQrError::Country((*country).to_owned()));
    }
    let amount = root
        .get(&tag::AMOUNT)
        .map(|a| parse_amount(a))
        .transpose()?;

    let napas = root
        .get(&tag::NAPAS_ACCOUNT)
        .ok_or(VietQrError::MissingField("38"))?;
    let (bank, account, service) = parse_napas_account(napas)?;

    let (bill_number, purpose) = match root.get(&tag::ADDITIONAL_DATA) {
        Some(additional) => parse_additional_data(additional)?,
        None => (None, None),
    };

    Ok(VietQr {
        bank,
        account,
        service,
        amount,
        bill_number,
        purpose,
    })
}

/// The objects of one template by tag, refusing a tag seen twice. `parent` names the
/// template in errors (`"38."`), empty at the root.
fn fields<'a>(text: &'a str, parent: &str) -> Result<BTreeMap<u8, &'a str>, VietQrError> {
    let mut by_tag = BTreeMap::new();
    for object in emv::read_objects(text)? {
        if by_tag.insert(object.tag, object.value).is_some() {
            return Err(VietQrError::DuplicateField(format!(
                "{parent}{:02}",
                object.tag
            )));
        }
    }
    Ok(by_tag)
}

/// Root objects VietQR leaves alone may be present (other networks' accounts, the merchant's
/// name and city, templates for private use); reserved ones and the tip are refused.
fn check_root_tag(root_tag: u8) -> Result<(), VietQrError> {
    match root_tag {
        // Format, initiation, merchant accounts (ours is 38), category, currency, amount.
        0..=54 => Ok(()),
        55..=57 => Err(VietQrError::TipNotSupported),
        // Country, merchant name, city, postal code, additional data, language template.
        58..=62 | 64 => Ok(()),
        // The CRC is read apart; another one earlier in the payload is a second CRC.
        tag::CRC => Err(VietQrError::DuplicateField("63".to_owned())),
        // Unreserved templates, for other systems' private use.
        80..=99 => Ok(()),
        reserved => Err(VietQrError::UnknownField(format!("{reserved:02}"))),
    }
}

fn parse_amount(text: &str) -> Result<Dong, VietQrError> {
    let canonical = !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit());
    let amount = text
        .parse::<u64>()
        .ok()
        .filter(|a| canonical && (1..=MAX_AMOUNT).contains(a));
    amount.map(Dong::new).ok_or(VietQrError::Amount)
}

fn parse_napas_account(
    template: &str,
) -> Result<(BankBin, AccountNumber, TransferService), VietQrError> {
    let napas = fields(template, "38.")?;
    if let Some(unknown) = napas.keys().find(|t| **t > tag::SERVICE) {
        return Err(VietQrError::UnknownField(format!("38.{unknown:02}")));
    }
    let guid = napas
        .get(&tag::GUID)
        .ok_or(VietQrError::MissingField("38.00"))?;
    if *guid != NAPAS_GUID {
        return Err(VietQrError::WrongGuid);
    }
    let service_code = napas
        .get(&tag::SERVICE)
        .ok_or(VietQrError::MissingField("38.02"))?;
    let service = TransferService::from_code(service_code)
        .ok_or_else(|| VietQrError::UnknownService((*service_code).to_owned()))?;

    let beneficiary_template = napas
        .get(&tag::BENEFICIARY)
        .ok_or(VietQrError::MissingField("38.01"))?;
    let beneficiary = fields(beneficiary_template, "38.01.")?;
    if let Some(unknown) = beneficiary.keys().find(|t| **t > tag::ACCOUNT) {
        return Err(VietQrError::UnknownField(format!("38.01.{unknown:02}")));
    }
    let bank = beneficiary
        .get(&tag::BANK_BIN)
        .ok_or(VietQrError::MissingField("38.01.00"))?;
    let account = beneficiary
        .get(&tag::ACCOUNT)
        .ok_or(VietQrError::MissingField("38.01.01"))?;
    Ok((
        BankBin::parse(bank)?,
        AccountNumber::parse(account)?,
        service,
    ))
}

type AdditionalData = (Option<TransferText>, Option<TransferText>);

/// Bill number and purpose; the other EMV-defined fields (store, terminal, customer labels)
/// change nothing that is paid and are left alone, but tags EMVCo reserves are refused.
fn parse_additional_data(template: &str) -> Result<AdditionalData, VietQrError> {
    let additional = fields(template, "62.")?;
    if let Some(reserved) = additional.keys().find(|t| (10..=49).contains(*t)) {
        return Err(VietQrError::UnknownField(format!("62.{reserved:02}")));
    }
    let text = |t: u8| {
        additional
            .get(&t)
            .map(|v| TransferText::parse(v))
            .transpose()
    };
    Ok((text(tag::BILL_NUMBER)?, text(tag::PURPOSE)?))
}
