//! XML 130 intake on one thread: `validate` over a large envelope of synthetic visits written
//! by `write`, next to the raw rate of quick-xml alone on the same bytes in the same run (the
//! envelope tokenized, each `NOIDUNGFILE` decoded from base64 and its inner file tokenized,
//! which any reader must do), then the heap's peak while envelopes are validated from a
//! stream that makes them as they are read, so the input is never in memory whole.
//!
//! `cargo bench -p healthbook-domain --bench xml130` (`-- --short`: about 10 MB, not 100)
//!
//! Goals: `validate` at ≥ 0.5× the raw rate; the heap's peak flat in the envelope's length
//! and ≤ 64 MiB for 100 MB. Every figure is taken under the counting allocator below, whose
//! atomic counters (and a reallocation that always copies) weigh on the side that allocates,
//! `validate`, not on the raw loop.

// A benchmark binary reports on stdout and stops on a broken fixture.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

use base64::Engine as _;
use chrono::NaiveDate;
use healthbook_domain::xml130::{
    EnvelopeReader, Limits, OutVisit, Record, Report, check, validate, write,
};
use healthbook_domain::xmldsig;
use peak_alloc::PeakAlloc;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::io::{BufReader, Read};
use std::time::Instant;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const SAMPLE: &str = include_str!("../data/xml130/sample-giamdinhhs-synthetic.xml");
const FACILITY: &str = "01999";
const MB: f64 = 1e6;
const MIB: f64 = 1024.0 * 1024.0;

fn made_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

/// A small deterministic generator: visit `n` is the same in every run and every source.
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Lcg {
        let mut lcg = Lcg(seed ^ 0x5eed_0130);
        lcg.next();
        lcg
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next() as usize % from.len()]
    }
}

const NAMES: [&str; 6] = [
    "Nguyễn Văn Mẫu",
    "Trần Thị Ánh Tuyết",
    "Lê Hoàng Đức",
    "Phạm Ngọc Diệp",
    "Hoàng Thị Thu Hà",
    "Võ Minh Khôi",
];
const DIAGNOSES: [&str; 4] = ["J06.9", "I10", "J02.9", "K29.7"];
const MEDICINES: [(&str, u64); 5] = [
    ("Paracetamol 500mg", 1200),
    ("Amoxicilin 500mg", 2500),
    ("Oresol & kẽm", 4300),
    ("Amlodipin 5mg", 500),
    ("Omeprazol 20mg <viên nang>", 15000),
];
const SERVICES: [(&str, u64); 4] = [
    ("Khám Nội", 38500),
    ("Khám bệnh từ xa", 45000),
    ("Tổng phân tích tế bào máu ngoại vi", 36400),
    ("Siêu âm ổ bụng", 125_000),
];

/// The sample's three records, each visit's starting point: its fields filled as a real
/// facility's are.
struct Templates {
    summary: Record,
    medicine: Record,
    service: Record,
}

impl Templates {
    fn from_sample() -> Templates {
        let mut reader = EnvelopeReader::open(SAMPLE.as_bytes(), Limits::default()).unwrap();
        let visit = check(reader.next_visit().unwrap().unwrap(), FACILITY).unwrap();
        Templates {
            summary: visit.tables[&1][0].clone(),
            medicine: visit.tables[&2][0].clone(),
            service: visit.tables[&3][0].clone(),
        }
    }

