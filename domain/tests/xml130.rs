//! The national XML standard's envelopes: the synthetic sample passes, and each file of the
//! malicious corpus is refused with its reason; visits written by `write::envelope` read back
//! as written.

// The helpers that build and read envelopes stop the test on a broken fixture.
#![allow(clippy::unwrap_used)]

use base64::Engine as _;
use chrono::NaiveDate;
use healthbook_domain::xml130::catalogue::fields_of;
use healthbook_domain::xml130::{
    EnvelopeError, EnvelopeReader, Limits, OutVisit, Record, Report, XmlError, check, validate,
    write,
};
use healthbook_domain::xmldsig::{self, Flaw, Unsupported, Verdict};
use std::collections::BTreeMap;
use std::io::{BufReader, Read};

const SAMPLE: &str = include_str!("../data/xml130/sample-giamdinhhs-synthetic.xml");
const XML1: &str = include_str!("../data/xml130/sample-inner-xml1.xml");
const XML2: &str = include_str!("../data/xml130/sample-inner-xml2.xml");
const XML3: &str = include_str!("../data/xml130/sample-inner-xml3.xml");
const FACILITY: &str = "01999";

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// An envelope of visits, each a list of (LOAIHOSO, already-encoded content).
fn envelope(visits: &[Vec<(&str, String)>]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><THONGTINDONVI><MACSKCB>{FACILITY}</MACSKCB></THONGTINDONVI><THONGTINHOSO><NGAYLAP>20261120</NGAYLAP><SOLUONGHOSO>{}</SOLUONGHOSO><DANHSACHHOSO>",
        visits.len()
    );
    for files in visits {
        out.push_str("<HOSO>");
        for (kind, content) in files {
            out.push_str(&format!(
                "<FILEHOSO><LOAIHOSO>{kind}</LOAIHOSO><NOIDUNGFILE>{content}</NOIDUNGFILE></FILEHOSO>"
            ));
        }
        out.push_str("</HOSO>");
    }
    out.push_str("</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></GIAMDINHHS>");
    out
}

/// The sample visit with its three files changed by `edit` (table, inner XML) first.
fn sample_visit(edit: impl Fn(u8, &str) -> String) -> Vec<(&'static str, String)> {
    vec![
        ("XML1", b64(&edit(1, XML1))),
        ("XML2", b64(&edit(2, XML2))),
        ("XML3", b64(&edit(3, XML3))),
    ]
}

fn report(xml: &str) -> Result<Report, EnvelopeError> {
    validate(xml.as_bytes(), FACILITY, Limits::default())
}

fn codes(report: &Report) -> Vec<(String, String)> {
    report
        .visits
        .iter()
        .flat_map(|v| v.problems.iter())
        .map(|p| (p.field.clone(), p.code.clone()))
        .collect()
}

#[test]
fn the_synthetic_sample_is_accepted_whole() {
    let report = report(SAMPLE).unwrap();
    assert!(report.accepted(), "{:?}", codes(&report));
    assert_eq!(report.header.facility, FACILITY);
    assert_eq!(report.header.made_on, "20261120");
    assert_eq!(report.visits.len(), 1);
    assert_eq!(report.visits[0].ma_lk, "SYN-20261120-000001");
    assert!(!report.signed, "an empty CHUKYDONVI is no signature");

    let mut reader = EnvelopeReader::open(SAMPLE.as_bytes(), Limits::default()).unwrap();
    let visit = check(reader.next_visit().unwrap().unwrap(), FACILITY).unwrap();
    assert_eq!(visit.summary().get("MA_BENH_CHINH"), Some("J06.9"));
    assert_eq!(
        visit.summary().get("MA_LOAI_KCB"),
        Some("01"),
        "codes keep their zeros"
    );
    assert_eq!(visit.tables[&2].len(), 1);
    assert_eq!(visit.tables[&3][0].get("THANH_TIEN_BV"), Some("38500"));
    assert!(reader.next_visit().unwrap().is_none());
}

