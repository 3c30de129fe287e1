//! The payment rules: money, NAPAS VietQR payloads and VNPAY's signed messages, checked
//! against published examples and against independent implementations.

// Fixture helpers and strategies live outside `#[test]` fns; a broken fixture fails loudly.
#![allow(clippy::unwrap_used)]

use healthbook_domain::payment::vietqr::{
    AccountNumber, BankBin, TransferService, TransferText, VietQr, VietQrError,
};
use healthbook_domain::payment::{Dong, crc16_ccitt_false};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// Money

#[test]
fn dong_groups_thousands_with_dots_and_follows_with_the_sign() {
    assert_eq!(Dong::new(0).to_string(), "0 ₫");
    assert_eq!(Dong::new(999).to_string(), "999 ₫");
    assert_eq!(Dong::new(1_000).to_string(), "1.000 ₫");
    assert_eq!(Dong::new(1_250_000).to_string(), "1.250.000 ₫");
    assert_eq!(
        Dong::new(u64::MAX).to_string(),
        "18.446.744.073.709.551.615 ₫"
    );
}

#[test]
fn dong_serialises_as_a_plain_integer() {
    assert_eq!(
        serde_json::to_string(&Dong::new(150_000)).unwrap(),
        "150000"
    );
    let read: Dong = serde_json::from_str("150000").unwrap();
    assert_eq!(read, Dong::new(150_000));
    assert!(serde_json::from_str::<Dong>("1.5").is_err());
    assert!(serde_json::from_str::<Dong>("-1").is_err());
}

#[test]
fn dong_arithmetic_refuses_overflow_and_going_below_zero() {
    assert_eq!(
        Dong::new(100).checked_add(Dong::new(50)),
        Some(Dong::new(150))
    );
    assert_eq!(Dong::new(u64::MAX).checked_add(Dong::new(1)), None);
    assert_eq!(
        Dong::new(100).checked_sub(Dong::new(40)),
        Some(Dong::new(60))
    );
    assert_eq!(Dong::new(40).checked_sub(Dong::new(100)), None);
}

// ---------------------------------------------------------------------------------------
// VietQR

#[test]
fn crc_gives_the_catalogued_check_value() {
    // CRC-16/CCITT-FALSE's check value in the CRC catalogue.
    assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
}

/// Published in the README of subiz/vietqr, https://github.com/subiz/vietqr : 120.000 đồng to
/// account 0011001932418 at VietinBank (970415), text "ung ho lu lut".
const SUBIZ_README_EXAMPLE: &str = "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C";

/// NAPAS's example of a dynamic transfer to an account in "Technical Specifications on NAPAS
/// QR Switching", version 1.5.2 (January 2021), as uploaded at
/// https://www.scribd.com/document/739763909/ and reproduced in the test fixtures of many
/// open-source VietQR libraries: 180.000 đồng to account 0011012345678 at bank 970403, bill
/// number NPS6869, purpose "thanh toan don hang".
const NAPAS_SPEC_DYNAMIC_EXAMPLE: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";

/// Published in the README of thanhtinhpas1/vietqr-parser,
/// https://pkg.go.dev/github.com/thanhtinhpas1/vietqr-parser : its CRC is right, but it
/// opens with payload format indicator `00` where EMV QRCPS requires `01`.
const VIETQR_PARSER_README_EXAMPLE: &str = "00020001021238570010A00000072701270006970436011308810004580860208QRIBFTTA53037045802VN6304CD60";

fn text(value: &str) -> TransferText {
    TransferText::parse(value).unwrap()
}

fn qr(bank: &str, account: &str, amount: Option<u64>) -> VietQr {
    VietQr {
        bank: BankBin::parse(bank).unwrap(),
        account: AccountNumber::parse(account).unwrap(),
        service: TransferService::ToAccount,
        amount: amount.map(Dong::new),
        bill_number: None,
        purpose: None,
    }
}

/// Closes `body` (everything before the CRC object) with its CRC, so that a test reaches
/// the check it means rather than the CRC's.
fn with_crc(body: &str) -> String {
    let covered = format!("{body}6304");
    let crc = crc16_ccitt_false(covered.as_bytes());
    format!("{covered}{crc:04X}")
}

