//! Canonical XML 1.0 (with and without comments) and Exclusive XML Canonicalization 1.0:
//! the bytes a signature's digests and value are computed over, so that a file re-indented
//! by nothing, re-ordered attributes, a `\r\n` for a `\n` or a namespace declared twice still
//! verifies, and any change to what the document says does not.
//!
//! It is fed parser events (decoded text, decoded attribute values) and writes canonical
//! bytes into a [`Sink`] as it goes, so a document of any size is canonicalized in the
//! memory of its deepest element. Which elements are in the node-set is the caller's to
//! say: an element that is not is still told, for the namespaces its descendants inherit.

/// Where canonical bytes go: a digest as a document streams past, or a buffer.
pub trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Sink for ring::digest::Context {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// The two canonicalizations signing tools use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// Canonical XML 1.0: every namespace in scope is rendered on the apex.
    Inclusive,
    /// Exclusive: only the namespaces an element visibly uses, and those listed
    /// (`InclusiveNamespaces PrefixList`, `#default` as the empty prefix).
    Exclusive { listed: Vec<String> },
}

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// An attribute as the parser read it, its value decoded and normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

/// What an element inherits: the namespaces in scope (the default as the empty prefix) and
/// the `xml:` attributes (which Canonical XML 1.0 carries onto an apex).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    namespaces: Vec<(String, String)>,
    xml_attributes: Vec<(String, String)>,
}

impl Scope {
    /// The scope of an element with `attributes` whose parent's scope is `self`.
    pub fn within(&self, attributes: &[Attribute]) -> Scope {
        let mut scope = self.clone();
        for attribute in attributes {
            if attribute.name == "xmlns" {
                set(&mut scope.namespaces, "", &attribute.value);
            } else if let Some(prefix) = attribute.name.strip_prefix("xmlns:") {
                set(&mut scope.namespaces, prefix, &attribute.value);
            } else if attribute.name.starts_with("xml:") {
                set(&mut scope.xml_attributes, &attribute.name, &attribute.value);
            }
        }
        scope
    }

    /// The namespace a prefix names here (the empty prefix: the default, "" when none).
    pub fn namespace(&self, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some(XML_NAMESPACE);
        }
        get(&self.namespaces, prefix).or((prefix.is_empty()).then_some(""))
    }
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn set(pairs: &mut Vec<(String, String)>, key: &str, value: &str) {
    match pairs.iter_mut().find(|(k, _)| k == key) {
        Some(pair) => value.clone_into(&mut pair.1),
        None => pairs.push((key.to_owned(), value.to_owned())),
    }
}

/// `prefix:local` split; no prefix is the empty one.
pub fn split_name(name: &str) -> (&str, &str) {
    name.split_once(':').unwrap_or(("", name))
}

struct Frame {
    scope: Scope,
    /// The namespaces the output ancestors (and this element, if output) rendered.
    rendered: Vec<(String, String)>,
    visible: bool,
}

pub struct Canonicalizer<S> {
    sink: S,
    method: Method,
    comments: bool,
    /// The document node is in the node-set: comments and processing instructions outside
    /// the root are output, each on its own line.
    whole_document: bool,
    base: Scope,
    frames: Vec<Frame>,
    root_closed: bool,
}

impl<S: Sink> Canonicalizer<S> {
    /// A whole document, from its first event.
    pub fn document(sink: S, method: Method, comments: bool) -> Canonicalizer<S> {
        Canonicalizer::new(sink, method, comments, true, Scope::default())
    }

    /// A part of a document, fed from an element whose parent's scope is `inherited`.
    pub fn part(sink: S, method: Method, comments: bool, inherited: Scope) -> Canonicalizer<S> {
        Canonicalizer::new(sink, method, comments, false, inherited)
    }

    fn new(
        sink: S,
        method: Method,
        comments: bool,
        whole_document: bool,
        base: Scope,
    ) -> Canonicalizer<S> {
        Canonicalizer {
            sink,
            method,
            comments,
            whole_document,
            base,
            frames: Vec::new(),
            root_closed: false,
        }
    }

    pub fn finish(self) -> S {
        self.sink
    }

    fn parent(&self) -> Option<&Frame> {
        self.frames.last()
    }

    fn in_output(&self) -> bool {
        self.parent().is_some_and(|f| f.visible)
    }

