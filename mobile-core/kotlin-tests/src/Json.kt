package vn.healthbook.jvmtest

/**
 * Just enough JSON reading for what a flow does over plain HTTP (a staff member's sign-in):
 * a member's string value, or a member's object as its JSON text. The JVM test classpath
 * holds no JSON library, and these answers are the server's own, small and well formed.
 */
object Json {
    fun string(body: String, name: String): String =
        Regex("\"${Regex.escape(name)}\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").find(body)?.groupValues?.get(1)
            ?: throw CheckFailed("no string \"$name\" in ${body.take(300)}")

    /** The object value of the first member called [name], braces matched outside strings. */
    fun obj(body: String, name: String): String {
        val key = Regex("\"${Regex.escape(name)}\"\\s*:\\s*\\{").find(body)
            ?: throw CheckFailed("no object \"$name\" in ${body.take(300)}")
        val start = key.range.last
        var depth = 0
        var inString = false
        var escaped = false
        for (i in start until body.length) {
            val c = body[i]
            when {
                escaped -> escaped = false
                inString && c == '\\' -> escaped = true
                c == '"' -> inString = !inString
                !inString && c == '{' -> depth++
                !inString && c == '}' -> {
                    depth--
                    if (depth == 0) return body.substring(start, i + 1)
                }
            }
        }
        throw CheckFailed("unbalanced object \"$name\"")
    }
}
