package vn.healthbook.app.ui.common

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import vn.healthbook.core.QrMatrix
import vn.healthbook.core.qrCode

/**
 * Draws a QR code the core computed (error correction Q): black modules on white, with the
 * four-module quiet zone scanners need, whatever the theme.
 */
@Composable
fun QrImage(matrix: QrMatrix, description: String, modifier: Modifier = Modifier) {
    val size = matrix.size.toInt()
    Canvas(
        modifier
            .fillMaxWidth()
            .aspectRatio(1f)
            .background(Color.White)
            .padding(8.dp)
            .semantics { contentDescription = description },
    ) {
        val module = this.size.minDimension / (size + 8)
        for (row in 0 until size) {
            for (column in 0 until size) {
                if (matrix.modules[row * size + column]) {
                    drawRect(
                        Color.Black,
                        topLeft = Offset((column + 4) * module, (row + 4) * module),
                        size = Size(module, module),
                    )
                }
            }
        }
    }
}

/** The QR code of [text], or nothing when it cannot be one. */
@Composable
fun QrImage(text: String, description: String, modifier: Modifier = Modifier) {
    val matrix = remember(text) { runCatching { qrCode(text) }.getOrNull() } ?: return
    QrImage(matrix, description, modifier)
}