#[test]
fn the_same_visits_rebuilt_from_the_inner_files_pass_too() {
    let two = envelope(&[
        sample_visit(|_, xml| xml.to_owned()),
        sample_visit(|_, xml| xml.replace("SYN-20261120-000001", "SYN-20261120-000002")),
    ]);
    let report = report(&two).unwrap();
    assert!(report.accepted(), "{:?}", codes(&report));
    assert_eq!(report.visits.len(), 2);
}

#[test]
fn totals_off_by_one_dong_are_refused_with_both_amounts() {
    let off = envelope(&[sample_visit(|table, xml| {
        if table == 1 {
            xml.replace(
                "<T_TONGCHI_BV>50500</T_TONGCHI_BV>",
                "<T_TONGCHI_BV>50501</T_TONGCHI_BV>",
            )
        } else {
            xml.to_owned()
        }
    })]);
    let report = report(&off).unwrap();
    assert!(!report.accepted());
    let problem = &report.visits[0].problems[0];
    assert_eq!(problem.field, "hoso[1].XML1.T_TONGCHI_BV");
    assert_eq!(problem.code, "xml_total_mismatch");
    assert!(problem.message_en.contains("50501") && problem.message_en.contains("50500"));
}

#[test]
fn a_visit_sent_twice_in_one_envelope_is_refused() {
    let twice = envelope(&[
        sample_visit(|_, x| x.to_owned()),
        sample_visit(|_, x| x.to_owned()),
    ]);
    let report = report(&twice).unwrap();
    assert!(!report.accepted());
    assert_eq!(
        codes(&report),
        vec![(
            "hoso[2].XML1.MA_LK".to_owned(),
            "xml_visit_repeated".to_owned()
        )]
    );
}

#[test]
fn every_field_problem_is_listed_at_once() {
    let bad = envelope(&[sample_visit(|table, xml| match table {
        1 => xml
            .replace(
                "<NGAY_VAO>202611200830</NGAY_VAO>",
                "<NGAY_VAO>202602300830</NGAY_VAO>",
            )
            .replace(
                "<MA_BENH_CHINH>J06.9</MA_BENH_CHINH>",
                "<MA_BENH_CHINH>J06.99</MA_BENH_CHINH>",
            )
            .replace("<GIOI_TINH>1</GIOI_TINH>", "<GIOI_TINH>4</GIOI_TINH>")
            .replace("<MA_CSKCB>01999</MA_CSKCB>", "<MA_CSKCB>79001</MA_CSKCB>"),
        2 => xml
            .replace("<MA_LK>SYN-20261120-000001</MA_LK>", "<MA_LK>OTHER</MA_LK>")
            .replace("<DON_GIA>1200</DON_GIA>", "<DON_GIA>1,200</DON_GIA>"),
        _ => xml.replace(
            "<STT>1</STT>",
            "<STT>1</STT><NO_SUCH_FIELD>x</NO_SUCH_FIELD>",
        ),
    })]);
    let report = report(&bad).unwrap();
    let mut found = codes(&report);
    found.sort();
    let expected: Vec<(String, String)> = [
        ("hoso[1].XML1.GIOI_TINH", "xml_field_not_a_code"),
        ("hoso[1].XML1.MA_BENH_CHINH", "xml_icd10_unknown"),
        ("hoso[1].XML1.MA_CSKCB", "xml_facility_mismatch"),
        ("hoso[1].XML1.NGAY_VAO", "xml_field_not_a_date"),
        ("hoso[1].XML2[1].DON_GIA", "xml_field_not_a_number"),
        ("hoso[1].XML2[1].MA_LK", "xml_ma_lk_mismatch"),
        ("hoso[1].XML3[1].NO_SUCH_FIELD", "xml_field_unknown"),
    ]
    .iter()
    .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
    .collect();
    // A visit of 2026 is read under QĐ 3176, which added fields the catalogue lacks: an
    // unknown field is a warning there, so it is not among the problems.
    let expected: Vec<_> = expected
        .into_iter()
        .filter(|(_, c)| c != "xml_field_unknown")
        .collect();
    assert_eq!(found, expected);

    let extra = envelope(&[sample_visit(|table, xml| match table {
        3 => xml.replace(
            "<STT>1</STT>",
            "<STT>1</STT><NO_SUCH_FIELD>x</NO_SUCH_FIELD>",
        ),
        _ => xml.to_owned(),
    })]);
    let report = self::report(&extra).unwrap();
    assert!(report.accepted());
    assert_eq!(
        report.visits[0].warnings[0].field,
        "hoso[1].XML3[1].NO_SUCH_FIELD"
    );
    let of_2024 = envelope(&[sample_visit(|table, xml| {
        let xml = xml.replace("202611", "202409");
        match table {
            3 => xml.replace(
                "<STT>1</STT>",
                "<STT>1</STT><NO_SUCH_FIELD>x</NO_SUCH_FIELD>",
            ),
            _ => xml,
        }
    })]);
    assert_eq!(
        codes(&self::report(&of_2024).unwrap()),
        vec![(
            "hoso[1].XML3[1].NO_SUCH_FIELD".to_owned(),
            "xml_field_unknown".to_owned()
        )],
        "under QĐ 4750's layer the catalogue is complete"
    );
}

