//! Text flowing down A4 pages: paragraphs wrapped to the width, label–value rows, tables that
//! repeat their header on a new page, and a footer with "page n of N" added once the number
//! of pages is known.

use super::PdfError;
use super::font::Font;
use super::format::clean;
use super::writer::{self, BOLD_NAME, Metadata, PAGE_HEIGHT, PAGE_WIDTH, REGULAR_NAME};
use pdf_writer::{Content, Str};

const MARGIN_X: f32 = 50.0;
const MARGIN_TOP: f32 = 50.0;
/// Room below the text for the footer.
const MARGIN_BOTTOM: f32 = 62.0;
const FOOTER_BASELINE: f32 = 34.0;
const LEADING: f32 = 1.3;
const LABEL_WIDTH: f32 = 150.0;
const CELL_PADDING: f32 = 3.0;

const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
const TOP: f32 = PAGE_HEIGHT - MARGIN_TOP;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Weight {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Style {
    pub weight: Weight,
    pub size: f32,
    pub color: [f32; 3],
}

const BLACK: [f32; 3] = [0.0, 0.0, 0.0];
const GREY: [f32; 3] = [0.38, 0.38, 0.38];
const BLUE: [f32; 3] = [0.05, 0.25, 0.45];
const RED: [f32; 3] = [0.72, 0.08, 0.08];

impl Style {
    pub const TITLE: Style = Style::bold(17.0, BLUE);
    pub const SECTION: Style = Style::bold(13.0, BLUE);
    pub const SUBSECTION: Style = Style::bold(10.5, BLACK);
    pub const ENTRY: Style = Style::bold(10.0, BLACK);
    pub const BODY: Style = Style::regular(9.5, BLACK);
    pub const LABEL: Style = Style::regular(9.5, GREY);
    pub const SMALL: Style = Style::regular(7.5, GREY);
    pub const TABLE: Style = Style::regular(8.0, BLACK);
    pub const TABLE_HEAD: Style = Style::bold(8.0, BLACK);
    /// Entered in error.
    pub const WARNING: Style = Style::bold(8.5, RED);
    /// Corrected, self-reported.
    pub const NOTICE: Style = Style::bold(8.5, BLUE);

    const fn regular(size: f32, color: [f32; 3]) -> Style {
        Style {
            weight: Weight::Regular,
            size,
            color,
        }
    }

    const fn bold(size: f32, color: [f32; 3]) -> Style {
        Style {
            weight: Weight::Bold,
            size,
            color,
        }
    }

    pub const fn sized(self, size: f32) -> Style {
        Style { size, ..self }
    }

    fn line_height(self) -> f32 {
        self.size * LEADING
    }
}

/// One cell of a table: paragraphs, each in its own style.
pub(super) struct Cell {
    pub parts: Vec<(String, Style)>,
    /// Drawn struck through (an entry entered in error).
    pub struck: bool,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell {
            parts: vec![(text.into(), Style::TABLE)],
            struck: false,
        }
    }
}

pub(super) struct Column {
    pub title: String,
    /// A share of the width; the shares of a table add up to 1.
    pub share: f32,
}

/// Where a table runs across the page.
#[derive(Clone, Copy)]
struct Span {
    x: f32,
    width: f32,
}

/// The document being laid out, page by page.
pub(super) struct Flow {
    regular: Font,
    bold: Font,
    pages: Vec<Content>,
    /// Where the free space of the current page begins, from the bottom of the page.
    top: f32,
    /// Whether text drawn now is struck through.
    struck: bool,
}

impl Flow {
    pub fn new() -> Result<Flow, PdfError> {
        Ok(Flow {
            regular: Font::regular()?,
            bold: Font::bold()?,
            pages: vec![Content::new()],
            top: TOP,
            struck: false,
        })
    }

    /// Draws what follows struck through, or stops doing so.
    pub fn strike(&mut self, struck: bool) {
        self.struck = struck;
    }