    /// Visit `n`: a teleconsultation (MA_LOAI_KCB 14) or a commune station's visit (01), with
    /// one to four medicines and one to three services, every total equal to its rows' sum.
    fn visit(&self, n: usize) -> OutVisit {
        let mut random = Lcg::new(n as u64);
        let ma_lk = format!("HB-{:04}-{n:09}", 2026);
        let mut medicines = Vec::new();
        let mut services = Vec::new();
        let (mut medicine_total, mut total, mut copay) = (0u64, 0u64, 0u64);
        let mut row = |template: &Record, stt: usize, name_field: &str, name: &str, price: u64| {
            let quantity = 1 + random.next() % 20;
            let amount = quantity * price;
            // Every price is a multiple of 5, so a fifth is whole đồng.
            let own_share = amount / 5;
            total += amount;
            copay += own_share;
            let mut row = template.clone();
            set(&mut row, "MA_LK", &ma_lk);
            set(&mut row, "STT", &stt.to_string());
            set(&mut row, name_field, name);
            set(&mut row, "SO_LUONG", &quantity.to_string());
            set(&mut row, "THANH_TIEN_BV", &amount.to_string());
            set(&mut row, "THANH_TIEN_BH", &amount.to_string());
            set(&mut row, "T_BNCCT", &own_share.to_string());
            set(&mut row, "T_BHTT", &(amount - own_share).to_string());
            (row, amount)
        };
        for stt in 1..=1 + n % 4 {
            let (name, price) = MEDICINES[(n + stt) % MEDICINES.len()];
            let (mut medicine, amount) = row(&self.medicine, stt, "TEN_THUOC", name, price);
            set(&mut medicine, "DON_GIA", &price.to_string());
            medicine_total += amount;
            medicines.push(medicine);
        }
        for stt in 1..=1 + n % 3 {
            let (name, price) = SERVICES[(n + stt) % SERVICES.len()];
            let (mut service, _) = row(&self.service, stt, "TEN_DICH_VU", name, price);
            set(&mut service, "DON_GIA_BV", &price.to_string());
            set(&mut service, "DON_GIA_BH", &price.to_string());
            services.push(service);
        }
        let mut summary = self.summary.clone();
        let day = 1 + n % 28;
        let minute = n % 60;
        set(&mut summary, "MA_LK", &ma_lk);
        set(&mut summary, "STT", &n.to_string());
        set(&mut summary, "MA_BN", &format!("BN{n:08}"));
        set(&mut summary, "HO_TEN", random.pick(&NAMES));
        set(&mut summary, "MA_BENH_CHINH", random.pick(&DIAGNOSES));
        set(
            &mut summary,
            "MA_LOAI_KCB",
            if n.is_multiple_of(2) { "14" } else { "01" },
        );
        set(
            &mut summary,
            "NGAY_VAO",
            &format!("202611{day:02}08{minute:02}"),
        );
        set(
            &mut summary,
            "NGAY_RA",
            &format!("202611{day:02}09{minute:02}"),
        );
        set(
            &mut summary,
            "NGAY_TTOAN",
            &format!("202611{day:02}10{minute:02}"),
        );
        set(&mut summary, "T_THUOC", &medicine_total.to_string());
        set(&mut summary, "T_TONGCHI_BV", &total.to_string());
        set(&mut summary, "T_TONGCHI_BH", &total.to_string());
        set(&mut summary, "T_BNCCT", &copay.to_string());
        set(&mut summary, "T_BHTT", &(total - copay).to_string());
        OutVisit {
            tables: BTreeMap::from([(1, vec![summary]), (2, medicines), (3, services)]),
        }
    }
}

fn set(record: &mut Record, name: &str, value: &str) {
    assert!(record.get(name).is_some(), "the sample has no {name}");
    record.set(name, value);
}

/// How many visits make about `bytes` of envelope.
fn visits_for(templates: &Templates, bytes: usize) -> usize {
    let probe = 256;
    let mut out = String::new();
    for n in 1..=probe {
        write::push_visit(&mut out, n, &templates.visit(n)).unwrap();
    }
    (bytes * probe / out.len()).max(1)
}

/// The envelope of visits 1..=`count`, made as it is read: one visit's bytes at a time.
struct Generated<'a> {
    templates: &'a Templates,
    count: usize,
    next: usize,
    chunk: String,
    at: usize,
    closed: bool,
    produced: u64,
}

