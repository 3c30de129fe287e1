//! The `GIAMDINHHS` envelope, read one visit (`HOSO`) at a time: its facility, the day it was
//! made, and for each visit the inner files, base64-decoded and parsed into records. Nothing
//! of a visit is kept once the caller has taken it, so an envelope of any length is read in
//! the memory of its largest visit.

use super::catalogue::{fields_of, layout, position_from, table_number};
use super::problem::Problem;
pub use super::record::Record;
use super::walk::{Limits, Step, Stream, Walker, XmlError};
use base64::Engine as _;
use std::borrow::Cow;
use std::io::BufRead;

/// The envelope's own fields, read before its first visit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// `MACSKCB`: the sending facility's code.
    pub facility: String,
    /// `NGAYLAP`, as written.
    pub made_on: String,
    /// `SOLUONGHOSO`, as written.
    pub declared_visits: String,
}

/// One inner file of a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// `LOAIHOSO` as written.
    pub kind: String,
    /// The table's number, when `kind` names a table facilities send.
    pub table: Option<u8>,
    /// The records, or why the file could not be read.
    pub records: Result<Vec<Record>, Problem>,
    /// The decoded file, as sent: what is kept, and hashed.
    pub bytes: Vec<u8>,
}

/// One `HOSO` as read: its files, not yet checked against each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawVisit {
    /// 1-based, in the envelope's order.
    pub index: usize,
    pub files: Vec<File>,
}

/// Why an envelope could not be read at all: the whole envelope is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeError {
    Xml(XmlError),
    /// The root is not `GIAMDINHHS`.
    NotAnEnvelope,
    /// An element the envelope does not have, at this place.
    Unexpected,
    /// A visit with more files than the limit.
    TooManyFiles,
    /// `SOLUONGHOSO` differs from the visits read.
    CountMismatch,
    /// No `MACSKCB` before the first visit.
    NoFacility,
    /// `MACSKCB` is not the facility the sender sends for.
    OtherFacility,
}

impl EnvelopeError {
    pub fn code(self) -> &'static str {
        match self {
            EnvelopeError::Xml(error) => error.code(),
            EnvelopeError::NotAnEnvelope => "xml_not_an_envelope",
            EnvelopeError::Unexpected => "xml_envelope_unexpected_element",
            EnvelopeError::TooManyFiles => "xml_too_many_files",
            EnvelopeError::CountMismatch => "xml_visit_count_mismatch",
            EnvelopeError::NoFacility => "xml_facility_missing",
            EnvelopeError::OtherFacility => "xml_facility_mismatch",
        }
    }
}

impl From<XmlError> for EnvelopeError {
    fn from(error: XmlError) -> EnvelopeError {
        EnvelopeError::Xml(error)
    }
}

const ROOT: &str = "GIAMDINHHS";

pub struct EnvelopeReader<R> {
    walker: Walker<Stream<R>>,
    limits: Limits,
    header: Header,
    visits: usize,
    signed: bool,
    done: bool,
}

impl<R: BufRead> EnvelopeReader<R> {
    /// Reads up to the first visit; refuses what is not an envelope.
    pub fn open(input: R, limits: Limits) -> Result<EnvelopeReader<R>, EnvelopeError> {
        let mut walker = Walker::new(input, &limits, limits.max_envelope_bytes);
        if walker.step()? != Step::Open || walker.name() != ROOT {
            return Err(EnvelopeError::NotAnEnvelope);
        }
        Ok(EnvelopeReader {
            walker,
            limits,
            header: Header::default(),
            visits: 0,
            signed: false,
            done: false,
        })
    }

    /// The envelope's fields read so far (all of them once the first visit is returned).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Whether `CHUKYDONVI` held anything (known only at the end).
    pub fn signed(&self) -> bool {
        self.signed
    }

