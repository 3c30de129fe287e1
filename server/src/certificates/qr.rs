//! QR codes of `HC1:` texts: PNG and SVG at error correction level Q, as DCC apps expect,
//! and reading one back from an image (for `certs verify` on a picture of a QR code).
//!
//! The `HC1:` text is all QR alphanumeric characters (Base45 was chosen for that), so the
//! encoder's alphanumeric mode packs it at 5.5 bits a character.

use image::{ImageFormat, Luma};
use qrcode::{EcLevel, QrCode};
use std::io::Cursor;
use thiserror::Error;

/// Pixels per QR module in a PNG unless the caller asks otherwise.
pub const DEFAULT_MODULE_SIZE: u32 = 6;

#[derive(Debug, Error)]
pub enum QrError {
    #[error("the text does not fit in a QR code: {0}")]
    Encode(#[from] qrcode::types::QrError),
    #[error("writing or reading the image failed: {0}")]
    Image(#[from] image::ImageError),
    #[error("no readable QR code in the image")]
    NotFound,
    #[error("the QR code could not be read: {0}")]
    Decode(String),
}

fn code(text: &str) -> Result<QrCode, QrError> {
    Ok(QrCode::with_error_correction_level(
        text.as_bytes(),
        EcLevel::Q,
    )?)
}

/// A PNG, black on white, with the standard quiet zone of four modules.
pub fn png(text: &str, module_size: u32) -> Result<Vec<u8>, QrError> {
    let image = code(text)?
        .render::<Luma<u8>>()
        .module_dimensions(module_size.max(1), module_size.max(1))
        .quiet_zone(true)
        .build();
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, ImageFormat::Png)?;
    Ok(bytes.into_inner())
}

/// An SVG document of the same code; it scales without loss.
pub fn svg(text: &str, module_size: u32) -> Result<String, QrError> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(module_size.max(1), module_size.max(1))
        .quiet_zone(true)
        .build())
}

/// The text of the first QR code found in a PNG image.
pub fn read(image_bytes: &[u8]) -> Result<String, QrError> {
    let image = image::load_from_memory(image_bytes)?.to_luma8();
    let (width, height) = image.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(width as usize, height as usize, |x, y| {
            image
                .get_pixel_checked(x as u32, y as u32)
                .map_or(255, |pixel| pixel.0[0])
        });
    let grids = prepared.detect_grids();
    let grid = grids.first().ok_or(QrError::NotFound)?;
    let (_, content) = grid
        .decode()
        .map_err(|error| QrError::Decode(error.to_string()))?;
    Ok(content)
}

/// Whether these bytes look like a PNG image rather than text.
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQGRJPC%OQHIZC4.OI1RM8ZA.A5:S9MKN4NN3F85QNCY0O%0VZ001HOC9JU0D0HT0HB2PL/IB*09B9LW4T*8+DCMH0LDK2%K:XFE70*LP$V25$0Q:J:4MO1P0%0L0HD+9E/HY+4J6TH48S%4K.GJ2PT3QY:GQ3TE2I+-CPHN6D7LLK*2HG%89UV-0LZ 2ZJJ524-LH/CJTK96L6SR9MU9DHGZ%P WUQRENS431T1XCNCF+47AY0-IFO0500TGPN8F5G.41Q2E4T8ALW.INSV$ 07UV5SR+BNQHNML7 /KD3TU 4V*CAT3ZGLQMI/XI%ZJNSBBXK2:UG%UJMI:TU+MMPZ5$/PMX19UE:-PSR3/$NU44CBE6DQ3D7B0FBOFX0DV2DGMB$YPF62I$60/F$Z2I6IFX21XNI-LM%3/DF/U6Z9FEOJVRLVW6K$UG+BKK57:1+D10%4K83F+1VWD1NE";

    #[test]
    fn a_png_reads_back_to_the_same_text() {
        let png = png(TEXT, DEFAULT_MODULE_SIZE).unwrap();
        assert!(is_png(&png));
        assert_eq!(read(&png).unwrap(), TEXT);
    }

    #[test]
    fn the_code_uses_error_correction_level_q() {
        assert_eq!(code(TEXT).unwrap().error_correction_level(), EcLevel::Q);
        let svg = svg(TEXT, 4).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
    }

    #[test]
    fn an_image_without_a_code_is_named_so() {
        let blank = image::GrayImage::from_pixel(64, 64, Luma([255]));
        let mut bytes = Cursor::new(Vec::new());
        blank.write_to(&mut bytes, ImageFormat::Png).unwrap();
        assert!(matches!(read(&bytes.into_inner()), Err(QrError::NotFound)));
    }
}
