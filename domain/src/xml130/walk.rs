//! The XML underneath both the envelope and its inner files: elements and their text, read
//! as a stream with every size bounded, and everything a hostile file could use refused —
//! a DOCTYPE (so no external entity and no entity expansion), an entity other than XML's
//! five and character references, an encoding other than UTF-8, mixed content.

use quick_xml::Reader;
use quick_xml::events::Event;
use std::io::{self, BufRead, Read};

/// The bounds of one envelope. The defaults hold a 100 MB envelope of ordinary visits in a
/// few tens of MiB: one visit is in memory at a time, and no single element's text may be
/// larger than `max_text_bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The whole stream.
    pub max_envelope_bytes: u64,
    /// One element's text (a base64 `NOIDUNGFILE` is the largest): what a read may buffer.
    pub max_text_bytes: usize,
    /// One inner file, decoded.
    pub max_file_bytes: usize,
    pub max_depth: usize,
    /// Elements in the envelope, and in each inner file.
    pub max_elements: u64,
    pub max_files_per_visit: usize,
    pub max_records_per_file: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_envelope_bytes: 256 * 1024 * 1024,
            max_text_bytes: 16 * 1024 * 1024,
            max_file_bytes: 12 * 1024 * 1024,
            max_depth: 16,
            max_elements: 20_000_000,
            max_files_per_visit: 16,
            max_records_per_file: 100_000,
        }
    }
}

/// Why a stream was not read to its end; each has a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlError {
    Malformed,
    DocType,
    Entity,
    Encoding,
    MixedContent,
    TooDeep,
    TooManyElements,
    TooLarge,
    TextTooLarge,
    Truncated,
}

impl XmlError {
    pub fn code(self) -> &'static str {
        match self {
            XmlError::Malformed => "xml_malformed",
            XmlError::DocType => "xml_doctype_refused",
            XmlError::Entity => "xml_entity_refused",
            XmlError::Encoding => "xml_encoding_not_utf8",
            XmlError::MixedContent => "xml_mixed_content",
            XmlError::TooDeep => "xml_too_deep",
            XmlError::TooManyElements => "xml_too_many_elements",
            XmlError::TooLarge => "xml_too_large",
            XmlError::TextTooLarge => "xml_text_too_large",
            XmlError::Truncated => "xml_truncated",
        }
    }
}

/// One step through the tree.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    Open(String),
    /// The element that closes, with its text (trimmed; empty for an element with children).
    Close(String, String),
    End,
}

/// Counts what the XML reader takes, and stops it once one read or the stream is too large:
/// the reader's buffer can then never outgrow the bound by more than one chunk.
struct Bounded<R> {
    inner: R,
    taken_this_step: usize,
    taken: u64,
    max_step: usize,
    max_total: u64,
    exceeded: Option<XmlError>,
}

impl<R: BufRead> Read for Bounded<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Bounded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.taken > self.max_total {
            self.exceeded = Some(XmlError::TooLarge);
        } else if self.taken_this_step > self.max_step {
            self.exceeded = Some(XmlError::TextTooLarge);
        }
        if self.exceeded.is_some() {
            return Err(io::Error::other("limit"));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.taken_this_step += n;
        self.taken += n as u64;
        self.inner.consume(n);
    }
}

pub struct Walker<R> {
    reader: Reader<Bounded<R>>,
    buf: Vec<u8>,
    open: Vec<String>,
    text: String,
    elements: u64,
    max_depth: usize,
    max_elements: u64,
    max_text: usize,
    started: bool,
}

impl<R: BufRead> Walker<R> {
    pub fn new(input: R, limits: &Limits, max_total: u64) -> Walker<R> {
        let mut reader = Reader::from_reader(Bounded {
            inner: input,
            taken_this_step: 0,
            taken: 0,
            // A step reads at most one text and one tag; the tag's own length is small.
            max_step: limits.max_text_bytes + 64 * 1024,
            max_total,
            exceeded: None,
        });
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.check_comments = true;
        Walker {
            reader,
            buf: Vec::new(),
            open: Vec::new(),
            text: String::new(),
            elements: 0,
            max_depth: limits.max_depth,
            max_elements: limits.max_elements,
            max_text: limits.max_text_bytes,
            started: false,
        }
    }

    /// The elements open now, outermost first.
    pub fn path(&self) -> &[String] {
        &self.open
    }