    pub fn start(&mut self, name: &str, attributes: &[Attribute], visible: bool) {
        let parent_scope = self.parent().map_or(&self.base, |f| &f.scope);
        let scope = parent_scope.within(attributes);
        let mut rendered = self
            .parent()
            .map(|f| f.rendered.clone())
            .unwrap_or_default();
        if !visible {
            self.frames.push(Frame {
                scope,
                rendered,
                visible,
            });
            return;
        }
        let apex = !self.in_output();
        let mut declared: Vec<(String, String)> = Vec::new();
        for prefix in self.considered(name, attributes, &scope) {
            let uri = scope.namespace(&prefix).unwrap_or("");
            if prefix == "xml" || get(&rendered, &prefix).unwrap_or("") == uri {
                continue;
            }
            set(&mut rendered, &prefix, uri);
            declared.push((prefix, uri.to_owned()));
        }
        declared.sort();
        let mut plain: Vec<(&str, &str, &str, &str)> = attributes
            .iter()
            .filter(|a| a.name != "xmlns" && !a.name.starts_with("xmlns:"))
            .map(|a| {
                let (prefix, local) = split_name(&a.name);
                let uri = if prefix.is_empty() {
                    ""
                } else {
                    scope.namespace(prefix).unwrap_or("")
                };
                (uri, local, a.name.as_str(), a.value.as_str())
            })
            .collect();
        if apex && self.method == Method::Inclusive {
            for (inherited, value) in &scope.xml_attributes {
                if !plain.iter().any(|a| a.2 == inherited) {
                    let local = split_name(inherited).1;
                    plain.push((XML_NAMESPACE, local, inherited, value));
                }
            }
        }
        plain.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));

        self.sink.put(b"<");
        self.sink.put(name.as_bytes());
        for (prefix, uri) in &declared {
            if prefix.is_empty() {
                self.sink.put(b" xmlns=\"");
            } else {
                self.sink.put(b" xmlns:");
                self.sink.put(prefix.as_bytes());
                self.sink.put(b"=\"");
            }
            escape_attribute(&mut self.sink, uri);
            self.sink.put(b"\"");
        }
        for (_, _, qualified, value) in &plain {
            self.sink.put(b" ");
            self.sink.put(qualified.as_bytes());
            self.sink.put(b"=\"");
            escape_attribute(&mut self.sink, value);
            self.sink.put(b"\"");
        }
        self.sink.put(b">");
        self.frames.push(Frame {
            scope,
            rendered,
            visible,
        });
    }

    /// The prefixes whose declarations an element may render.
    fn considered(&self, name: &str, attributes: &[Attribute], scope: &Scope) -> Vec<String> {
        match &self.method {
            Method::Inclusive => scope.namespaces.iter().map(|(p, _)| p.clone()).collect(),
            Method::Exclusive { listed } => {
                let mut used = vec![split_name(name).0.to_owned()];
                for attribute in attributes {
                    let (prefix, _) = split_name(&attribute.name);
                    if !prefix.is_empty() && prefix != "xmlns" && attribute.name != "xmlns" {
                        used.push(prefix.to_owned());
                    }
                }
                for prefix in listed {
                    let prefix = if prefix == "#default" { "" } else { prefix };
                    if scope.namespace(prefix).is_some() {
                        used.push(prefix.to_owned());
                    }
                }
                used.sort();
                used.dedup();
                used
            }
        }
    }

    pub fn end(&mut self, name: &str) {
        if self.frames.pop().is_some_and(|frame| frame.visible) {
            self.sink.put(b"</");
            self.sink.put(name.as_bytes());
            self.sink.put(b">");
        }
        if self.frames.is_empty() {
            self.root_closed = true;
        }
    }

    pub fn text(&mut self, text: &str) {
        if self.in_output() {
            escape_text(&mut self.sink, text);
        }
    }

    pub fn comment(&mut self, text: &str) {
        if self.comments && self.outside_or_in_output() {
            self.around_root(|sink| {
                sink.put(b"<!--");
                sink.put(text.as_bytes());
                sink.put(b"-->");
            });
        }
    }

    pub fn processing_instruction(&mut self, target: &str, data: &str) {
        if self.outside_or_in_output() {
            let data = data.trim_start();
            self.around_root(|sink| {
                sink.put(b"<?");
                sink.put(target.as_bytes());
                if !data.is_empty() {
                    sink.put(b" ");
                    sink.put(data.as_bytes());
                }
                sink.put(b"?>");
            });
        }
    }

    fn outside_or_in_output(&self) -> bool {
        if self.frames.is_empty() {
            self.whole_document
        } else {
            self.in_output()
        }
    }

    /// Outside the root, a node is separated from the root by a line break.
    fn around_root(&mut self, write: impl FnOnce(&mut S)) {
        let outside = self.frames.is_empty();
        if outside && self.root_closed {
            self.sink.put(b"\n");
        }
        write(&mut self.sink);
        if outside && !self.root_closed {
            self.sink.put(b"\n");
        }
    }
}