    /// The next visit, or `None` at the envelope's end (its count then checked).
    pub fn next_visit(&mut self) -> Result<Option<RawVisit>, EnvelopeError> {
        if self.done {
            return Ok(None);
        }
        let mut files = Vec::new();
        let mut kind: Option<String> = None;
        let mut content: Option<Result<Vec<u8>, Problem>> = None;
        loop {
            let step = self.walker.step()?;
            let depth = self.walker.depth();
            match step {
                Step::Open => {
                    let path: Vec<&str> = self.walker.path().iter().map(String::as_str).collect();
                    let name = self.walker.name();
                    if !expected(&path) {
                        return Err(EnvelopeError::Unexpected);
                    }
                    // Whatever the signing profile puts inside the signature is a signature.
                    if path.get(1) == Some(&"CHUKYDONVI") && path.len() > 2 {
                        self.signed = true;
                    }
                    if name == "HOSO" && self.header.facility.is_empty() {
                        return Err(EnvelopeError::NoFacility);
                    }
                    if name == "FILEHOSO" && files.len() >= self.limits.max_files_per_visit {
                        return Err(EnvelopeError::TooManyFiles);
                    }
                }
                Step::Close => match (depth, self.walker.name()) {
                    (2, "MACSKCB") => self.walker.text().clone_into(&mut self.header.facility),
                    (2, "NGAYLAP") => self.walker.text().clone_into(&mut self.header.made_on),
                    (2, "SOLUONGHOSO") => {
                        self.walker
                            .text()
                            .clone_into(&mut self.header.declared_visits);
                    }
                    (5, "LOAIHOSO") => kind = Some(self.walker.text().to_owned()),
                    (5, "NOIDUNGFILE") => content = Some(self.decode(self.walker.text())),
                    (4, "FILEHOSO") => {
                        let kind = kind.take().unwrap_or_default();
                        files.push(match content.take() {
                            Some(Ok(bytes)) => file(kind, bytes, &self.limits),
                            Some(Err(problem)) => unreadable(kind, problem),
                            None => unreadable(kind, Problem::InnerXml(XmlError::Malformed.code())),
                        });
                    }
                    (3, "HOSO") => {
                        self.visits += 1;
                        return Ok(Some(RawVisit {
                            index: self.visits,
                            files,
                        }));
                    }
                    (1, "CHUKYDONVI") if !self.walker.text().is_empty() => self.signed = true,
                    (0, ROOT) => {
                        self.done = true;
                        if self.walker.step()? != Step::End {
                            return Err(EnvelopeError::Xml(XmlError::Malformed));
                        }
                        let declared = self.header.declared_visits.parse::<usize>().ok();
                        if declared.is_some_and(|d| d != self.visits) {
                            return Err(EnvelopeError::CountMismatch);
                        }
                        return Ok(None);
                    }
                    _ => {}
                },
                Step::End => return Err(EnvelopeError::Xml(XmlError::Truncated)),
            }
        }
    }

    fn decode(&self, text: &str) -> Result<Vec<u8>, Problem> {
        let engine = base64::engine::general_purpose::STANDARD;
        // Most files are one line of base64, decoded where they lie. Line breaks are allowed
        // too: the engine refuses them, and they are taken out before a second try.
        if text.len() / 4 * 3 <= self.limits.max_file_bytes
            && let Ok(bytes) = engine.decode(text)
        {
            return Ok(bytes);
        }
        let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        if compact.len() / 4 * 3 > self.limits.max_file_bytes {
            return Err(Problem::InnerXml(XmlError::TooLarge.code()));
        }
        engine.decode(&compact).map_err(|_| Problem::Base64)
    }
}

