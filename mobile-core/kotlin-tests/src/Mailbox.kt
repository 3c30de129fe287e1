package vn.healthbook.jvmtest

import java.io.File
import java.util.Base64

/**
 * Reads the mail the server wrote with its file transport (the `.eml` files of its mail
 * folder): enough MIME to find a one-time code in a text part, whatever its encoding.
 */
class Mailbox(private val dir: File) {
    private val seen = mutableSetOf<String>()

    /** Marks every mail already there as read, so that [nextCode] waits for a new one. */
    fun skipExisting() {
        dir.listFiles()?.forEach { seen.add(it.name) }
    }

    /** The first 6-digit code of the next new mail to [recipient]. */
    fun nextCode(recipient: String, timeoutMillis: Long = 20_000): String {
        val deadline = System.currentTimeMillis() + timeoutMillis
        while (System.currentTimeMillis() < deadline) {
            val fresh = dir.listFiles { f -> f.name.endsWith(".eml") && f.name !in seen }
                ?.sortedBy { it.lastModified() }
                .orEmpty()
            for (file in fresh) {
                seen.add(file.name)
                val message = file.readText()
                if (!headers(message).lines().any { it.startsWith("To:", true) && it.contains(recipient, true) }) continue
                val code = Regex("(?<!\\d)\\d{6}(?!\\d)").find(textOf(message))?.value
                if (code != null) return code
            }
            Thread.sleep(100)
        }
        throw CheckFailed("no mail with a code to $recipient within ${timeoutMillis / 1000} s")
    }

    private fun headers(message: String) = message.substringBefore("\r\n\r\n").substringBefore("\n\n")

    /** The decoded text of every `text/plain` part (or the whole body when not multipart). */
    private fun textOf(message: String): String {
        val normalised = message.replace("\r\n", "\n")
        val head = normalised.substringBefore("\n\n")
        val body = normalised.substringAfter("\n\n")
        val boundary = Regex("boundary=\"?([^\";\n]+)\"?", RegexOption.IGNORE_CASE).find(unfold(head))?.groupValues?.get(1)
            ?: return decode(head, body)
        return body.split("--$boundary").joinToString("\n") { part -> textOf(part.trimStart('\n')) }
    }

    private fun decode(head: String, body: String): String {
        val headers = unfold(head).lowercase()
        return when {
            "base64" in headers -> String(Base64.getMimeDecoder().decode(body.trim()), Charsets.UTF_8)
            "quoted-printable" in headers -> quotedPrintable(body)
            else -> body
        }
    }

    private fun unfold(head: String) = head.replace(Regex("\n[ \t]+"), " ")

    private fun quotedPrintable(text: String): String {
        val bytes = java.io.ByteArrayOutputStream()
        val soft = text.replace("=\n", "")
        var i = 0
        while (i < soft.length) {
            val c = soft[i]
            if (c == '=' && i + 2 < soft.length) {
                bytes.write(soft.substring(i + 1, i + 3).toInt(16)); i += 3
            } else {
                bytes.write(c.toString().toByteArray(Charsets.UTF_8)); i++
            }
        }
        return bytes.toString(Charsets.UTF_8)
    }
}