#[test]
fn files_the_standard_does_not_allow() {
    let cases = [
        (
            vec![("XML12", b64(XML1))],
            "hoso[1].XML12",
            "xml_table_not_accepted",
        ),
        (
            vec![("XML2", b64(XML2))],
            "hoso[1].XML1",
            "xml_summary_missing",
        ),
        (
            vec![("XML1", "PD94bWwg!!".to_owned())],
            "hoso[1].XML1",
            "xml_base64_invalid",
        ),
        (
            vec![("XML1", b64(XML2))],
            "hoso[1].XML1",
            "xml_wrong_layout",
        ),
        (
            vec![("XML1", b64(XML1)), ("XML1", b64(XML1))],
            "hoso[1].XML1",
            "xml_table_repeated",
        ),
    ];
    for (files, field, code) in cases {
        let report = report(&envelope(&[files])).unwrap();
        assert!(
            codes(&report).contains(&(field.to_owned(), code.to_owned())),
            "{code}: {:?}",
            codes(&report)
        );
    }
}

#[test]
fn the_malicious_corpus_is_refused_with_its_reason() {
    let xxe = SAMPLE.replacen(
        "<GIAMDINHHS",
        "<!DOCTYPE GIAMDINHHS [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><GIAMDINHHS",
        1,
    );
    assert_eq!(
        report(&xxe).unwrap_err(),
        EnvelopeError::Xml(XmlError::DocType)
    );

    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">{}]><GIAMDINHHS>&lol9;</GIAMDINHHS>",
        (1..10)
            .map(|i| format!(
                "<!ENTITY lol{i} \"{}\">",
                format!("&lol{};", i - 1).repeat(10)
            ))
            .collect::<String>()
    );
    assert_eq!(
        report(&laughs).unwrap_err(),
        EnvelopeError::Xml(XmlError::DocType)
    );

    // The same attacks inside an inner file refuse that visit.
    let inner_xxe = XML1.replacen(
        "<TONG_HOP>",
        "<!DOCTYPE t [<!ENTITY x SYSTEM \"http://a/\">]><TONG_HOP>",
        1,
    );
    let report_inner = report(&envelope(&[vec![("XML1", b64(&inner_xxe))]])).unwrap();
    assert!(
        codes(&report_inner)
            .contains(&("hoso[1].XML1".to_owned(), "xml_doctype_refused".to_owned()))
    );

    let latin1 = SAMPLE.replacen("encoding=\"utf-8\"", "encoding=\"ISO-8859-1\"", 1);
    assert_eq!(
        report(&latin1).unwrap_err(),
        EnvelopeError::Xml(XmlError::Encoding)
    );
    let utf16: Vec<u8> = SAMPLE.encode_utf16().flat_map(u16::to_le_bytes).collect();
    assert!(validate(&utf16[..], FACILITY, Limits::default()).is_err());

    let truncated = &SAMPLE[..SAMPLE.len() / 2];
    assert!(matches!(
        report(truncated).unwrap_err(),
        EnvelopeError::Xml(XmlError::Truncated | XmlError::Malformed)
    ));
    let cut_base64 = envelope(&[vec![("XML1", b64(XML1)[..101].to_owned())]]);
    assert!(
        codes(&report(&cut_base64).unwrap())
            .contains(&("hoso[1].XML1".to_owned(), "xml_base64_invalid".to_owned()))
    );

    assert_eq!(
        validate(SAMPLE.as_bytes(), "79001", Limits::default()).unwrap_err(),
        EnvelopeError::OtherFacility,
        "a file for another facility"
    );

    let other_root = "<HOSO><FILEHOSO/></HOSO>";
    assert_eq!(
        report(other_root).unwrap_err(),
        EnvelopeError::NotAnEnvelope
    );
    let miscounted = SAMPLE.replace(
        "<SOLUONGHOSO>1</SOLUONGHOSO>",
        "<SOLUONGHOSO>2</SOLUONGHOSO>",
    );
    assert_eq!(
        report(&miscounted).unwrap_err(),
        EnvelopeError::CountMismatch
    );
}