#[test]
fn published_subiz_example_parses_and_is_rebuilt_byte_for_byte() {
    let crc = crc16_ccitt_false(&SUBIZ_README_EXAMPLE.as_bytes()[..SUBIZ_README_EXAMPLE.len() - 4]);
    assert_eq!(format!("{crc:04X}"), "C15C");

    let parsed = VietQr::parse(SUBIZ_README_EXAMPLE).unwrap();
    assert_eq!(parsed.bank.as_str(), "970415");
    assert_eq!(parsed.account.as_str(), "0011001932418");
    assert_eq!(parsed.service, TransferService::ToAccount);
    assert_eq!(parsed.amount, Some(Dong::new(120_000)));
    assert_eq!(parsed.purpose, Some(text("ung ho lu lut")));
    assert_eq!(parsed.bill_number, None);
    assert_eq!(parsed.to_payload().unwrap(), SUBIZ_README_EXAMPLE);
}

#[test]
fn published_napas_specification_example_parses_and_is_rebuilt_byte_for_byte() {
    let body = &NAPAS_SPEC_DYNAMIC_EXAMPLE[..NAPAS_SPEC_DYNAMIC_EXAMPLE.len() - 4];
    assert_eq!(
        format!("{:04X}", crc16_ccitt_false(body.as_bytes())),
        "2E2E"
    );

    let parsed = VietQr::parse(NAPAS_SPEC_DYNAMIC_EXAMPLE).unwrap();
    assert_eq!(parsed.bank.as_str(), "970403");
    assert_eq!(parsed.account.as_str(), "0011012345678");
    assert_eq!(parsed.amount, Some(Dong::new(180_000)));
    assert_eq!(parsed.bill_number, Some(text("NPS6869")));
    assert_eq!(parsed.purpose, Some(text("thanh toan don hang")));
    assert_eq!(parsed.to_payload().unwrap(), NAPAS_SPEC_DYNAMIC_EXAMPLE);
}

#[test]
fn published_payload_with_format_indicator_00_is_refused_though_its_crc_verifies() {
    let body = &VIETQR_PARSER_README_EXAMPLE[..VIETQR_PARSER_README_EXAMPLE.len() - 4];
    assert_eq!(
        format!("{:04X}", crc16_ccitt_false(body.as_bytes())),
        "CD60"
    );
    assert_eq!(
        VietQr::parse(VIETQR_PARSER_README_EXAMPLE),
        Err(VietQrError::PayloadFormat)
    );
}

#[test]
fn static_code_has_no_amount_and_initiation_11() {
    let payload = qr("970436", "0881000458086", None).to_payload().unwrap();
    assert!(payload.starts_with("000201010211"));
    assert!(!payload.contains("5406"));
    assert_eq!(
        VietQr::parse(&payload).unwrap(),
        qr("970436", "0881000458086", None)
    );
}

#[test]
fn card_transfers_carry_qribfttc() {
    let mut to_card = qr("970418", "9704181234567890", Some(50_000));
    to_card.service = TransferService::ToCard;
    let payload = to_card.to_payload().unwrap();
    assert!(payload.contains("0208QRIBFTTC"));
    assert_eq!(VietQr::parse(&payload).unwrap(), to_card);
}

#[test]
fn amounts_outside_what_tag_54_holds_are_not_built() {
    assert_eq!(
        qr("970436", "1", Some(0)).to_payload(),
        Err(VietQrError::Amount)
    );
    assert_eq!(
        qr("970436", "1", Some(10_000_000_000_000)).to_payload(),
        Err(VietQrError::Amount)
    );
    assert!(
        qr("970436", "1", Some(9_999_999_999_999))
            .to_payload()
            .is_ok()
    );
}

#[test]
fn inputs_are_validated_before_anything_is_built() {
    assert_eq!(BankBin::parse("97043"), Err(VietQrError::BankBin));
    assert_eq!(BankBin::parse("97043a"), Err(VietQrError::BankBin));
    assert_eq!(BankBin::parse("９７０４３６"), Err(VietQrError::BankBin));
    assert!(BankBin::parse("970436").is_ok());

    assert!(AccountNumber::parse("1234567890123456789").is_ok());
    assert_eq!(
        AccountNumber::parse("12345678901234567890"),
        Err(VietQrError::AccountNumber)
    );
    assert_eq!(
        AccountNumber::parse("0011-001"),
        Err(VietQrError::AccountNumber)
    );
    assert_eq!(AccountNumber::parse(""), Err(VietQrError::AccountNumber));

    assert!(TransferText::parse("HB 0012 phi kham").is_ok());
    assert_eq!(
        TransferText::parse("12345678901234567890123456"),
        Err(VietQrError::TransferText)
    );
    assert_eq!(
        TransferText::parse("Phí khám"),
        Err(VietQrError::TransferText)
    );
    assert_eq!(
        TransferText::parse(" HB0012"),
        Err(VietQrError::TransferText)
    );
    assert_eq!(
        TransferText::parse("HB#0012"),
        Err(VietQrError::TransferText)
    );
}

