//! The XML underneath both the envelope and its inner files: elements and their text, read
//! as a stream with every size bounded, and everything a hostile file could use refused —
//! a DOCTYPE (so no external entity and no entity expansion), an entity other than XML's
//! five and character references, an encoding other than UTF-8, mixed content.
//!
//! A [`Walker`] reads either a stream ([`Walker::new`]: the envelope), counting what the
//! parser takes so that no read outgrows its bound, or bytes already in memory and already
//! bounded ([`Walker::over`]: an inner file, decoded), where the parser's events borrow the
//! bytes and nothing needs counting.

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};
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

/// One step through the tree; [`Walker::name`] and [`Walker::text`] say what it met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Open,
    /// An element closes; its text, trimmed, is [`Walker::text`] (empty for an element with
    /// children).
    Close,
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
    #[inline]
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

    #[inline]
    fn consume(&mut self, n: usize) {
        self.taken_this_step += n;
        self.taken += n as u64;
        self.inner.consume(n);
    }
}

/// Steps through one stream's elements. Names and text live in buffers reused from one
/// element to the next: a step allocates nothing once the buffers have grown to the
/// stream's longest name and text.
pub struct Walker<S> {
    source: S,
    /// The open elements' names, outermost first, are `open[..depth]`; the strings past
    /// `depth` are kept for their capacity.
    open: Vec<String>,
    depth: usize,
    /// Where the last step's element is in `open`.
    current: usize,
    text: String,
    /// The last step closed an element: the text read since then belongs to its parent, and
    /// an element with children may have none but whitespace.
    closed: bool,
    elements: u64,
    max_depth: usize,
    max_elements: u64,
    max_text: usize,
    started: bool,
}

/// Where a walker's events come from.
pub trait Source {
    /// The next event as quick-xml gives it, matched where it lies: turning it into a
    /// result of our own copied every event, which showed in the profile.
    fn event(&mut self) -> quick_xml::Result<Event<'_>>;

    /// What stopped the last read.
    fn failure(&self, error: &quick_xml::Error) -> XmlError {
        parse_error(error)
    }
}

/// A stream, read through a buffer and counted.
pub struct Stream<R> {
    reader: Reader<Bounded<R>>,
    buf: Vec<u8>,
}

impl<R: BufRead> Source for Stream<R> {
    fn event(&mut self) -> quick_xml::Result<Event<'_>> {
        self.buf.clear();
        self.reader.get_mut().taken_this_step = 0;
        self.reader.read_event_into(&mut self.buf)
    }

    /// A bound the stream reached is why, whatever the parser made of the cut.
    fn failure(&self, error: &quick_xml::Error) -> XmlError {
        self.reader
            .get_ref()
            .exceeded
            .unwrap_or_else(|| parse_error(error))
    }
}

/// Bytes in memory, whose events borrow them.
pub struct Slice<'a> {
    reader: Reader<&'a [u8]>,
}

impl Source for Slice<'_> {
    fn event(&mut self) -> quick_xml::Result<Event<'_>> {
        self.reader.read_event()
    }
}

/// What quick-xml's error means here; a syntax error once the root is open is read as a
/// stream cut short, the likeliest cause, and `Walker::step` says so.
fn parse_error(error: &quick_xml::Error) -> XmlError {
    match error {
        quick_xml::Error::Encoding(_) => XmlError::Encoding,
        quick_xml::Error::Syntax(_) => XmlError::Truncated,
        _ => XmlError::Malformed,
    }
}

fn configured<R>(mut reader: Reader<R>) -> Reader<R> {
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = true;
    config.check_comments = true;
    reader
}

impl<R: BufRead> Walker<Stream<R>> {
    /// Walks a stream of at most `max_total` bytes.
    pub fn new(input: R, limits: &Limits, max_total: u64) -> Walker<Stream<R>> {
        let reader = configured(Reader::from_reader(Bounded {
            inner: input,
            taken_this_step: 0,
            taken: 0,
            // A step reads at most one text and one tag; the tag's own length is small.
            max_step: limits.max_text_bytes + 64 * 1024,
            max_total,
            exceeded: None,
        }));
        Walker::with(
            Stream {
                reader,
                buf: Vec::new(),
            },
            limits,
        )
    }
}

impl<'a> Walker<Slice<'a>> {
    /// Walks bytes already in memory, whose length the caller has bounded.
    pub fn over(bytes: &'a [u8], limits: &Limits) -> Walker<Slice<'a>> {
        let reader = configured(Reader::from_reader(bytes));
        Walker::with(Slice { reader }, limits)
    }
}

impl<S: Source> Walker<S> {
    fn with(source: S, limits: &Limits) -> Walker<S> {
        Walker {
            source,
            open: Vec::new(),
            depth: 0,
            current: 0,
            text: String::new(),
            closed: false,
            elements: 0,
            max_depth: limits.max_depth,
            max_elements: limits.max_elements,
            max_text: limits.max_text_bytes,
            started: false,
        }
    }

    /// The elements open now, outermost first.
    pub fn path(&self) -> &[String] {
        &self.open[..self.depth]
    }

    /// How many elements are open now: the one just opened counts, the one just closed not.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The name of the element the last step opened or closed.
    pub fn name(&self) -> &str {
        self.open.get(self.current).map_or("", String::as_str)
    }

    /// The text of the element the last step closed, trimmed.
    pub fn text(&self) -> &str {
        if self.closed { self.text.trim() } else { "" }
    }

