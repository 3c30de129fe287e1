package vn.healthbook.jvmtest

import java.io.File

/**
 * Which of [texts] can be read in the store's file or in its write-ahead log, as UTF-8 —
 * what anyone holding a copy of the file, without the platform's keystore, would see.
 */
fun readableInStore(store: File, texts: List<String>): List<String> {
    val files = listOf(store, File(store.path + "-wal")).filter { it.exists() }
    val contents = files.map { it.readBytes() }
    return texts.filter { text ->
        val needle = text.toByteArray(Charsets.UTF_8)
        contents.any { bytes -> bytes.indexOf(needle) >= 0 }
    }
}

private fun ByteArray.indexOf(needle: ByteArray): Int {
    outer@ for (start in 0..size - needle.size) {
        for (i in needle.indices) {
            if (this[start + i] != needle[i]) continue@outer
        }
        return start
    }
    return -1
}
