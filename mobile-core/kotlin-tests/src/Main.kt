package vn.healthbook.jvmtest

import java.io.File
import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking

/**
 * `java … vn.healthbook.jvmtest.MainKt flow|certificates|booking|book|vaccination|intake <healthbook binary> <work dir>`
 * runs the citizen, certificate, booking, health-book, vaccination or intake flow against a
 * server it starts itself (the citizen one with a population registry that knows the citizen,
 * the booking, book and vaccination ones with the demo data set, the intake one with both; the
 * vaccination one on the session's day); `bench <work dir>` measures the FFI call overhead.
 */
fun main(args: Array<String>) {
    when (args.firstOrNull()) {
        "flow", "certificates", "booking", "book", "vaccination", "intake" -> {
            val (binary, workPath) = args.drop(1).takeIf { it.size == 2 } ?: usage()
            val work = File(workPath).apply { mkdirs() }
            val extra = when (args[0]) {
                "booking", "book", "vaccination" -> listOf("--demo")
                "flow" -> listOf("--registry-csv", CitizenFlow.registry(work).path)
                "intake" -> listOf("--demo", "--registry-csv", IntakeFlow.registry(work).path)
                else -> emptyList()
            }
            val env = if (args[0] == "vaccination") VaccinationFlow.serverClock() else emptyMap()
            val server = Server(binary, File(work, "server"), origin = "http://localhost:8080", extraArgs = extra, extraEnv = env)
            val report = Report()
            try {
                server.start()
                runBlocking {
                    when (args[0]) {
                        "flow" -> CitizenFlow(server, work, report).run()
                        "certificates" -> CertificateFlow(server, work, report).run()
                        "book" -> BookFlow(server, work, report).run()
                        "vaccination" -> VaccinationFlow(server, work, report).run()
                        "intake" -> IntakeFlow(server, work, report).run()
                        else -> BookingFlow(server, work, report).run()
                    }
                }
            } finally {
                server.stop()
            }
            exitProcess(if (report.finish()) 0 else 1)
        }
        "bench" -> {
            val workPath = args.getOrNull(1) ?: usage()
            Bench.run(File(workPath).apply { mkdirs() })
        }
        else -> usage()
    }
}

private fun usage(): Nothing {
    System.err.println("usage: MainKt flow|certificates|booking|book|vaccination|intake <healthbook binary> <work dir> | bench <work dir>")
    exitProcess(2)
}
