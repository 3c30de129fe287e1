//! NAPAS VietQR: the transfer QR code a person scans in any Vietnamese banking app to send
//! money to an account (or a card) through NAPAS 247, with the amount and the transfer text
//! filled in.
//!
//! VietQR is an EMV QRCPS merchant-presented payload (see `emv.rs`) whose merchant
//! account template sits at tag 38 under NAPAS's GUID `A000000727`: the beneficiary bank's
//! BIN, the account or card number, and the service (`QRIBFTTA` to an account, `QRIBFTTC` to
//! a card). A payload with an amount is "dynamic" (point of initiation 12), one without is
//! "static" (11) and the payer types the amount. The transfer text the payer's bank sends on
//! with the money comes from the purpose of transaction (62.08): that is where the order
//! reference goes, so that a transfer can be matched to its order when it lands.
//!
//! Reading is strict, because a payload we read decides where money goes: the CRC is checked
//! before anything else, lengths must be exact, the currency must be the đồng, and an object
//! this reader does not understand that could change what is paid (a tip, an RFU tag) is
//! refused rather than skipped.

mod read;

use super::Dong;
use super::emv::{self, CRC_HEADER, LayoutError};
use crate::text;

const NAPAS_GUID: &str = "A000000727";
const PAYLOAD_FORMAT_INDICATOR: &str = "01";
const STATIC_INITIATION: &str = "11";
const DYNAMIC_INITIATION: &str = "12";
const CURRENCY_DONG: &str = "704";
const COUNTRY_VIETNAM: &str = "VN";
/// Tag 54 holds at most 13 characters.
const MAX_AMOUNT: u64 = 9_999_999_999_999;
const MAX_ACCOUNT_LENGTH: usize = 19;
/// The limit of purpose of transaction (62.08) and bill number (62.01) in NAPAS's tables.
const MAX_TRANSFER_TEXT_LENGTH: usize = 25;

mod tag {
    pub const PAYLOAD_FORMAT: u8 = 0;
    pub const INITIATION: u8 = 1;
    pub const NAPAS_ACCOUNT: u8 = 38;
    pub const CURRENCY: u8 = 53;
    pub const AMOUNT: u8 = 54;
    pub const COUNTRY: u8 = 58;
    pub const ADDITIONAL_DATA: u8 = 62;
    pub const CRC: u8 = 63;

    // Inside the NAPAS account template (38).
    pub const GUID: u8 = 0;
    pub const BENEFICIARY: u8 = 1;
    pub const SERVICE: u8 = 2;

    // Inside the beneficiary (38.01).
    pub const BANK_BIN: u8 = 0;
    pub const ACCOUNT: u8 = 1;

    // Inside the additional data template (62).
    pub const BILL_NUMBER: u8 = 1;
    pub const PURPOSE: u8 = 8;
}

/// The beneficiary bank's BIN as NAPAS assigns it (the acquirer id): six digits, such as
/// `970436` (Vietcombank), `970415` (VietinBank) or `970418` (BIDV).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BankBin(String);

