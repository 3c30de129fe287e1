package vn.healthbook.app.platform

import android.content.Context
import com.google.mlkit.vision.barcode.common.Barcode
import com.google.mlkit.vision.codescanner.GmsBarcodeScannerOptions
import com.google.mlkit.vision.codescanner.GmsBarcodeScanning
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlinx.coroutines.suspendCancellableCoroutine

/**
 * Reads one QR code with the camera and returns its text, or null when the person backs
 * out. The certificates screen only knows this interface; verification happens in the core.
 */
interface QrScanner {
    suspend fun scan(): String?
}

/**
 * Google's code scanner (Play services): the system draws the camera screen, so the app
 * needs no camera permission and never sees the frames. Devices without Play services (or
 * builds that must not depend on it) swap in a CameraX + ML Kit bundled implementation of
 * [QrScanner]; pasting the `HC1:` text works everywhere.
 */
class GmsQrScanner(private val context: Context) : QrScanner {
    override suspend fun scan(): String? {
        val options = GmsBarcodeScannerOptions.Builder()
            .setBarcodeFormats(Barcode.FORMAT_QR_CODE)
            .build()
        val scanner = GmsBarcodeScanning.getClient(context, options)
        return suspendCancellableCoroutine { continuation ->
            scanner.startScan()
                .addOnSuccessListener { barcode -> continuation.resume(barcode.rawValue) }
                .addOnCanceledListener { continuation.resume(null) }
                .addOnFailureListener { error -> continuation.resumeWithException(error) }
        }
    }
}
