//! The typeface the documents are set in (Noto Sans, regular and bold, under the SIL Open Font
//! Licence: `server/assets/fonts/OFL.txt`) and what one document uses of it.
//!
//! Text is written as glyph ids through a Type 0 (CID) font: only the glyphs a document uses
//! are embedded, and a ToUnicode map turns them back into the characters they stand for, so
//! copying or searching the text gives the Vietnamese as it was written.

use super::PdfError;
use super::writer::{Refs, deflate};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Name, Pdf, Rect, Ref, Str};
use std::collections::BTreeMap;
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Bold.ttf");

/// One face and the glyphs a document has drawn with it.
pub(super) struct Font {
    data: &'static [u8],
    face: Face<'static>,
    postscript_name: &'static str,
    /// Old glyph id → the id in the embedded subset, which is also the CID drawn.
    glyphs: GlyphRemapper,
    /// Subset id → the character it was drawn for, for the ToUnicode map.
    characters: BTreeMap<u16, char>,
}

impl Font {
    pub(super) fn regular() -> Result<Font, PdfError> {
        Font::load(REGULAR, "NotoSans-Regular")
    }

    pub(super) fn bold() -> Result<Font, PdfError> {
        Font::load(BOLD, "NotoSans-Bold")
    }

    fn load(data: &'static [u8], postscript_name: &'static str) -> Result<Font, PdfError> {
        Ok(Font {
            data,
            face: Face::parse(data, 0)?,
            postscript_name,
            glyphs: GlyphRemapper::new(),
            characters: BTreeMap::new(),
        })
    }

    /// The glyph for `c` and what it reads back as: a character the font lacks is drawn as
    /// the empty box of glyph 0 and reads back as U+FFFD, never as some other character.
    fn glyph(&self, c: char) -> (GlyphId, char) {
        match self.face.glyph_index(c) {
            Some(glyph) => (glyph, c),
            None => (GlyphId(0), char::REPLACEMENT_CHARACTER),
        }
    }

    fn units_per_em(&self) -> f32 {
        f32::from(self.face.units_per_em())
    }

    /// The advance of `text` at `size` points, glyph by glyph (the font's kerning is not
    /// applied when drawing either, so measure and drawing agree).
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| u32::from(self.face.glyph_hor_advance(self.glyph(c).0).unwrap_or(0)))
            .sum();
        units as f32 * size / self.units_per_em()
    }

    /// The bytes of a text-showing operator for `text`: two-byte CIDs, recorded as used.
    pub(super) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (glyph, stands_for) = self.glyph(c);
            let cid = self.glyphs.remap(glyph.0);
            self.characters.entry(cid).or_insert(stands_for);
            bytes.extend_from_slice(&cid.to_be_bytes());
        }
        bytes
    }

    /// Writes the font, its descendant, descriptor, subset and ToUnicode map; `id` is the
    /// reference the pages' resources already point to.
    pub(super) fn write(&self, pdf: &mut Pdf, refs: &mut Refs, id: Ref) -> Result<(), PdfError> {
        let cid_font = refs.next();
        let descriptor = refs.next();
        let to_unicode = refs.next();
        let font_file = refs.next();

        let base_name = format!("{}+{}", self.subset_tag(), self.postscript_name);
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        pdf.type0_font(id)
            .base_font(Name(base_name.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_font)
            .to_unicode(to_unicode);

        let scale = 1000.0 / self.units_per_em();
        let mut cid = pdf.cid_font(cid_font);
        cid.subtype(CidFontType::Type2)
            .base_font(Name(base_name.as_bytes()))
            .system_info(system_info)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let advances: Vec<f32> = self
            .glyphs
            .remapped_gids()
            .map(|old| f32::from(self.face.glyph_hor_advance(GlyphId(old)).unwrap_or(0)) * scale)
            .collect();
        cid.widths().consecutive(0, advances);
        drop(cid);

        let bbox = self.face.global_bounding_box();
        let italic = self.face.italic_angle();
        let mut flags = FontFlags::SYMBOLIC;
        flags.set(FontFlags::ITALIC, italic != 0.0);
        flags.set(FontFlags::FIXED_PITCH, self.face.is_monospaced());
        let weight = f32::from(self.face.weight().to_number());
        pdf.font_descriptor(descriptor)
            .name(Name(base_name.as_bytes()))
            .flags(flags)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(italic)
            .ascent(f32::from(self.face.ascender()) * scale)
            .descent(f32::from(self.face.descender()) * scale)
            .cap_height(
                f32::from(self.face.capital_height().unwrap_or(self.face.ascender())) * scale,
            )
            // The usual estimate from the weight class: PDF readers only use it as a hint.
            .stem_v(10.0 + 0.244 * (weight - 50.0))
            .font_file2(font_file);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (&cid, &c) in &self.characters {
            cmap.pair(cid, c);
        }
        let cmap = deflate(&cmap.finish())?;
        pdf.stream(to_unicode, &cmap).filter(Filter::FlateDecode);

        let subset = subsetter::subset(self.data, 0, &self.glyphs)?;
        let compressed = deflate(&subset)?;
        let length = i32::try_from(subset.len()).unwrap_or(i32::MAX);
        pdf.stream(font_file, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), length);
        Ok(())
    }

    /// Six capitals derived from the glyphs used: the same subset always gets the same name,
    /// and two different subsets in one reader's cache do not collide.
    fn subset_tag(&self) -> String {
        let hash = self
            .glyphs
            .remapped_gids()
            .fold(0xcbf2_9ce4_8422_2325_u64, |hash, glyph| {
                (hash ^ u64::from(glyph)).wrapping_mul(0x0100_0000_01b3)
            });
        (0..6)
            .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
            .collect()
    }
}