/// An endless envelope: the header, then visits forever, or one element's text forever.
struct Endless {
    head: Vec<u8>,
    at: usize,
    repeat: &'static [u8],
    produced: u64,
}

impl Read for Endless {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            let byte = if self.at < self.head.len() {
                self.head[self.at]
            } else {
                self.repeat[(self.at - self.head.len()) % self.repeat.len()]
            };
            out[n] = byte;
            self.at += 1;
            n += 1;
        }
        self.produced += n as u64;
        Ok(n)
    }
}

fn endless(opened: &str, repeat: &'static [u8]) -> BufReader<Endless> {
    let head = format!(
        "<GIAMDINHHS><THONGTINDONVI><MACSKCB>{FACILITY}</MACSKCB></THONGTINDONVI><THONGTINHOSO><DANHSACHHOSO>{opened}"
    );
    BufReader::new(Endless {
        head: head.into_bytes(),
        at: 0,
        repeat,
        produced: 0,
    })
}

#[test]
fn a_gigabyte_stream_stops_at_the_envelope_bound() {
    let limits = Limits {
        max_envelope_bytes: 4 * 1024 * 1024,
        ..Limits::default()
    };
    let mut reader = EnvelopeReader::open(endless("", b"<HOSO></HOSO>"), limits).unwrap();
    let error = loop {
        match reader.next_visit() {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("an endless envelope ended"),
            Err(error) => break error,
        }
    };
    assert_eq!(error, EnvelopeError::Xml(XmlError::TooLarge));
}