    pub fn step(&mut self) -> Result<Step, XmlError> {
        let after_close = std::mem::replace(&mut self.closed, false);
        if after_close {
            self.text.clear();
        }
        loop {
            let event = match self.source.event() {
                Ok(event) => event,
                Err(error) => {
                    return Err(match self.source.failure(&error) {
                        XmlError::Truncated if !self.started => XmlError::Malformed,
                        failure => failure,
                    });
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
                    if self.started && self.depth == 0 {
                        return Err(XmlError::Malformed);
                    }
                    self.started = true;
                    self.elements += 1;
                    if self.elements > self.max_elements {
                        return Err(XmlError::TooManyElements);
                    }
                    if self.depth >= self.max_depth {
                        return Err(XmlError::TooDeep);
                    }
                    if self.depth == self.open.len() {
                        self.open.push(String::new());
                    }
                    let slot = &mut self.open[self.depth];
                    slot.clear();
                    slot.push_str(start.local_name().as_ref());
                    self.current = self.depth;
                    self.depth += 1;
                    return Ok(Step::Open);
                }
                Event::End(_) => {
                    if self.depth == 0 {
                        return Err(XmlError::Malformed);
                    }
                    // Text after a child element, before its parent's end.
                    if after_close && !self.text.trim().is_empty() {
                        return Err(XmlError::MixedContent);
                    }
                    self.depth -= 1;
                    self.current = self.depth;
                    self.closed = true;
                    return Ok(Step::Close);
                }
                // Whitespace before any text is trimmed away in the end: the indentation
                // between elements is dropped here, unread.
                Event::Text(text)
                    if self.text.is_empty()
                        && text.as_ref().bytes().all(|b| b.is_ascii_whitespace()) => {}
                Event::Text(text) => {
                    push_text(
                        &mut self.text,
                        self.depth == 0,
                        self.max_text,
                        &text.xml10_content(),
                    )?;
                }
                Event::CData(data) => {
                    push_text(
                        &mut self.text,
                        self.depth == 0,
                        self.max_text,
                        &data.xml10_content(),
                    )?;
                }
                Event::GeneralRef(reference) => {
                    let resolved = resolve_reference(&reference)?;
                    let mut utf8 = [0; 4];
                    let resolved = resolved.encode_utf8(&mut utf8);
                    push_text(&mut self.text, self.depth == 0, self.max_text, resolved)?;
                }
                Event::Eof => {
                    return if !self.started {
                        Err(XmlError::Malformed)
                    } else if self.depth == 0 {
                        Ok(Step::End)
                    } else {
                        Err(XmlError::Truncated)
                    };
                }
            }
        }
    }
}

/// The character a reference stands for: one of XML's five entities or a character
/// reference. Any other entity would need a DTD, which is refused.
pub fn resolve_reference(reference: &BytesRef<'_>) -> Result<char, XmlError> {
    match reference.resolve_char_ref() {
        Ok(Some(c)) => Ok(c),
        Ok(None) => match reference.as_ref() {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "apos" => Ok('\''),
            "quot" => Ok('"'),
            _ => Err(XmlError::Entity),
        },
        Err(_) => Err(XmlError::Entity),
    }
}

/// Adds to the open element's text; only whitespace may stand outside the root.
fn push_text(
    into: &mut String,
    outside_root: bool,
    max: usize,
    text: &str,
) -> Result<(), XmlError> {
    if outside_root {
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

    /// A step as a test writes it: what opened, or what closed with its text.
    #[derive(Debug, PartialEq, Eq)]
    enum Seen {
        Open(String),
        Close(String, String),
    }

    fn walk(xml: &str) -> Result<Vec<Seen>, XmlError> {
        walk_with(xml, &Limits::default())
    }

    /// The steps of `xml`, the same whether it is streamed or already in memory.
    fn walk_with(xml: &str, limits: &Limits) -> Result<Vec<Seen>, XmlError> {
        let streamed = steps(Walker::new(
            xml.as_bytes(),
            limits,
            limits.max_envelope_bytes,
        ));
        let in_memory = steps(Walker::over(xml.as_bytes(), limits));
        assert_eq!(streamed, in_memory, "{xml}");
        streamed
    }

    fn steps<S: Source>(mut walker: Walker<S>) -> Result<Vec<Seen>, XmlError> {
        let mut steps = Vec::new();
        loop {
            match walker.step()? {
                Step::End => return Ok(steps),
                Step::Open => steps.push(Seen::Open(walker.name().to_owned())),
                Step::Close => steps.push(Seen::Close(
                    walker.name().to_owned(),
                    walker.text().to_owned(),
                )),
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
                Seen::Open("A".into()),
                Seen::Open("B".into()),
                Seen::Close("B".into(), "x & y AB".into()),
                Seen::Open("C".into()),
                Seen::Close("C".into(), String::new()),
                Seen::Open("D".into()),
                Seen::Close("D".into(), "<z>".into()),
                Seen::Close("A".into(), String::new()),
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
                Ok(Step::Open),
                Err(XmlError::Encoding | XmlError::Malformed)
            )
        ));
        let mut walker = Walker::over(&latin1[..], &Limits::default());
        assert!(matches!(
            (walker.step(), walker.step()),
            (
                Ok(Step::Open),
                Err(XmlError::Encoding | XmlError::Malformed)
            )
        ));
        assert_eq!(walk("<a>text<b/></a>"), Err(XmlError::MixedContent));
        assert_eq!(walk("<a><b/>text</a>"), Err(XmlError::MixedContent));
        assert!(walk("<a><b/>\n <!-- c --> <c/>\n</a>").is_ok());
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