#[test]
fn vietnamese_text_is_folded_into_transfer_text() {
    assert_eq!(
        TransferText::fold("Phí khám #HB-0012").unwrap(),
        text("phi kham hb 0012")
    );
    assert_eq!(
        TransferText::fold("Ủng hộ lũ lụt").unwrap(),
        text("ung ho lu lut")
    );
    // Folding never cuts a reference short.
    assert_eq!(
        TransferText::fold("Thanh toán đơn hàng #HB-0012"),
        Err(VietQrError::TransferText)
    );
    assert_eq!(TransferText::fold("支付"), Err(VietQrError::TransferText));
}

#[test]
fn a_wrong_or_lowercase_or_absent_crc_is_refused() {
    let mut altered = NAPAS_SPEC_DYNAMIC_EXAMPLE.to_owned();
    altered.replace_range(altered.len() - 1.., "F");
    assert_eq!(VietQr::parse(&altered), Err(VietQrError::CrcMismatch));

    let lowercase = NAPAS_SPEC_DYNAMIC_EXAMPLE.replace("63042E2E", "63042e2e");
    assert_eq!(VietQr::parse(&lowercase), Err(VietQrError::CrcMismatch));

    let without = &NAPAS_SPEC_DYNAMIC_EXAMPLE[..NAPAS_SPEC_DYNAMIC_EXAMPLE.len() - 8];
    assert_eq!(VietQr::parse(without), Err(VietQrError::CrcMissing));
    assert_eq!(VietQr::parse(""), Err(VietQrError::CrcMissing));
    assert_eq!(VietQr::parse("Thành"), Err(VietQrError::NotAscii));
}

fn tlv(tag: u8, value: &str) -> String {
    format!("{tag:02}{:02}{value}", value.len())
}

/// A NAPAS account template (38) to account 0011001932418 at 970415, for payloads built by
/// hand.
fn napas_account(guid: &str, service: Option<&str>) -> String {
    let beneficiary = tlv(0, "970415") + &tlv(1, "0011001932418");
    let mut template = tlv(0, guid) + &tlv(1, &beneficiary);
    if let Some(service) = service {
        template += &tlv(2, service);
    }
    tlv(38, &template)
}

#[test]
fn each_broken_field_is_refused_with_its_own_code() {
    let head = "000201010212";
    let account = napas_account("A000000727", Some("QRIBFTTA"));
    let vnd = tlv(53, "704");
    let vn = tlv(58, "VN");
    let cases: Vec<(String, VietQrError)> = vec![
        (
            format!("{head}{account}530A704{vn}"),
            VietQrError::BadLength,
        ),
        (format!("{head}{account}{vn}6299"), VietQrError::Truncated),
        (
            format!("{head}{account}{}{vn}", tlv(53, "840")),
            VietQrError::Currency("840".into()),
        ),
        (
            format!("{head}{account}{vnd}{}{vn}", tlv(54, "120000.00")),
            VietQrError::Amount,
        ),
        (
            format!("{head}{account}{vnd}{}{vn}", tlv(54, "0")),
            VietQrError::Amount,
        ),
        (
            format!("{head}{account}{vnd}{}{vn}", tlv(54, "0120000")),
            VietQrError::Amount,
        ),
        (
            format!("{head}{account}{vnd}{}", tlv(58, "LA")),
            VietQrError::Country("LA".into()),
        ),
        (
            format!("{head}{account}{vnd}"),
            VietQrError::MissingField("58"),
        ),
        (format!("{head}{vnd}{vn}"), VietQrError::MissingField("38")),
        (
            format!(
                "{head}{}{vnd}{vn}",
                napas_account("A000000728", Some("QRIBFTTA"))
            ),
            VietQrError::WrongGuid,
        ),
        (
            format!(
                "{head}{}{vnd}{vn}",
                napas_account("A000000727", Some("QRPUSH"))
            ),
            VietQrError::UnknownService("QRPUSH".into()),
        ),
        (
            format!("{head}{}{vnd}{vn}", napas_account("A000000727", None)),
            VietQrError::MissingField("38.02"),
        ),
        (
            format!("000201010213{account}{vnd}{vn}"),
            VietQrError::InitiationMethod("13".into()),
        ),
        (
            format!("010212000201{account}{vnd}{vn}"),
            VietQrError::PayloadFormat,
        ),
        (
            format!("{head}{account}{vnd}{}{vn}", tlv(55, "01")),
            VietQrError::TipNotSupported,
        ),
        (
            format!("{head}{account}{vnd}{vn}{}", tlv(70, "abc")),
            VietQrError::UnknownField("70".into()),
        ),
        (
            format!("{head}{account}{vnd}{vnd}{vn}"),
            VietQrError::DuplicateField("53".into()),
        ),
        (
            format!("{head}{account}{vnd}{vn}{}", tlv(62, &tlv(11, "abcd"))),
            VietQrError::UnknownField("62.11".into()),
        ),
        (
            format!("{head}{account}{vnd}{vn}{}", tlv(62, &tlv(8, "ab#d"))),
            VietQrError::TransferText,
        ),
    ];
    for (body, expected) in cases {
        let payload = with_crc(&body);
        assert_eq!(VietQr::parse(&payload), Err(expected), "{payload}");
    }
}

