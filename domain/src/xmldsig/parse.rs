//! The document as canonicalization needs it: every node in order, text with its line
//! breaks normalized and its references resolved, attribute values normalized. What the
//! envelope reader refuses (a DOCTYPE, an unknown entity) is refused here too.

use super::c14n::Attribute;
use crate::xml130::walk::resolve_reference;
use quick_xml::Reader;
use quick_xml::events::Event;
use quick_xml::events::attributes::Attribute as RawAttribute;
use std::io::BufRead;

/// One node of the document, owned: a document's elements are few and its texts large,
/// and a text is copied once whichever way.
pub enum Node {
    Start {
        name: String,
        attributes: Vec<Attribute>,
    },
    End {
        name: String,
    },
    Text(String),
    Comment(String),
    Instruction {
        target: String,
        data: String,
    },
}

/// Why a document could not be read for its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreadable;

pub struct Parser<R> {
    reader: Reader<R>,
    buf: Vec<u8>,
    depth: usize,
    max_depth: usize,
}

impl<R: BufRead> Parser<R> {
    pub fn new(input: R, max_depth: usize) -> Parser<R> {
        let mut reader = Reader::from_reader(input);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.check_comments = true;
        Parser {
            reader,
            buf: Vec::new(),
            depth: 0,
            max_depth,
        }
    }

    /// The next node, `None` at the end of the document.
    pub fn next(&mut self) -> Result<Option<Node>, Unreadable> {
        loop {
            self.buf.clear();
            let event = self
                .reader
                .read_event_into(&mut self.buf)
                .map_err(|_| Unreadable)?;
            let node = match event {
                Event::Decl(_) => continue,
                Event::DocType(_) | Event::Empty(_) => return Err(Unreadable),
                Event::Eof if self.depth == 0 => return Ok(None),
                Event::Eof => return Err(Unreadable),
                Event::Start(start) => {
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Err(Unreadable);
                    }
                    let attributes = start
                        .attributes()
                        .map(|attribute| attribute.map_err(|_| Unreadable).and_then(decoded))
                        .collect::<Result<Vec<_>, _>>()?;
                    Node::Start {
                        name: start.name().into_inner().to_owned(),
                        attributes,
                    }
                }
                Event::End(end) => {
                    self.depth = self.depth.saturating_sub(1);
                    Node::End {
                        name: end.name().into_inner().to_owned(),
                    }
                }
                Event::Text(text) => Node::Text(text.xml10_content().into_owned()),
                Event::CData(data) => Node::Text(data.xml10_content().into_owned()),
                Event::GeneralRef(reference) => Node::Text(
                    resolve_reference(&reference)
                        .map_err(|_| Unreadable)?
                        .to_string(),
                ),
                Event::Comment(comment) => Node::Comment(comment.xml10_content().into_owned()),
                Event::PI(instruction) => Node::Instruction {
                    target: instruction.target().to_owned(),
                    data: instruction.content().to_owned(),
                },
            };
            return Ok(Some(node));
        }
    }
}

fn decoded(attribute: RawAttribute<'_>) -> Result<Attribute, Unreadable> {
    let name = attribute.key.into_inner().to_owned();
    let value = attribute
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .map_err(|_| Unreadable)?
        .into_owned();
    Ok(Attribute { name, value })
}