impl BankBin {
    pub fn parse(text: &str) -> Result<BankBin, VietQrError> {
        if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(BankBin(text.to_owned()))
        } else {
            Err(VietQrError::BankBin)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The account or card number money is sent to (NAPAS's consumer id): 1 to 19 ASCII letters
/// and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountNumber(String);

impl AccountNumber {
    pub fn parse(text: &str) -> Result<AccountNumber, VietQrError> {
        let fits = (1..=MAX_ACCOUNT_LENGTH).contains(&text.len());
        if fits && text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(AccountNumber(text.to_owned()))
        } else {
            Err(VietQrError::AccountNumber)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Text that travels with a transfer (purpose, bill number): 1 to 25 ASCII letters, digits and
/// spaces, not starting or ending with a space. Banks drop diacritics and often punctuation
/// from transfer content, so a reference made only of these comes back intact on the
/// statement, where it is matched to its order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransferText(String);

impl TransferText {
    pub fn parse(text: &str) -> Result<TransferText, VietQrError> {
        let fits = (1..=MAX_TRANSFER_TEXT_LENGTH).contains(&text.len());
        let allowed = text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ');
        let trimmed = !text.starts_with(' ') && !text.ends_with(' ');
        if fits && allowed && trimmed {
            Ok(TransferText(text.to_owned()))
        } else {
            Err(VietQrError::TransferText)
        }
    }

    /// Folds Vietnamese text as people write it (`"Phí khám #HB-0012"`) into transfer text
    /// (`"phi kham hb 0012"`): diacritics dropped, `đ` as `d`, punctuation as word breaks.
    /// Still refused when the folded text is longer than 25 characters or keeps letters that
    /// have no ASCII form: cutting a reference short would break the match.
    pub fn fold(text: &str) -> Result<TransferText, VietQrError> {
        TransferText::parse(&text::fold_words(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where the money goes: to an account or to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferService {
    /// `QRIBFTTA`: interbank fund transfer to an account.
    ToAccount,
    /// `QRIBFTTC`: interbank fund transfer to a card.
    ToCard,
}

impl TransferService {
    pub fn code(self) -> &'static str {
        match self {
            TransferService::ToAccount => "QRIBFTTA",
            TransferService::ToCard => "QRIBFTTC",
        }
    }

    fn from_code(code: &str) -> Option<TransferService> {
        match code {
            "QRIBFTTA" => Some(TransferService::ToAccount),
            "QRIBFTTC" => Some(TransferService::ToCard),
            _ => None,
        }
    }
}

/// A VietQR transfer: what is in the QR code, and all that is in it that matters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VietQr {
    pub bank: BankBin,
    pub account: AccountNumber,
    pub service: TransferService,
    /// `None` makes a static code: the payer types the amount.
    pub amount: Option<Dong>,
    /// 62.01, shown to the payer.
    pub bill_number: Option<TransferText>,
    /// 62.08, sent on as the transfer content: the order reference belongs here.
    pub purpose: Option<TransferText>,
}

/// Why a VietQR payload could not be built or read. [`VietQrError::code`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VietQrError {
    #[error("a bank BIN is six digits")]
    BankBin,
    #[error("an account or card number is 1 to 19 ASCII letters and digits")]
    AccountNumber,
    #[error("transfer text is 1 to 25 ASCII letters, digits and inner spaces")]
    TransferText,
    #[error("a QR amount is a whole number of đồng from 1 to 9999999999999, without leading zeros")]
    Amount,
    #[error("a VietQR payload is ASCII text")]
    NotAscii,
    #[error("the payload does not end with a CRC object (6304 and four hex digits)")]
    CrcMissing,
    #[error("the CRC does not match the payload: it was altered or misread")]
    CrcMismatch,
    #[error("a data object has a tag or length that is not two digits, or a length of zero")]
    BadLength,
    #[error("a data object's length runs past the end of what holds it")]
    Truncated,
    #[error("the payload does not open with payload format indicator 01")]
    PayloadFormat,
    #[error("point of initiation {0:?} is neither 11 (static) nor 12 (dynamic)")]
    InitiationMethod(String),
    #[error("data object {0} appears twice")]
    DuplicateField(String),
    #[error("data object {0} is required")]
    MissingField(&'static str),
    #[error("data object {0} is reserved or unknown, and could change what is paid")]
    UnknownField(String),
    #[error("the merchant account is not under NAPAS's GUID A000000727")]
    WrongGuid,
    #[error("service {0:?} is neither QRIBFTTA nor QRIBFTTC")]
    UnknownService(String),
    #[error("currency {0:?} is not 704, the Vietnamese đồng")]
    Currency(String),
    #[error("country {0:?} is not VN")]
    Country(String),
    #[error("a tip or convenience fee would change what is paid; it is not supported")]
    TipNotSupported,
}

impl VietQrError {
    /// Stable, machine-readable, `snake_case`.
    pub fn code(&self) -> &'static str {
        match self {
            VietQrError::BankBin => "vietqr_bank_bin_invalid",
            VietQrError::AccountNumber => "vietqr_account_invalid",
            VietQrError::TransferText => "vietqr_transfer_text_invalid",
            VietQrError::Amount => "vietqr_amount_invalid",
            VietQrError::NotAscii => "vietqr_not_ascii",
            VietQrError::CrcMissing => "vietqr_crc_missing",
            VietQrError::CrcMismatch => "vietqr_crc_mismatch",
            VietQrError::BadLength => "vietqr_bad_length",
            VietQrError::Truncated => "vietqr_truncated",
            VietQrError::PayloadFormat => "vietqr_payload_format",
            VietQrError::InitiationMethod(_) => "vietqr_initiation_method",
            VietQrError::DuplicateField(_) => "vietqr_duplicate_field",
            VietQrError::MissingField(_) => "vietqr_missing_field",
            VietQrError::UnknownField(_) => "vietqr_unknown_field",
            VietQrError::WrongGuid => "vietqr_wrong_guid",
            VietQrError::UnknownService(_) => "vietqr_unknown_service",
            VietQrError::Currency(_) => "vietqr_currency",
            VietQrError::Country(_) => "vietqr_country",
            VietQrError::TipNotSupported => "vietqr_tip_not_supported",
        }
    }
}

impl From<LayoutError> for VietQrError {
    fn from(error: LayoutError) -> Self {
        match error {
            LayoutError::BadHeader => VietQrError::BadLength,
            LayoutError::Truncated => VietQrError::Truncated,
        }
    }
}

impl VietQr {
    /// The payload to render as a QR code. Fails only on an amount outside 1 to
    /// 9 999 999 999 999 đồng.
    pub fn to_payload(&self) -> Result<String, VietQrError> {
        let mut beneficiary = String::new();
        emv::write_object(&mut beneficiary, tag::BANK_BIN, self.bank.as_str());
        emv::write_object(&mut beneficiary, tag::ACCOUNT, self.account.as_str());

        let mut napas = String::new();
        emv::write_object(&mut napas, tag::GUID, NAPAS_GUID);
        emv::write_object(&mut napas, tag::BENEFICIARY, &beneficiary);
        emv::write_object(&mut napas, tag::SERVICE, self.service.code());

        let mut payload = String::new();
        emv::write_object(&mut payload, tag::PAYLOAD_FORMAT, PAYLOAD_FORMAT_INDICATOR);
        let initiation = match self.amount {
            Some(_) => DYNAMIC_INITIATION,
            None => STATIC_INITIATION,
        };
        emv::write_object(&mut payload, tag::INITIATION, initiation);
        emv::write_object(&mut payload, tag::NAPAS_ACCOUNT, &napas);
        emv::write_object(&mut payload, tag::CURRENCY, CURRENCY_DONG);
        if let Some(amount) = self.amount {
            if amount.is_zero() || amount.get() > MAX_AMOUNT {
                return Err(VietQrError::Amount);
            }
            emv::write_object(&mut payload, tag::AMOUNT, &amount.get().to_string());
        }
        emv::write_object(&mut payload, tag::COUNTRY, COUNTRY_VIETNAM);

        let mut additional = String::new();
        if let Some(bill_number) = &self.bill_number {
            emv::write_object(&mut additional, tag::BILL_NUMBER, bill_number.as_str());
        }
        if let Some(purpose) = &self.purpose {
            emv::write_object(&mut additional, tag::PURPOSE, purpose.as_str());
        }
        if !additional.is_empty() {
            emv::write_object(&mut payload, tag::ADDITIONAL_DATA, &additional);
        }

        payload.push_str(CRC_HEADER);
        let crc = emv::crc_digits(&payload);
        payload.push_str(&crc);
        Ok(payload)
    }

    /// Reads a payload, checking the CRC first: a payload that was altered or misread is
    /// refused before any of its fields is believed.
    pub fn parse(payload: &str) -> Result<VietQr, VietQrError> {
        read::payload(payload)
    }
}
