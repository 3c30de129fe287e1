//! The `Signature` element of a document: found in a first read, kept whole (it is small),
//! and read into what verifying it needs.

use super::algorithm::{self, Canonicalization, SignatureMethod};
use super::c14n::{Attribute, Canonicalizer, Scope, split_name};
use super::parse::{Node, Parser};
use super::{Failure, Flaw};
use base64::Engine;
use std::io::BufRead;

pub const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// A signature's subtree may not be larger than this: a signed info, a value and a chain
/// of certificates fit many times over.
const MAX_SIGNATURE_BYTES: usize = 1024 * 1024;

/// An element kept whole.
#[derive(Debug, Clone)]
pub struct Tree {
    pub name: String,
    pub attributes: Vec<Attribute>,
    pub children: Vec<Child>,
}

#[derive(Debug, Clone)]
pub enum Child {
    Element(Tree),
    Text(String),
    Comment(String),
    Instruction(String, String),
}

impl Tree {
    fn local_name(&self) -> &str {
        split_name(&self.name).1
    }

    fn child(&self, local: &str) -> Option<&Tree> {
        self.elements().find(|t| t.local_name() == local)
    }

    fn elements(&self) -> impl Iterator<Item = &Tree> {
        self.children.iter().filter_map(|c| match c {
            Child::Element(tree) => Some(tree),
            _ => None,
        })
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                Child::Text(text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Replays the subtree into a canonicalizer; `visible` says which elements are output.
    pub fn replay<S: super::c14n::Sink>(
        &self,
        into: &mut Canonicalizer<S>,
        visible: &dyn Fn(&Tree) -> bool,
    ) {
        into.start(&self.name, &self.attributes, visible(self));
        for child in &self.children {
            match child {
                Child::Element(tree) => tree.replay(into, visible),
                Child::Text(text) => into.text(text),
                Child::Comment(text) => into.comment(text),
                Child::Instruction(target, data) => into.processing_instruction(target, data),
            }
        }
        into.end(&self.name);
    }
}

/// The first XML signature of a document, where it stands.
pub struct Found {
    /// Which element it is, counting every start tag of the document from one.
    pub ordinal: u64,
    /// The scope of its parent, which its signed info inherits.
    pub inherited: Scope,
    pub tree: Tree,
}

/// Reads a document through to its first `Signature` in the XML-Signature namespace.
pub fn find<R: BufRead>(input: R, max_depth: usize) -> Result<Option<Found>, Flaw> {
    let mut parser = Parser::new(input, max_depth);
    let mut scopes: Vec<Scope> = vec![Scope::default()];
    let mut ordinal = 0u64;
    let mut open: Vec<Tree> = Vec::new();
    let mut found: Option<(u64, Scope)> = None;
    let mut kept = 0usize;
    while let Some(node) = parser.next().map_err(|_| Flaw::Malformed)? {
        if let Some((at, inherited)) = &found {
            kept += node_size(&node);
            if kept > MAX_SIGNATURE_BYTES {
                return Err(Flaw::Malformed);
            }
            match node {
                Node::Start { name, attributes } => open.push(Tree {
                    name,
                    attributes,
                    children: Vec::new(),
                }),
                Node::End { .. } => {
                    let Some(done) = open.pop() else {
                        return Err(Flaw::Malformed);
                    };
                    match open.last_mut() {
                        Some(parent) => parent.children.push(Child::Element(done)),
                        None => {
                            return Ok(Some(Found {
                                ordinal: *at,
                                inherited: inherited.clone(),
                                tree: done,
                            }));
                        }
                    }
                }
                Node::Text(text) => push(&mut open, Child::Text(text)),
                Node::Comment(text) => push(&mut open, Child::Comment(text)),
                Node::Instruction { target, data } => {
                    push(&mut open, Child::Instruction(target, data))
                }
            }
            continue;
        }
        match node {
            Node::Start { name, attributes } => {
                ordinal += 1;
                let parent = scopes.last().cloned().unwrap_or_default();
                let scope = parent.within(&attributes);
                let (prefix, local) = split_name(&name);
                if local == "Signature" && scope.namespace(prefix) == Some(DSIG) {
                    found = Some((ordinal, parent));
                    open.push(Tree {
                        name,
                        attributes,
                        children: Vec::new(),
                    });
                } else {
                    scopes.push(scope);
                }
            }
            Node::End { .. } => {
                scopes.pop();
            }
            _ => {}
        }
    }
    Ok(None)
}

fn push(open: &mut [Tree], child: Child) {
    if let Some(parent) = open.last_mut() {
        parent.children.push(child);
    }
}

fn node_size(node: &Node) -> usize {
    match node {
        Node::Start { name, attributes } => {
            name.len()
                + attributes
                    .iter()
                    .map(|a| a.name.len() + a.value.len())
                    .sum::<usize>()
        }
        Node::End { .. } => 0,
        Node::Text(text) | Node::Comment(text) => text.len(),
        Node::Instruction { target, data } => target.len() + data.len(),
    }
}

/// What a reference says is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `URI=""`: the whole document.
    Document,
    /// `URI="#id"`: the element whose `Id` (or `ID`, `id`) is `id`.
    Element(String),
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub target: Target,
    /// The signature itself is left out (the enveloped-signature transform).
    pub enveloped: bool,
    pub canonicalization: Canonicalization,
    pub digest: &'static ring::digest::Algorithm,
    pub digest_value: Vec<u8>,
}

/// A signature read: its references, the canonical bytes of its signed info, its value and
/// the certificates it carries.
pub struct Signature {
    pub method: SignatureMethod,
    pub references: Vec<Reference>,
    pub signed_info: Vec<u8>,
    pub value: Vec<u8>,
    pub certificates: Vec<Vec<u8>>,
}

fn base64(text: &str) -> Result<Vec<u8>, Flaw> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| Flaw::Malformed)
}