fn escape_text<S: Sink>(sink: &mut S, text: &str) {
    escape(sink, text, |c| match c {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

fn escape_attribute<S: Sink>(sink: &mut S, value: &str) {
    escape(sink, value, |c| match c {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#x9;"),
        b'\n' => Some(b"&#xA;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

/// Writes `text` with the bytes `replace` names replaced, in runs: a base64 text of
/// megabytes goes out in one piece.
fn escape<S: Sink>(sink: &mut S, text: &str, replace: impl Fn(u8) -> Option<&'static [u8]>) {
    let bytes = text.as_bytes();
    let mut from = 0;
    for (at, byte) in bytes.iter().enumerate() {
        if let Some(replacement) = replace(*byte) {
            sink.put(&bytes[from..at]);
            sink.put(replacement);
            from = at + 1;
        }
    }
    sink.put(&bytes[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(name: &str, value: &str) -> Attribute {
        Attribute {
            name: name.into(),
            value: value.into(),
        }
    }

    fn inclusive() -> Canonicalizer<Vec<u8>> {
        Canonicalizer::document(Vec::new(), Method::Inclusive, false)
    }

    fn output(c: Canonicalizer<Vec<u8>>) -> String {
        String::from_utf8(c.finish()).unwrap_or_default()
    }

    #[test]
    fn attributes_are_sorted_by_namespace_then_name_after_the_declarations() {
        let mut c = inclusive();
        c.start(
            "e",
            &[
                attribute("b", "2"),
                attribute("p:a", "3"),
                attribute("xmlns:p", "urn:p"),
                attribute("a", "1"),
                attribute("xmlns", "urn:d"),
            ],
            true,
        );
        c.end("e");
        assert_eq!(
            output(c),
            r#"<e xmlns="urn:d" xmlns:p="urn:p" a="1" b="2" p:a="3"></e>"#
        );
    }

    #[test]
    fn a_declaration_already_in_effect_is_not_repeated_and_an_empty_default_only_undoes_one() {
        let mut c = inclusive();
        c.start("a", &[attribute("xmlns:p", "urn:p")], true);
        c.start(
            "b",
            &[attribute("xmlns:p", "urn:p"), attribute("xmlns", "")],
            true,
        );
        c.start("c", &[attribute("xmlns", "urn:d")], true);
        c.start("d", &[attribute("xmlns", "")], true);
        for name in ["d", "c", "b", "a"] {
            c.end(name);
        }
        assert_eq!(
            output(c),
            r#"<a xmlns:p="urn:p"><b><c xmlns="urn:d"><d xmlns=""></d></c></b></a>"#
        );
    }

    #[test]
    fn text_and_attribute_values_are_escaped_as_the_recommendation_says() {
        let mut c = inclusive();
        c.start("e", &[attribute("v", "a<b&\"c\"\t\n\r>")], true);
        c.text("1 < 2 & 3 > 2\r\"'");
        c.end("e");
        assert_eq!(
            output(c),
            "<e v=\"a&lt;b&amp;&quot;c&quot;&#x9;&#xA;&#xD;>\">1 &lt; 2 &amp; 3 &gt; 2&#xD;\"'</e>"
        );
    }

    #[test]
    fn an_apex_carries_what_it_inherits_inclusively_and_only_what_it_uses_exclusively() {
        let mut inherited = Scope::default().within(&[
            attribute("xmlns:p", "urn:p"),
            attribute("xmlns:q", "urn:q"),
            attribute("xml:lang", "vi"),
        ]);
        inherited = inherited.within(&[attribute("xmlns", "urn:d")]);
        let feed = |method: Method| {
            let mut c = Canonicalizer::part(Vec::new(), method, false, inherited.clone());
            c.start("q:e", &[], true);
            c.start("f", &[], true);
            c.end("f");
            c.end("q:e");
            output(c)
        };
        assert_eq!(
            feed(Method::Inclusive),
            r#"<q:e xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q" xml:lang="vi"><f></f></q:e>"#
        );
        assert_eq!(
            feed(Method::Exclusive { listed: Vec::new() }),
            r#"<q:e xmlns:q="urn:q"><f xmlns="urn:d"></f></q:e>"#
        );
        assert_eq!(
            feed(Method::Exclusive {
                listed: vec!["p".into()]
            }),
            r#"<q:e xmlns:p="urn:p" xmlns:q="urn:q"><f xmlns="urn:d"></f></q:e>"#
        );
    }

    #[test]
    fn an_element_outside_the_node_set_leaves_nothing_but_its_namespaces() {
        let mut c = inclusive();
        c.start("root", &[], true);
        c.text("\n ");
        c.start("gone", &[attribute("xmlns:p", "urn:p")], false);
        c.text("hidden");
        c.start("p:kept", &[], true);
        c.end("p:kept");
        c.end("gone");
        c.text("\n");
        c.end("root");
        assert_eq!(
            output(c),
            "<root>\n <p:kept xmlns:p=\"urn:p\"></p:kept>\n</root>"
        );
    }

    #[test]
    fn comments_and_instructions_outside_the_root_stand_on_their_own_lines() {
        let mut c = Canonicalizer::document(Vec::new(), Method::Inclusive, true);
        c.comment(" before ");
        c.processing_instruction("pi", "  data");
        c.start("r", &[], true);
        c.comment("inside");
        c.end("r");
        c.comment("after");
        assert_eq!(
            output(c),
            "<!-- before -->\n<?pi data?>\n<r><!--inside--></r>\n<!--after-->"
        );
        let mut without = inclusive();
        without.comment("gone");
        without.start("r", &[], true);
        without.comment("gone");
        without.end("r");
        assert_eq!(output(without), "<r></r>");
    }
}
