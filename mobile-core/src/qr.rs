//! QR codes drawn by the apps from a matrix the core computes, so that Android and iOS show
//! the same code with the same error correction: level Q, as the DCC specification asks of
//! certificate QR codes, used for appointment codes too.

use qrcode::{Color, EcLevel, QrCode};

/// A square of modules, row by row; `true` is dark. The app draws each module as a square
/// and leaves a quiet zone of four modules around it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrMatrix {
    /// Modules per side.
    pub size: u32,
    /// `size * size` modules, the first row first.
    pub modules: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum QrError {
    /// More than a QR code holds at level Q.
    #[error("the text is too long for a QR code")]
    TooLong,
}

/// The QR code of `text` (an `HC1:` certificate, or an appointment's `HBAPPT:` code).
#[uniffi::export]
pub fn qr_code(text: String) -> Result<QrMatrix, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q)
        .map_err(|_| QrError::TooLong)?;
    Ok(QrMatrix {
        size: u32::try_from(code.width()).map_err(|_| QrError::TooLong)?,
        modules: code
            .to_colors()
            .into_iter()
            .map(|color| color == Color::Dark)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draws the matrix with a quiet zone, as an app would, and reads it back.
    fn read(matrix: &QrMatrix) -> String {
        let scale = 4usize;
        let quiet = 4usize;
        let size = matrix.size as usize;
        let side = (size + 2 * quiet) * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (mx, my) = (x / scale, y / scale);
            let dark = mx >= quiet
                && my >= quiet
                && mx < quiet + size
                && my < quiet + size
                && matrix.modules[(my - quiet) * size + (mx - quiet)];
            if dark { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        let (_, content) = grids[0].decode().unwrap();
        content
    }

    #[test]
    fn an_appointment_code_reads_back() {
        let matrix = qr_code("HBAPPT:7KQM2X9DH4TAR".to_owned()).unwrap();
        assert_eq!(matrix.modules.len(), (matrix.size * matrix.size) as usize);
        assert_eq!(read(&matrix), "HBAPPT:7KQM2X9DH4TAR");
    }

    #[test]
    fn a_text_longer_than_any_qr_code_is_refused() {
        assert_eq!(qr_code("A".repeat(5000)), Err(QrError::TooLong));
    }
}
