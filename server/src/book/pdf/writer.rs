//! The PDF file around the laid-out pages: catalog, page tree, fonts, document information.

use super::PdfError;
use super::font::Font;
use chrono::{DateTime, Datelike, Timelike, Utc};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use healthbook_domain::Lang;
use pdf_writer::{Date, Filter, Name, Pdf, Rect, Ref, TextStr};
use std::io::Write;

/// A4 in points.
pub(super) const PAGE_WIDTH: f32 = 595.28;
pub(super) const PAGE_HEIGHT: f32 = 841.89;

pub(super) const REGULAR_NAME: Name<'static> = Name(b"F1");
pub(super) const BOLD_NAME: Name<'static> = Name(b"F2");

/// Hands out object numbers in order.
pub(super) struct Refs(i32);

impl Refs {
    pub(super) fn new() -> Refs {
        Refs(1)
    }

    pub(super) fn next(&mut self) -> Ref {
        let id = Ref::new(self.0);
        self.0 += 1;
        id
    }
}

pub(super) fn deflate(data: &[u8]) -> Result<Vec<u8>, PdfError> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(data.len() / 2), Compression::best());
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

pub(super) struct Metadata<'a> {
    pub title: &'a str,
    pub lang: Lang,
    pub generated_at: DateTime<Utc>,
}

/// Writes the document: `pages` are finished content streams, drawn with the two fonts.
pub(super) fn assemble(
    pages: &[Vec<u8>],
    regular: &Font,
    bold: &Font,
    metadata: &Metadata<'_>,
) -> Result<Vec<u8>, PdfError> {
    let mut refs = Refs::new();
    let catalog = refs.next();
    let page_tree = refs.next();
    let info = refs.next();
    let regular_id = refs.next();
    let bold_id = refs.next();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog)
        .pages(page_tree)
        .lang(TextStr(metadata.lang.code()));

    let mut page_ids = Vec::with_capacity(pages.len());
    for content in pages {
        let page_id = refs.next();
        let content_id = refs.next();
        page_ids.push(page_id);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(page_tree)
            .contents(content_id);
        page.resources()
            .fonts()
            .pair(REGULAR_NAME, regular_id)
            .pair(BOLD_NAME, bold_id);
        drop(page);
        pdf.stream(content_id, &deflate(content)?)
            .filter(Filter::FlateDecode);
    }
    let count = i32::try_from(page_ids.len()).unwrap_or(i32::MAX);
    pdf.pages(page_tree).kids(page_ids).count(count);

    regular.write(&mut pdf, &mut refs, regular_id)?;
    bold.write(&mut pdf, &mut refs, bold_id)?;

    pdf.document_info(info)
        .title(TextStr(metadata.title))
        .producer(TextStr("HealthBook"))
        .creation_date(pdf_date(metadata.generated_at));
    Ok(pdf.finish())
}

fn pdf_date(at: DateTime<Utc>) -> Date {
    let narrow = |value: u32| u8::try_from(value).unwrap_or(0);
    Date::new(u16::try_from(at.year()).unwrap_or(0))
        .month(narrow(at.month()))
        .day(narrow(at.day()))
        .hour(narrow(at.hour()))
        .minute(narrow(at.minute()))
        .second(narrow(at.second()))
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}