/// The algorithm an element (`CanonicalizationMethod`, `Transform`) names.
fn algorithm_of(tree: &Tree) -> Result<&str, Flaw> {
    tree.attribute("Algorithm").ok_or(Flaw::Malformed)
}

/// The canonicalization an element names, with an exclusive one's prefix list.
fn canonicalization_of(tree: &Tree) -> Result<Option<Canonicalization>, Failure> {
    let uri = algorithm_of(tree).map_err(Failure::Invalid)?;
    let listed = tree
        .elements()
        .find(|t| t.local_name() == "InclusiveNamespaces")
        .and_then(|t| t.attribute("PrefixList"))
        .map(|list| list.split_ascii_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    Ok(algorithm::canonicalization(uri, listed))
}

impl Found {
    /// Reads the signature; a part it cannot verify makes it unverifiable, not invalid.
    pub fn read(&self) -> Result<Signature, Failure> {
        let malformed = || Failure::Invalid(Flaw::Malformed);
        let info = self.tree.child("SignedInfo").ok_or_else(malformed)?;
        let method_tree = info.child("CanonicalizationMethod").ok_or_else(malformed)?;
        let canonical = canonicalization_of(method_tree)?
            .ok_or(Failure::Unverifiable(super::Unsupported::Algorithm))?;
        let method_uri = info
            .child("SignatureMethod")
            .and_then(|t| t.attribute("Algorithm"))
            .ok_or_else(malformed)?;
        let method = algorithm::signature_method(method_uri)
            .ok_or(Failure::Unverifiable(super::Unsupported::Algorithm))?;
        let mut references = Vec::new();
        for reference in info.elements().filter(|t| t.local_name() == "Reference") {
            references.push(read_reference(reference)?);
        }
        if references.is_empty() {
            return Err(malformed());
        }
        let mut signed_info = Canonicalizer::part(
            Vec::new(),
            canonical.method.clone(),
            canonical.comments,
            self.inherited.clone(),
        );
        // The signature element is fed for the namespaces it declares, not output.
        signed_info.start(&self.tree.name, &self.tree.attributes, false);
        info.replay(&mut signed_info, &|_| true);
        signed_info.end(&self.tree.name);
        let value = self
            .tree
            .child("SignatureValue")
            .ok_or_else(malformed)
            .and_then(|t| base64(&t.text()).map_err(Failure::Invalid))?;
        let certificates = self
            .tree
            .child("KeyInfo")
            .into_iter()
            .flat_map(|k| k.elements().filter(|t| t.local_name() == "X509Data"))
            .flat_map(|d| d.elements().filter(|t| t.local_name() == "X509Certificate"))
            .map(|t| base64(&t.text()).map_err(Failure::Invalid))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Signature {
            method,
            references,
            signed_info: signed_info.finish(),
            value,
            certificates,
        })
    }
}

fn read_reference(reference: &Tree) -> Result<Reference, Failure> {
    let unsupported = Failure::Unverifiable(super::Unsupported::Reference);
    let target = match reference.attribute("URI") {
        Some("") => Target::Document,
        Some(uri) => match uri.strip_prefix('#') {
            Some(id) if !id.is_empty() && !id.contains('(') => Target::Element(id.to_owned()),
            _ => return Err(unsupported),
        },
        None => return Err(unsupported),
    };
    let mut enveloped = false;
    // A node-set becomes octets by Canonical XML 1.0 unless a transform says otherwise.
    let mut canonicalization = Canonicalization::default();
    let transforms = reference.child("Transforms");
    for transform in transforms.iter().flat_map(|t| t.elements()) {
        let uri = algorithm_of(transform).map_err(Failure::Invalid)?;
        if uri == ENVELOPED {
            enveloped = true;
        } else {
            canonicalization = canonicalization_of(transform)?
                .ok_or(Failure::Unverifiable(super::Unsupported::Algorithm))?;
        }
    }
    // A same-document reference is read without comments, whatever the transform says.
    canonicalization.comments = false;
    let digest = reference
        .child("DigestMethod")
        .and_then(|t| t.attribute("Algorithm"))
        .ok_or(Failure::Invalid(Flaw::Malformed))?;
    let digest =
        algorithm::digest(digest).ok_or(Failure::Unverifiable(super::Unsupported::Algorithm))?;
    let digest_value = reference
        .child("DigestValue")
        .ok_or(Failure::Invalid(Flaw::Malformed))
        .and_then(|t| base64(&t.text()).map_err(Failure::Invalid))?;
    Ok(Reference {
        target,
        enveloped,
        canonicalization,
        digest,
        digest_value,
    })
}
