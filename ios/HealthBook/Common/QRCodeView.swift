import HealthBookCore
import SwiftUI

/// Draws a QR code the core computed (error correction Q): black modules on white, with the
/// four-module quiet zone scanners need, in light and dark mode alike.
struct QRCodeView: View {
    let matrix: QrMatrix
    let label: LocalizedStringKey

    init(matrix: QrMatrix, label: LocalizedStringKey) {
        self.matrix = matrix
        self.label = label
    }

    /// The QR code of `text`, or nothing when it cannot be one.
    init?(text: String, label: LocalizedStringKey) {
        guard let matrix = try? qrCode(text: text) else { return nil }
        self.init(matrix: matrix, label: label)
    }

    var body: some View {
        Canvas { context, size in
            let count = Int(matrix.size)
            let module = min(size.width, size.height) / CGFloat(count + 8)
            context.fill(Path(CGRect(origin: .zero, size: size)), with: .color(.white))
            var dark = Path()
            for row in 0..<count {
                for column in 0..<count where matrix.modules[row * count + column] {
                    dark.addRect(CGRect(x: CGFloat(column + 4) * module, y: CGFloat(row + 4) * module,
                                        width: module, height: module))
                }
            }
            context.fill(dark, with: .color(.black))
        }
        .aspectRatio(1, contentMode: .fit)
        .accessibilityLabel(label)
    }
}