impl<'a> Generated<'a> {
    fn new(templates: &'a Templates, count: usize) -> Generated<'a> {
        let mut chunk = String::new();
        write::open_envelope(&mut chunk, FACILITY, made_on(), count).unwrap();
        Generated {
            templates,
            count,
            next: 1,
            chunk,
            at: 0,
            closed: false,
            produced: 0,
        }
    }
}

impl Read for Generated<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.chunk.len() {
            self.chunk.clear();
            self.at = 0;
            if self.next <= self.count {
                let visit = self.templates.visit(self.next);
                write::push_visit(&mut self.chunk, self.next, &visit).unwrap();
                self.next += 1;
            } else if !self.closed {
                write::close_envelope(&mut self.chunk);
                self.closed = true;
            }
        }
        let available = &self.chunk.as_bytes()[self.at..];
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.at += n;
        self.produced += n as u64;
        Ok(n)
    }
}

/// quick-xml alone: every event of the envelope read into one reused buffer, and each
/// `NOIDUNGFILE` decoded and its inner file's events read the same way. Returns the events.
fn raw_tokenize(bytes: &[u8]) -> u64 {
    let mut reader = Reader::from_reader(bytes);
    let (mut buf, mut inner_buf, mut decoded) = (Vec::new(), Vec::new(), Vec::new());
    let mut in_content = false;
    let mut events = 0u64;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).unwrap() {
            Event::Eof => return events,
            Event::Start(start) => in_content = start.local_name().as_ref() == "NOIDUNGFILE",
            Event::Text(text) if in_content => {
                decoded.clear();
                base64::engine::general_purpose::STANDARD
                    .decode_vec(text.as_ref(), &mut decoded)
                    .unwrap();
                let mut inner = Reader::from_reader(&decoded[..]);
                loop {
                    inner_buf.clear();
                    match inner.read_event_into(&mut inner_buf).unwrap() {
                        Event::Eof => break,
                        _ => events += 1,
                    }
                }
            }
            Event::End(_) => in_content = false,
            _ => {}
        }
        events += 1;
    }
}