    pub fn step(&mut self) -> Result<Step, XmlError> {
        loop {
            self.buf.clear();
            self.reader.get_mut().taken_this_step = 0;
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(error) => {
                    return Err(self.reader.get_ref().exceeded.unwrap_or(match error {
                        quick_xml::Error::Encoding(_) => XmlError::Encoding,
                        quick_xml::Error::Syntax(_) if self.started => XmlError::Truncated,
                        _ => XmlError::Malformed,
                    }));
                }
            };
            match event {
                Event::Decl(decl) => {
                    let utf8 = match decl.encoding() {
                        None => true,
                        Some(Ok(name)) => name.eq_ignore_ascii_case("utf-8"),
                        Some(Err(_)) => false,
                    };
                    if !utf8 {
                        return Err(XmlError::Encoding);
                    }
                }
                Event::DocType(_) => return Err(XmlError::DocType),
                Event::PI(_) | Event::Comment(_) => {}
                // `expand_empty_elements` turns `<a/>` into a start and an end.
                Event::Empty(_) => return Err(XmlError::Malformed),
                Event::Start(start) => {
                    if !self.text.trim().is_empty() {
                        return Err(XmlError::MixedContent);
                    }
                    self.text.clear();
                    if self.started && self.open.is_empty() {
                        return Err(XmlError::Malformed);
                    }
                    self.started = true;
                    self.elements += 1;
                    if self.elements > self.max_elements {
                        return Err(XmlError::TooManyElements);
                    }
                    if self.open.len() >= self.max_depth {
                        return Err(XmlError::TooDeep);
                    }
                    let name = start.local_name().as_ref().to_owned();
                    self.open.push(name.clone());
                    return Ok(Step::Open(name));
                }
                Event::End(_) => {
                    let name = self.open.pop().ok_or(XmlError::Malformed)?;
                    let text = std::mem::take(&mut self.text);
                    return Ok(Step::Close(name, text.trim().to_owned()));
                }
                Event::Text(text) => {
                    push_text(
                        &mut self.text,
                        &self.open,
                        self.max_text,
                        &text.xml10_content(),
                    )?;
                }
                Event::CData(data) => {
                    push_text(
                        &mut self.text,
                        &self.open,
                        self.max_text,
                        &data.xml10_content(),
                    )?;
                }
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        Ok(None) => match reference.as_ref() {
                            "lt" => '<',
                            "gt" => '>',
                            "amp" => '&',
                            "apos" => '\'',
                            "quot" => '"',
                            _ => return Err(XmlError::Entity),
                        },
                        Err(_) => return Err(XmlError::Entity),
                    };
                    let resolved = resolved.encode_utf8(&mut [0; 4]).to_owned();
                    push_text(&mut self.text, &self.open, self.max_text, &resolved)?;
                }
                Event::Eof => {
                    return if !self.started {
                        Err(XmlError::Malformed)
                    } else if self.open.is_empty() {
                        Ok(Step::End)
                    } else {
                        Err(XmlError::Truncated)
                    };
                }
            }
        }
    }
}

/// Adds to the open element's text; only whitespace may stand outside the root.
fn push_text(into: &mut String, open: &[String], max: usize, text: &str) -> Result<(), XmlError> {
    if open.is_empty() {
        return if text.trim().is_empty() {
            Ok(())
        } else {
            Err(XmlError::Malformed)
        };
    }
    if into.len() + text.len() > max {
        return Err(XmlError::TextTooLarge);
    }
    into.push_str(text);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(xml: &str) -> Result<Vec<Step>, XmlError> {
        walk_with(xml, &Limits::default())
    }

    fn walk_with(xml: &str, limits: &Limits) -> Result<Vec<Step>, XmlError> {
        let mut walker = Walker::new(xml.as_bytes(), limits, limits.max_envelope_bytes);
        let mut steps = Vec::new();
        loop {
            match walker.step()? {
                Step::End => return Ok(steps),
                step => steps.push(step),
            }
        }
    }

    #[test]
    fn reads_elements_and_their_text_with_xmls_own_references() {
        let steps = walk(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><A><B> x &amp; y &#x41;&#66; </B><C/><D><![CDATA[<z>]]></D></A>",
        )
        .unwrap();
        assert_eq!(
            steps,
            vec![
                Step::Open("A".into()),
                Step::Open("B".into()),
                Step::Close("B".into(), "x & y AB".into()),
                Step::Open("C".into()),
                Step::Close("C".into(), String::new()),
                Step::Open("D".into()),
                Step::Close("D".into(), "<z>".into()),
                Step::Close("A".into(), String::new()),
            ]
        );
    }

    #[test]
    fn refuses_what_a_hostile_file_would_use() {
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>";
        assert_eq!(walk(xxe), Err(XmlError::DocType));
        let laughs = "<!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><l>&b;</l>";
        assert_eq!(walk(laughs), Err(XmlError::DocType));
        assert_eq!(walk("<a>&nbsp;</a>"), Err(XmlError::Entity));
        assert_eq!(
            walk("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>"),
            Err(XmlError::Encoding)
        );
        let latin1 = b"<a>\xe9</a>";
        let mut walker = Walker::new(&latin1[..], &Limits::default(), 1 << 20);
        assert!(matches!(
            (walker.step(), walker.step()),
            (
                Ok(Step::Open(_)),
                Err(XmlError::Encoding | XmlError::Malformed)
            )
        ));
        assert_eq!(walk("<a>text<b/></a>"), Err(XmlError::MixedContent));
        assert_eq!(walk("<a><b></a>"), Err(XmlError::Malformed));
        assert_eq!(walk("<a><b>"), Err(XmlError::Truncated));
        assert_eq!(walk("<a/><b/>"), Err(XmlError::Malformed));
        assert_eq!(walk(""), Err(XmlError::Malformed));
    }

    #[test]
    fn every_size_is_bounded() {
        let limits = Limits {
            max_depth: 3,
            max_elements: 5,
            max_text_bytes: 100,
            ..Limits::default()
        };
        assert_eq!(
            walk_with("<a><b><c><d/></c></b></a>", &limits),
            Err(XmlError::TooDeep)
        );
        assert_eq!(
            walk_with("<a><b/><b/><b/><b/><b/></a>", &limits),
            Err(XmlError::TooManyElements)
        );
        let long = format!("<a>{}</a>", "x".repeat(200_000));
        assert_eq!(walk_with(&long, &limits), Err(XmlError::TextTooLarge));
        let mut walker = Walker::new(long.as_bytes(), &Limits::default(), 1000);
        let _ = walker.step();
        assert_eq!(walker.step(), Err(XmlError::TooLarge));
    }
}