    fn font(&self, weight: Weight) -> &Font {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    pub(super) fn width_of(&self, text: &str, style: Style) -> f32 {
        self.font(style.weight).width(text, style.size)
    }

    /// Breaks text into lines no wider than `width`: at spaces, and inside a word only when
    /// the word alone is wider than the line. Line breaks in the text are kept.
    pub(super) fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in clean(text).split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width_of(&candidate, style) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    line.push(c);
                    if self.width_of(&line, style) > width && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.top = TOP;
    }

    /// Starts a new page unless `height` still fits on this one (or this one is empty).
    fn ensure(&mut self, height: f32) {
        if self.top - height < MARGIN_BOTTOM && self.top < TOP {
            self.new_page();
        }
    }

    fn draw(&mut self, x: f32, baseline: f32, line: &str, style: Style, struck: bool) {
        if line.is_empty() {
            return;
        }
        let (name, font) = match style.weight {
            Weight::Regular => (REGULAR_NAME, &mut self.regular),
            Weight::Bold => (BOLD_NAME, &mut self.bold),
        };
        let glyphs = font.encode(line);
        let width = font.width(line, style.size);
        let [r, g, b] = style.color;
        let Some(content) = self.pages.last_mut() else {
            return;
        };
        content
            .set_fill_rgb(r, g, b)
            .begin_text()
            .set_font(name, style.size)
            .next_line(x, baseline)
            .show(Str(&glyphs))
            .end_text();
        if struck {
            let y = baseline + style.size * 0.3;
            content
                .set_stroke_rgb(r, g, b)
                .set_line_width(style.size * 0.07)
                .move_to(x, y)
                .line_to(x + width, y)
                .stroke();
        }
    }

    fn horizontal_line(&mut self, x: f32, y: f32, width: f32, grey: f32) {
        if let Some(content) = self.pages.last_mut() {
            content
                .set_stroke_gray(grey)
                .set_line_width(0.5)
                .move_to(x, y)
                .line_to(x + width, y)
                .stroke();
        }
    }

    /// Lines of text at `indent` from the left margin, wrapped to the rest of the width.
    pub fn paragraph(&mut self, indent: f32, text: &str, style: Style) {
        for line in self.wrap(text, style, CONTENT_WIDTH - indent) {
            self.ensure(style.line_height());
            let baseline = self.top - style.size;
            self.draw(MARGIN_X + indent, baseline, &line, style, self.struck);
            self.top -= style.line_height();
        }
    }

    /// A heading, moved to the next page with `keep` points of what follows rather than
    /// left alone at the bottom of one.
    pub fn heading(&mut self, text: &str, style: Style, keep: f32) {
        let lines = self.wrap(text, style, CONTENT_WIDTH).len() as f32;
        self.ensure(lines * style.line_height() + keep);
        let struck = std::mem::replace(&mut self.struck, false);
        self.paragraph(0.0, text, style);
        self.struck = struck;
    }

    /// A label and its value side by side; a long value goes on over the following lines
    /// (and pages).
    pub fn field(&mut self, indent: f32, label: &str, value: &str) {
        let style = Style::BODY;
        let labels = self.wrap(label, Style::LABEL, LABEL_WIDTH - 8.0);
        let values = self.wrap(value, style, CONTENT_WIDTH - indent - LABEL_WIDTH);
        for i in 0..labels.len().max(values.len()) {
            self.ensure(style.line_height());
            let baseline = self.top - style.size;
            if let Some(line) = labels.get(i) {
                self.draw(MARGIN_X + indent, baseline, line, Style::LABEL, false);
            }
            if let Some(line) = values.get(i) {
                let x = MARGIN_X + indent + LABEL_WIDTH;
                self.draw(x, baseline, line, style, self.struck);
            }
            self.top -= style.line_height();
        }
    }

    pub fn gap(&mut self, height: f32) {
        self.top -= height;
    }

    pub fn rule(&mut self) {
        self.ensure(8.0);
        self.top -= 4.0;
        self.horizontal_line(MARGIN_X, self.top, CONTENT_WIDTH, 0.6);
        self.top -= 4.0;
    }