#[test]
fn other_networks_and_merchant_name_are_left_alone() {
    let account = napas_account("A000000727", Some("QRIBFTTA"));
    let body =
        format!("000201010212{account}52045999530370454061200005802VN5910PHUONG CAC6005HANOI");
    let parsed = VietQr::parse(&with_crc(&body)).unwrap();
    assert_eq!(parsed.amount, Some(Dong::new(120_000)));
    assert_eq!(parsed.account.as_str(), "0011001932418");
}

#[test]
fn vietqr_error_codes_are_distinct_and_snake_case() {
    let errors = [
        VietQrError::BankBin,
        VietQrError::AccountNumber,
        VietQrError::TransferText,
        VietQrError::Amount,
        VietQrError::NotAscii,
        VietQrError::CrcMissing,
        VietQrError::CrcMismatch,
        VietQrError::BadLength,
        VietQrError::Truncated,
        VietQrError::PayloadFormat,
        VietQrError::InitiationMethod(String::new()),
        VietQrError::DuplicateField(String::new()),
        VietQrError::MissingField(""),
        VietQrError::UnknownField(String::new()),
        VietQrError::WrongGuid,
        VietQrError::UnknownService(String::new()),
        VietQrError::Currency(String::new()),
        VietQrError::Country(String::new()),
        VietQrError::TipNotSupported,
    ];
    let codes: std::collections::BTreeSet<_> = errors.iter().map(VietQrError::code).collect();
    assert_eq!(codes.len(), errors.len());
    for code in codes {
        assert!(code.starts_with("vietqr_"));
        assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
    }
}

fn transfer_text() -> impl Strategy<Value = TransferText> {
    "[A-Za-z0-9]([A-Za-z0-9 ]{0,23}[A-Za-z0-9])?".prop_map(|t| TransferText::parse(&t).unwrap())
}

fn vietqr() -> impl Strategy<Value = VietQr> {
    (
        "[0-9]{6}",
        "[A-Za-z0-9]{1,19}",
        prop_oneof![
            Just(TransferService::ToAccount),
            Just(TransferService::ToCard)
        ],
        proptest::option::of(1u64..=9_999_999_999_999),
        proptest::option::of(transfer_text()),
        proptest::option::of(transfer_text()),
    )
        .prop_map(
            |(bank, account, service, amount, bill_number, purpose)| VietQr {
                bank: BankBin::parse(&bank).unwrap(),
                account: AccountNumber::parse(&account).unwrap(),
                service,
                amount: amount.map(Dong::new),
                bill_number,
                purpose,
            },
        )
}

proptest! {
    #[test]
    fn parse_gives_back_what_was_built(original in vietqr()) {
        let payload = original.to_payload().unwrap();
        prop_assert!(payload.len() <= 512);
        prop_assert_eq!(VietQr::parse(&payload), Ok(original));
    }

    #[test]
    fn any_single_character_change_is_refused(
        original in vietqr(),
        position in any::<prop::sample::Index>(),
        replacement in 0x20u8..0x7F,
    ) {
        let payload = original.to_payload().unwrap();
        let index = position.index(payload.len());
        prop_assume!(payload.as_bytes()[index] != replacement);
        let mut altered = payload.into_bytes();
        altered[index] = replacement;
        let altered = String::from_utf8(altered).unwrap();
        prop_assert!(VietQr::parse(&altered).is_err());
    }

    #[test]
    fn parse_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = VietQr::parse(&text);
    }
}