fn validate_all(input: impl std::io::BufRead, count: usize) -> Report {
    let report = validate(input, FACILITY, Limits::default()).unwrap();
    assert_eq!(report.visits.len(), count);
    assert!(
        report.accepted(),
        "{:?}",
        report.visits.iter().find(|v| !v.problems.is_empty())
    );
    report
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// While `validate` reads `count` visits from a generated stream (64 KiB buffered): the
/// heap's peak above its level at the start, and what is still held when it returns (the
/// report, one outcome per visit, and the generator's last visit), both in MiB; also the
/// stream's length in MB.
fn streamed_peak(templates: &Templates, count: usize) -> (f64, f64, f64) {
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let mut source = Generated::new(templates, count);
    let report = validate_all(BufReader::with_capacity(64 * 1024, &mut source), count);
    let peak = HEAP.peak_usage().saturating_sub(before);
    let kept = HEAP.current_usage().saturating_sub(before);
    drop(report);
    (
        peak as f64 / MIB,
        kept as f64 / MIB,
        source.produced as f64 / MB,
    )
}

/// An enveloped RSA-SHA256 signature over the whole file, its digest and value made up.
const UNMATCHED_SIGNATURE: &str = "<CHUKYDONVI><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>\
<CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>\
<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\
<Reference URI=\"\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></Transforms>\
<DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\
<DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</DigestValue></Reference></SignedInfo>\
<SignatureValue>AAAA</SignatureValue></Signature></CHUKYDONVI>";

fn main() {
    let short = std::env::args().any(|a| a == "--short");
    let target_bytes: usize = if short { 10_000_000 } else { 100_000_000 };
    let rounds = if short { 5 } else { 3 };

    let templates = Templates::from_sample();
    let count = visits_for(&templates, target_bytes);
    let visits: Vec<OutVisit> = (1..=count).map(|n| templates.visit(n)).collect();
    let envelope = write::envelope(FACILITY, made_on(), &visits).unwrap();
    drop(visits);
    let bytes = envelope.as_bytes();
    let size = bytes.len() as f64 / MB;
    let rows: usize = (1..=count).map(|n| 1 + 1 + n % 4 + 1 + n % 3).sum();
    println!(
        "XML 130 intake — one thread; {count} synthetic visits ({rows} records: a summary, 1–4 medicines, 1–3 services each), {size:.1} MB envelope\n"
    );
    println!(
        "cargo bench -p healthbook-domain --bench xml130{}\n",
        if short { " -- --short" } else { "" }
    );

    let (mut raw_rates, mut our_rates) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = Instant::now();
        std::hint::black_box(raw_tokenize(std::hint::black_box(bytes)));
        raw_rates.push(size / start.elapsed().as_secs_f64());
        let start = Instant::now();
        validate_all(std::hint::black_box(bytes), count);
        our_rates.push(size / start.elapsed().as_secs_f64());
    }
    let raw = median(raw_rates.clone());
    let ours = median(our_rates.clone());
    let ratio = ours / raw;
    let verdict = |met: bool| if met { "met" } else { "missed" };
    println!("| measure | figure | goal |");
    println!("|---|---:|---:|");
    println!(
        "| (a) raw: quick-xml events + base64 + inner events, MB/s (median of {rounds}) | {raw:.0} | — |"
    );
    println!(
        "| (b) `validate`, MB/s (median of {rounds}) | {ours:.0} | ≥ {:.0} |",
        raw / 2.0
    );
    println!(
        "| (b) ÷ (a) | {ratio:.2}× | ≥ 0.5×: {} |",
        verdict(ratio >= 0.5)
    );

    // The peak at two lengths, from a stream: flat means the same at both.
    let small = (count / 10).max(1);
    let (small_peak, small_kept, small_size) = streamed_peak(&templates, small);
    let (peak, kept, streamed_size) = streamed_peak(&templates, count);
    println!(
        "| (c) heap peak validating {small_size:.0} MB streamed, MiB (the report kept: {small_kept:.1}) | {small_peak:.1} | — |"
    );
    println!(
        "| (c) heap peak validating {streamed_size:.0} MB streamed, MiB (the report kept: {kept:.1}) | {peak:.1} | ≤ 64: {} |",
        verdict(peak <= 64.0)
    );
    // What the report keeps grows with the visits (one outcome each); the rest is the reading
    // itself, plus the report's list while it doubles (old and new both held for a moment).
    println!(
        "| (c) peak less what the report keeps, MiB, {small_size:.0} MB / {streamed_size:.0} MB | {:.2} / {:.2} | flat |",
        small_peak - small_kept,
        peak - kept
    );
    // (d) The facility's signature: a `Signature` in `CHUKYDONVI` whose digest cannot match,
    // so that verifying reads the whole file twice (to find it, then to digest it) and says
    // so; the heap is counted above what the envelope itself holds.
    let signed = envelope.replace("<CHUKYDONVI/>", UNMATCHED_SIGNATURE);
    let mut verify_rates = Vec::new();
    HEAP.reset_peak_usage();
    let before = HEAP.current_usage();
    for _ in 0..rounds {
        let start = Instant::now();
        let verdict = xmldsig::verify(|| Ok(signed.as_bytes()), Limits::default().max_depth);
        verify_rates.push(size / start.elapsed().as_secs_f64());
        assert_eq!(
            verdict.ok().flatten(),
            Some(xmldsig::Verdict::Invalid(xmldsig::Flaw::DigestMismatch))
        );
    }
    let verify_peak = HEAP.peak_usage().saturating_sub(before) as f64 / MIB;
    println!(
        "| (d) signature verified over the whole file (two reads, C14N, SHA-256), MB/s | {:.0} ({:.2}× raw) | — |",
        median(verify_rates.clone()),
        median(verify_rates) / raw
    );
    println!(
        "| (d) heap peak verifying, MiB | {verify_peak:.1} | ≤ 64: {} |",
        verdict(verify_peak <= 64.0)
    );
    println!(
        "\nRounds, MB/s: raw {:?}; validate {:?}",
        raw_rates.iter().map(|r| r.round()).collect::<Vec<_>>(),
        our_rates.iter().map(|r| r.round()).collect::<Vec<_>>()
    );
}