    /// A table at `indent` from the left margin; its header is drawn again at the top of
    /// each page it continues on.
    pub fn table(&mut self, indent: f32, columns: &[Column], rows: &[Vec<Cell>]) {
        let table = Span {
            x: MARGIN_X + indent,
            width: CONTENT_WIDTH - indent,
        };
        let widths: Vec<f32> = columns.iter().map(|c| c.share * table.width).collect();
        let header: Vec<Cell> = columns
            .iter()
            .map(|c| Cell {
                parts: vec![(c.title.clone(), Style::TABLE_HEAD)],
                struck: false,
            })
            .collect();
        let header_height = self.row_height(&header, &widths);
        let first_row = rows
            .first()
            .map_or(0.0, |row| self.row_height(row, &widths));
        self.ensure(header_height + first_row);
        self.row(table, &header, &widths, header_height, true);
        for cells in rows {
            let height = self.row_height(cells, &widths);
            if self.top - height < MARGIN_BOTTOM {
                self.new_page();
                self.row(table, &header, &widths, header_height, true);
            }
            self.row(table, cells, &widths, height, false);
        }
    }

    /// Each cell's lines with their style, wrapped to the column.
    fn cell_lines(&self, cell: &Cell, width: f32) -> Vec<(String, Style)> {
        cell.parts
            .iter()
            .flat_map(|(text, style)| {
                self.wrap(text, *style, width - 2.0 * CELL_PADDING)
                    .into_iter()
                    .map(|line| (line, *style))
            })
            .collect()
    }

    fn row_height(&self, cells: &[Cell], widths: &[f32]) -> f32 {
        cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| {
                self.cell_lines(cell, *width)
                    .iter()
                    .map(|(_, style)| style.line_height())
                    .sum::<f32>()
            })
            .fold(0.0, f32::max)
            + 2.0 * CELL_PADDING
    }

    fn row(&mut self, table: Span, cells: &[Cell], widths: &[f32], height: f32, header: bool) {
        if header && let Some(content) = self.pages.last_mut() {
            content
                .set_fill_gray(0.9)
                .rect(table.x, self.top - height, table.width, height)
                .fill_nonzero();
        }
        let mut x = table.x;
        for (cell, width) in cells.iter().zip(widths) {
            let mut top = self.top - CELL_PADDING;
            for (line, style) in self.cell_lines(cell, *width) {
                let baseline = top - style.size;
                let struck = cell.struck || (self.struck && !header);
                self.draw(x + CELL_PADDING, baseline, &line, style, struck);
                top -= style.line_height();
            }
            x += width;
        }
        self.top -= height;
        self.horizontal_line(table.x, self.top, table.width, 0.75);
    }

    /// Adds the footer to every page (`left` on each, and the page's number of `count`
    /// from `numbering`) and writes the file.
    pub fn finish(
        mut self,
        left: &str,
        numbering: impl Fn(usize, usize) -> String,
        metadata: &Metadata<'_>,
    ) -> Result<Vec<u8>, PdfError> {
        let count = self.pages.len();
        let left = clean(left).replace('\n', " ");
        let mut finished = Vec::with_capacity(count);
        let pages = std::mem::take(&mut self.pages);
        for (index, content) in pages.into_iter().enumerate() {
            self.pages.push(content);
            let number = clean(&numbering(index + 1, count));
            let style = Style::SMALL;
            self.horizontal_line(MARGIN_X, FOOTER_BASELINE + 10.0, CONTENT_WIDTH, 0.75);
            self.draw(MARGIN_X, FOOTER_BASELINE, &left, style, false);
            let x = PAGE_WIDTH - MARGIN_X - self.width_of(&number, style);
            self.draw(x, FOOTER_BASELINE, &number, style, false);
            if let Some(content) = self.pages.pop() {
                finished.push(content.finish().to_vec());
            }
        }
        writer::assemble(&finished, &self.regular, &self.bold, metadata)
    }
}