#[test]
fn one_endless_element_stops_at_the_text_bound() {
    let limits = Limits {
        max_text_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let stream = endless(
        "<HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>",
        b"A",
    );
    let mut reader = EnvelopeReader::open(stream, limits);
    let error = match reader.as_mut() {
        Ok(reader) => reader.next_visit().unwrap_err(),
        Err(error) => *error,
    };
    assert_eq!(error, EnvelopeError::Xml(XmlError::TextTooLarge));
}

fn record(fields: &[(&'static str, &str)]) -> Record {
    fields.iter().copied().collect()
}

/// `record` as a reader sees it once written: every field of the table in the catalogue's
/// order, empty where it was not given.
fn as_written(table: u8, given: &Record) -> Record {
    fields_of(table)
        .iter()
        .map(|f| (f.name, given.get(f.name).unwrap_or_default()))
        .collect()
}

fn made_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

/// A teleconsultation (MA_LOAI_KCB 14): the consultation itself, no medicine.
fn teleconsultation() -> OutVisit {
    let ma_lk = "HB-TV-20261120-0001";
    let summary = record(&[
        ("MA_LK", ma_lk),
        ("STT", "1"),
        ("MA_BN", "HB000123"),
        ("HO_TEN", "Trần Thị Ánh Tuyết"),
        ("NGAY_SINH", "198503070000"),
        ("GIOI_TINH", "2"),
        ("MA_BENH_CHINH", "I10"),
        ("CHAN_DOAN_RV", "Tăng huyết áp vô căn (nguyên phát)"),
        (
            "GHI_CHU",
            "Huyết áp < 140/90 & nhịp > 60: giữ liều; \"đo lại\" sau 2 tuần",
        ),
        ("NGAY_VAO", "202611200900"),
        ("NGAY_RA", "202611200920"),
        ("MA_LOAI_KCB", "14"),
        ("MA_CSKCB", FACILITY),
        ("T_THUOC", "0"),
        ("T_VTYT", "0"),
        ("T_TONGCHI_BV", "45000"),
        ("T_TONGCHI_BH", "45000"),
        ("T_BNTT", "0"),
        ("T_BNCCT", "9000"),
        ("T_BHTT", "36000"),
        ("T_NGUONKHAC", "0"),
    ]);
    let service = record(&[
        ("MA_LK", ma_lk),
        ("STT", "1"),
        ("MA_DICH_VU", "02.1896"),
        ("TEN_DICH_VU", "Khám bệnh từ xa <video>"),
        ("SO_LUONG", "1"),
        ("DON_GIA_BV", "45000"),
        ("THANH_TIEN_BV", "45000"),
        ("THANH_TIEN_BH", "45000"),
        ("T_NGUONKHAC", "0"),
        ("T_BNTT", "0"),
        ("T_BNCCT", "9000"),
        ("T_BHTT", "36000"),
    ]);
    OutVisit {
        tables: BTreeMap::from([(1, vec![summary]), (3, vec![service])]),
    }
}

/// A commune station's visit (MA_LOAI_KCB 01) with two medicines and the examination.
fn commune_visit() -> OutVisit {
    let ma_lk = "HB-TYT-20261120-0002";
    let summary = record(&[
        ("MA_LK", ma_lk),
        ("STT", "2"),
        ("HO_TEN", "Lê Văn Đức"),
        ("NGAY_SINH", "201000000000"),
        ("GIOI_TINH", "1"),
        ("MA_BENH_CHINH", "J06.9"),
        ("NGAY_VAO", "202611201400"),
        ("NGAY_RA", "202611201430"),
        ("MA_LOAI_KCB", "01"),
        ("MA_CSKCB", FACILITY),
        ("T_TONGCHI_BV", "40900"),
        ("T_TONGCHI_BH", "40900"),
        ("T_BNTT", "0"),
        ("T_BNCCT", "0"),
        ("T_BHTT", "40900"),
        ("T_NGUONKHAC", "0"),
    ]);
    let medicine = |stt: &str, name: &str, amount: &str| {
        record(&[
            ("MA_LK", ma_lk),
            ("STT", stt),
            ("TEN_THUOC", name),
            ("THANH_TIEN_BV", amount),
            ("THANH_TIEN_BH", amount),
            ("T_BNCCT", "0"),
        ])
    };
    let examination = record(&[
        ("MA_LK", ma_lk),
        ("STT", "1"),
        ("TEN_DICH_VU", "Khám Nhi"),
        ("THANH_TIEN_BV", "36400"),
        ("THANH_TIEN_BH", "36400"),
    ]);
    OutVisit {
        tables: BTreeMap::from([
            (
                2,
                vec![
                    medicine("1", "Paracetamol 250mg", "2500"),
                    medicine("2", "Oresol & kẽm", "2000.00"),
                ],
            ),
            (1, vec![summary]),
            (3, vec![examination]),
        ]),
    }
}

/// Every visit of `xml`, read and checked: its tables as the book would receive them.
fn read_back(xml: &str) -> Vec<BTreeMap<u8, Vec<Record>>> {
    let mut reader = EnvelopeReader::open(xml.as_bytes(), Limits::default()).unwrap();
    let mut visits = Vec::new();
    while let Some(raw) = reader.next_visit().unwrap() {
        visits.push(check(raw, FACILITY).unwrap().tables);
    }
    visits
}

#[test]
fn written_visits_read_back_identical_and_pass() {
    let visits = vec![teleconsultation(), commune_visit()];
    let xml = write::envelope(FACILITY, made_on(), &visits).unwrap();
    let report = report(&xml).unwrap();
    assert!(report.accepted(), "{:?}", codes(&report));
    assert_eq!(report.header.facility, FACILITY);
    assert_eq!(report.header.made_on, "20261120");
    assert_eq!(report.header.declared_visits, "2");
    assert_eq!(
        report
            .visits
            .iter()
            .map(|v| v.ma_lk.as_str())
            .collect::<Vec<_>>(),
        ["HB-TV-20261120-0001", "HB-TYT-20261120-0002"]
    );
    let expected: Vec<BTreeMap<u8, Vec<Record>>> = visits
        .iter()
        .map(|visit| {
            visit
                .tables
                .iter()
                .map(|(table, records)| {
                    let written = records.iter().map(|r| as_written(*table, r)).collect();
                    (*table, written)
                })
                .collect()
        })
        .collect();
    assert_eq!(read_back(&xml), expected);
}

#[test]
fn escaped_text_and_vietnamese_diacritics_survive_the_round_trip() {
    let xml = write::envelope(FACILITY, made_on(), &[teleconsultation()]).unwrap();
    assert!(!xml.contains("Huyết"), "inner files travel as base64");
    let visit = &read_back(&xml)[0];
    let summary = &visit[&1][0];
    assert_eq!(summary.get("HO_TEN"), Some("Trần Thị Ánh Tuyết"));
    assert_eq!(
        summary.get("GHI_CHU"),
        Some("Huyết áp < 140/90 & nhịp > 60: giữ liều; \"đo lại\" sau 2 tuần")
    );
    assert_eq!(
        visit[&3][0].get("TEN_DICH_VU"),
        Some("Khám bệnh từ xa <video>")
    );
    assert_eq!(summary.get("MA_LOAI_KCB"), Some("14"), "a teleconsultation");
    assert_eq!(
        summary.get("NHOM_MAU"),
        Some(""),
        "fields not given are written empty"
    );
}

#[test]
fn the_synthetic_samples_records_rewritten_are_accepted_unchanged() {
    let original = read_back(SAMPLE);
    let visits: Vec<OutVisit> = original
        .iter()
        .map(|tables| OutVisit {
            tables: tables.clone(),
        })
        .collect();
    let xml = write::envelope(FACILITY, made_on(), &visits).unwrap();
    let report = report(&xml).unwrap();
    assert!(report.accepted(), "{:?}", codes(&report));
    assert_eq!(report.visits[0].ma_lk, "SYN-20261120-000001");
    assert_eq!(read_back(&xml), original);
}

#[test]
fn written_visits_that_break_the_rules_are_refused_by_the_reader() {
    let mut visit = commune_visit();
    if let Some(summary) = visit.tables.get_mut(&1) {
        summary[0].remove("T_TONGCHI_BV");
        summary[0].push("T_TONGCHI_BV", "40901");
    }
    let xml = write::envelope(FACILITY, made_on(), &[visit]).unwrap();
    assert_eq!(
        codes(&report(&xml).unwrap()),
        vec![(
            "hoso[1].XML1.T_TONGCHI_BV".to_owned(),
            "xml_total_mismatch".to_owned()
        )]
    );
}

/// The synthetic envelope as xmlsec1 signed it (`conformance/xmldsig/make.sh`), in three
/// profiles: (file, method).
const SIGNED: [(&str, &str, &str); 3] = [
    (
        "rsa-sha256-c14n",
        include_str!("conformance/xmldsig/rsa-sha256-c14n.xml"),
        "rsa-sha256",
    ),
    (
        "rsa-sha1-exc-c14n",
        include_str!("conformance/xmldsig/rsa-sha1-exc-c14n.xml"),
        "rsa-sha1",
    ),
    (
        "ecdsa-sha256-c14n-comments",
        include_str!("conformance/xmldsig/ecdsa-sha256-c14n-comments.xml"),
        "ecdsa-sha256",
    ),
];

fn verdict(xml: &str) -> Option<Verdict> {
    xmldsig::verify(|| Ok(xml.as_bytes()), Limits::default().max_depth).unwrap()
}

/// `xml` with the text between `open` and `close` (the first such pair) edited.
fn edit_between(xml: &str, open: &str, close: &str, edit: impl Fn(&str) -> String) -> String {
    let start = xml.find(open).unwrap() + open.len();
    let end = start + xml[start..].find(close).unwrap();
    format!("{}{}{}", &xml[..start], edit(&xml[start..end]), &xml[end..])
}

/// One base64 character changed for another, so the text still decodes.
fn flip_first(text: &str) -> String {
    let at = text.find(|c: char| c.is_ascii_alphabetic()).unwrap();
    let c = text.as_bytes()[at];
    let other = if c == b'A' { 'B' } else { 'A' };
    format!("{}{}{}", &text[..at], other, &text[at + 1..])
}

#[test]
fn envelopes_signed_by_another_implementation_verify_and_still_read() {
    for (name, xml, method) in SIGNED {
        match verdict(xml) {
            Some(Verdict::Valid(by)) => {
                assert_eq!(by.method, method, "{name}");
                assert!(by.subject.contains("CN=01999"), "{name}: {}", by.subject);
                assert_eq!(by.fingerprint.len(), 64, "{name}");
                assert!(by.not_before < by.not_after, "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
        let report = report(xml).unwrap();
        assert!(report.accepted() && report.signed, "{name}: {report:?}");
    }
    assert_eq!(verdict(SAMPLE), None, "an unsigned file has no verdict");
}

#[test]
fn what_canonical_xml_ignores_leaves_the_signature_valid() {
    for (name, xml, _) in SIGNED {
        let crlf = xml.replace('\n', "\r\n");
        let reordered = xml.replace(
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema""#,
            r#"xmlns:xsd='http://www.w3.org/2001/XMLSchema'   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#,
        );
        assert_ne!(reordered, xml);
        let declaration = xml.replacen(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<?xml version=\"1.0\"?>",
            1,
        );
        let empty = xml.replace(
            "<MACSKCB>01999</MACSKCB>",
            "<MACSKCB>01999</MACSKCB><X></X>",
        );
        let empty_short = xml.replace("<MACSKCB>01999</MACSKCB>", "<MACSKCB>01999</MACSKCB><X/>");
        for (how, changed) in [
            ("CRLF line ends", crlf),
            ("attributes reordered and requoted", reordered),
            ("another XML declaration", declaration),
        ] {
            assert!(
                matches!(verdict(&changed), Some(Verdict::Valid(_))),
                "{name}: {how}"
            );
        }
        // `<X/>` and `<X></X>` are one element to canonical XML, but an added one is a change.
        assert_eq!(verdict(&empty), verdict(&empty_short), "{name}");
        assert_eq!(
            verdict(&empty),
            Some(Verdict::Invalid(Flaw::DigestMismatch)),
            "{name}"
        );
    }
}

#[test]
fn a_signed_file_changed_afterwards_is_invalid_with_its_reason() {
    for (name, xml, _) in SIGNED {
        let content = edit_between(xml, "<NOIDUNGFILE>", "</NOIDUNGFILE>", flip_first);
        let facility = xml.replacen("<NGAYLAP>20261120", "<NGAYLAP>20261121", 1);
        let value = edit_between(xml, "SignatureValue>", "</", flip_first);
        let signed_info = edit_between(xml, "SignedInfo>", "<", |ws| format!("{ws} "));
        let key = edit_between(xml, "X509Certificate>", "</", |der| {
            der.replace("MII", "MIJ")
        });
        for (how, changed, flaw) in [
            ("a visit's file", content, Flaw::DigestMismatch),
            ("the envelope's date", facility, Flaw::DigestMismatch),
            ("the signature value", value, Flaw::ValueMismatch),
            (
                "the signed info's whitespace",
                signed_info,
                Flaw::ValueMismatch,
            ),
            ("the certificate", key, Flaw::CertificateUnreadable),
        ] {
            assert_eq!(
                verdict(&changed),
                Some(Verdict::Invalid(flaw)),
                "{name}: {how}"
            );
        }
    }
}

#[test]
fn a_signature_this_service_cannot_read_is_unverifiable_not_invalid() {
    let (_, xml, _) = SIGNED[0];
    let gost = xml.replace(
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#gostr34102001-gostr3411",
    );
    let external = xml.replace("URI=\"\"", "URI=\"https://example.org/other.xml\"");
    let no_certificate = edit_between(xml, "<KeyInfo>", "</KeyInfo>", |_| String::new());
    for (how, changed, why) in [
        ("an unknown method", gost, Unsupported::Algorithm),
        ("another document", external, Unsupported::Reference),
        ("no certificate", no_certificate, Unsupported::NoCertificate),
    ] {
        assert_eq!(verdict(&changed), Some(Verdict::Unverifiable(why)), "{how}");
    }
}

/// A birth certificate (XML9) of the sample visit: one record per child, given as
/// (sex code, weight in grams, intended name).
fn birth_certificate(children: &[(&str, &str, &str)]) -> String {
    let mut records = String::new();
    for (sex, grams, name) in children {
        records.push_str(&format!(
            "<DU_LIEU_GIAY_CHUNG_SINH><MA_LK>SYN-20261120-000001</MA_LK>\
             <HO_TEN_NND>Nguyễn Thị Mẫu</HO_TEN_NND><SO_CCCD_NND>001090000001</SO_CCCD_NND>\
             <HO_TEN_CON>{name}</HO_TEN_CON><GIOI_TINH_CON>{sex}</GIOI_TINH_CON>\
             <SO_CON>{}</SO_CON><CAN_NANG_CON>{grams}</CAN_NANG_CON>\
             <NGAY_SINH_CON>202611200905</NGAY_SINH_CON><TINH_TRANG_CON>Khỏe mạnh</TINH_TRANG_CON>\
             <SINHCON_PHAUTHUAT>1</SINHCON_PHAUTHUAT><SINHCON_DUOI32TUAN>0</SINHCON_DUOI32TUAN>\
             <SO>125</SO><QUYEN_SO>03</QUYEN_SO><NGAY_CT>20261120</NGAY_CT></DU_LIEU_GIAY_CHUNG_SINH>",
            children.len()
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>\
         <DSACH_GIAYCHUNGSINH>{records}</DSACH_GIAYCHUNGSINH></CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>"
    )
}

#[test]
fn a_birth_certificate_names_each_child_for_the_mothers_book_and_the_childs() {
    use healthbook_domain::ids::Sex;
    use healthbook_domain::xml130::birth::births;
    let mut files = sample_visit(|_, xml| xml.to_owned());
    files.push((
        "XML9",
        b64(&birth_certificate(&[
            ("1", "3200", "Nguyễn Văn An"),
            ("3", "2950", ""),
        ])),
    ));
    let xml = envelope(&[files]);
    let mut reader = EnvelopeReader::open(xml.as_bytes(), Limits::default()).unwrap();
    let visit = check(reader.next_visit().unwrap().unwrap(), FACILITY).unwrap();
    let twins = births(&visit);
    assert_eq!(twins.len(), 2);
    let (first, second) = (&twins[0], &twins[1]);
    assert_eq!((first.ordinal, second.ordinal), (1, 2));
    assert_eq!(first.sex, Some(Sex::Male));
    assert_eq!(second.sex, None, "code 3 is 'not determined'");
    assert_eq!(first.intended_name.as_deref(), Some("Nguyễn Văn An"));
    assert_eq!(second.intended_name, None);
    assert_eq!(first.weight_grams, Some(3200));
    assert_eq!(first.certificate.as_deref(), Some("125, quyển 03"));
    let born_on = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    assert_eq!(first.born_on(), born_on);
    assert!(first.is(born_on, Sex::Male));
    assert!(!first.is(born_on, Sex::Female));
    assert!(!first.is(born_on.succ_opt().unwrap(), Sex::Male));
    assert!(
        second.is(born_on, Sex::Female),
        "a sex not determined matches either"
    );
    assert!(first.is_cared_for_by("001090000001"));
    assert!(!first.is_cared_for_by("001090000002"));
    let told = first.encounter(uuid::Uuid::nil());
    assert_eq!(told.vital_signs.weight_kg, Some(3.2));
    let findings = told.findings.unwrap();
    assert!(
        findings.contains("Khỏe mạnh") && findings.contains("Sinh mổ."),
        "{findings}"
    );
}