/// Whether an element may open at `path` (the root first). The signature's own content is
/// whatever the signing profile puts there.
fn expected(path: &[&str]) -> bool {
    match path {
        [ROOT, "CHUKYDONVI", ..] => true,
        [ROOT, rest @ ..] => matches!(
            rest,
            ["THONGTINDONVI"]
                | ["THONGTINDONVI", "MACSKCB"]
                | ["THONGTINHOSO"]
                | ["THONGTINHOSO", "NGAYLAP" | "SOLUONGHOSO" | "DANHSACHHOSO"]
                | ["THONGTINHOSO", "DANHSACHHOSO", "HOSO"]
                | ["THONGTINHOSO", "DANHSACHHOSO", "HOSO", "FILEHOSO"]
                | [
                    "THONGTINHOSO",
                    "DANHSACHHOSO",
                    "HOSO",
                    "FILEHOSO",
                    "LOAIHOSO" | "NOIDUNGFILE"
                ]
        ),
        _ => false,
    }
}

/// An inner file as sent (`LOAIHOSO`, decoded content), read into its table's records: what
/// the envelope holds, and what a kept visit is read back from.
pub fn file(kind: String, bytes: Vec<u8>, limits: &Limits) -> File {
    let table = table_number(&kind);
    let records = match table.filter(|t| layout(*t).is_some()) {
        None => Err(Problem::TableNotAccepted),
        Some(table) => records(&bytes, table, limits),
    };
    File {
        kind,
        table,
        records,
        bytes,
    }
}

fn unreadable(kind: String, problem: Problem) -> File {
    File {
        table: table_number(&kind),
        kind,
        records: Err(problem),
        bytes: Vec::new(),
    }
}

/// The records of an inner file of table `table`, in the table's layout.
pub fn records(bytes: &[u8], table: u8, limits: &Limits) -> Result<Vec<Record>, Problem> {
    let layout = layout(table).ok_or(Problem::TableNotAccepted)?;
    let catalogue = fields_of(table);
    // Where the next field's name is expected in the catalogue.
    let mut next = 0;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let inner = Limits {
        max_depth: 4,
        ..*limits
    };
    // The caller bounded the bytes (`Limits::max_file_bytes`), so nothing needs counting.
    let mut walker = Walker::over(bytes, &inner);
    let xml = |e: XmlError| Problem::InnerXml(e.code());
    // The depth at which records open, and the tags above them.
    let above: Vec<&str> = match layout.list {
        Some(list) => vec![layout.root, list],
        None => vec![],
    };
    let mut out = Vec::new();
    let mut current: Option<Record> = None;
    // Records of one table are about the size of the one before.
    let (mut fields_seen, mut bytes_seen) = (0, 0);
    loop {
        let step = walker.step().map_err(xml)?;
        let depth = walker.depth();
        match step {
            Step::Open => {
                let name = walker.name();
                let record_depth = above.len() + 1;
                if depth < record_depth {
                    // The levels above were checked as they opened.
                    if above.get(depth - 1) != Some(&name) {
                        return Err(Problem::WrongLayout);
                    }
                } else if depth == record_depth {
                    if name != layout.record || (layout.list.is_none() && !out.is_empty()) {
                        return Err(Problem::WrongLayout);
                    }
                    if out.len() >= limits.max_records_per_file {
                        return Err(Problem::TooManyRecords);
                    }
                    current = Some(Record::with_capacity(fields_seen, bytes_seen));
                } else if depth > record_depth + 1 {
                    return Err(Problem::WrongLayout);
                }
            }
            Step::Close => {
                let record_depth = above.len();
                if depth == record_depth + 1 {
                    if let Some(record) = current.as_mut() {
                        let written = walker.name();
                        let known = position_from(table, written, next)
                            .and_then(|at| Some((at, catalogue.get(at)?)));
                        let name = match known {
                            Some((at, field)) => {
                                next = at + 1;
                                Cow::Borrowed(field.name)
                            }
                            None => Cow::Owned(written.to_owned()),
                        };
                        record.push(name, walker.text());
                    }
                } else if depth == record_depth
                    && let Some(record) = current.take()
                {
                    (fields_seen, bytes_seen) = (record.len(), record.value_bytes());
                    out.push(record);
                }
            }
            Step::End => {
                if layout.list.is_none() && out.len() > 1 {
                    return Err(Problem::SeveralRecords);
                }
                return Ok(out);
            }
        }
    }
}
