package vn.healthbook.jvmtest

import java.io.File
import java.net.ServerSocket
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

/**
 * The real `healthbook` binary on a fixed local port and data directory, so that it can be
 * stopped (the phone goes offline) and started again on the same address and data.
 */
class Server(
    val binary: String,
    val dataDir: File,
    val origin: String,
    private val extraArgs: List<String> = emptyList(),
    /** Extra environment, e.g. `HEALTHBOOK_CLOCK_OFFSET` to run the server on another day. */
    private val extraEnv: Map<String, String> = emptyMap(),
) {
    val port: Int = ServerSocket(0).use { it.localPort }
    val baseUrl = "http://127.0.0.1:$port"
    private var process: Process? = null
    private val log = File(dataDir, "server.log")

    fun start() {
        dataDir.mkdirs()
        val builder = ProcessBuilder(listOf(binary, "serve", "--listen", "127.0.0.1:$port") + extraArgs)
            .directory(dataDir)
            .redirectErrorStream(true)
        builder.environment().apply {
            remove("HEALTHBOOK_CONFIG")
            remove("REDIS_URL")
            remove("SMTP_URL")
            put("HEALTHBOOK_DATA_DIR", dataDir.path)
            put("DATABASE_URL", "sqlite://${dataDir.path}/healthbook.db?mode=rwc")
            put("HEALTHBOOK_LOG_FORMAT", "json")
            put("HEALTHBOOK_LOG", "info")
            put("HEALTHBOOK_SHUTDOWN_GRACE", "5")
            put("HEALTHBOOK_WEBAUTHN_RP_ID", "localhost")
            put("HEALTHBOOK_WEBAUTHN_ORIGINS", origin)
            putAll(extraEnv)
        }
        val started = builder.start()
        process = started
        val listening = CountDownLatch(1)
        Thread {
            log.appendText("--- start\n")
            try {
                started.inputStream.bufferedReader().forEachLine { line ->
                    log.appendText(line + "\n")
                    if (line.contains("\"listening\"")) listening.countDown()
                }
            } catch (_: java.io.IOException) {
                // The process was stopped: its output ends here.
            }
        }.apply { isDaemon = true }.start()
        if (!listening.await(60, TimeUnit.SECONDS)) {
            started.destroyForcibly()
            throw IllegalStateException("healthbook did not start listening; see $log")
        }
    }

    /**
     * Runs a `healthbook` command against a data directory (this server's by default) and
     * returns what it printed; the database is the directory's own SQLite file.
     */
    fun command(vararg args: String, dir: File = dataDir): String {
        val builder = ProcessBuilder(listOf(binary) + args + listOf("--data-dir", dir.path))
            .directory(dir)
        builder.environment().apply {
            remove("HEALTHBOOK_CONFIG")
            remove("DATABASE_URL")
            remove("REDIS_URL")
        }
        val process = builder.start()
        var stderr = ""
        val errors = Thread { stderr = process.errorStream.bufferedReader().readText() }.apply { start() }
        val output = process.inputStream.bufferedReader().readText()
        errors.join()
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw IllegalStateException("healthbook ${args.first()} failed: ${stderr.takeLast(2000)}")
        }
        return output
    }

    /**
     * A JSON POST straight to the API, for what a test does as someone other than the phone
     * (another device asking to recover the account); returns the status and the body.
     */
    fun post(path: String, json: String): Pair<Int, String> {
        val request = HttpRequest.newBuilder(URI.create("$baseUrl$path"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build()
        val response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body()
    }

    /**
     * A JSON request straight to the API as someone other than the phone (a doctor of a
     * facility), with their bearer token; returns the status and the body.
     */
    fun call(method: String, path: String, token: String?, json: String? = null): Pair<Int, String> =
        send(method, path, token, json, "application/json")

    /** A request with a body of [contentType] (a facility system's XML, say). */
    fun send(method: String, path: String, token: String?, body: String?, contentType: String): Pair<Int, String> {
        val builder = HttpRequest.newBuilder(URI.create("$baseUrl$path"))
            .header("Accept", "application/json")
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(it) } ?: HttpRequest.BodyPublishers.noBody())
        if (body != null) builder.header("Content-Type", contentType)
        if (token != null) builder.header("Authorization", "Bearer $token")
        val response = HttpClient.newHttpClient().send(builder.build(), HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body()
    }

    fun stop() {
        val running = process ?: return
        running.destroy() // SIGTERM: a graceful shutdown, as in production
        if (!running.waitFor(30, TimeUnit.SECONDS)) running.destroyForcibly().waitFor()
        process = null
    }
}
