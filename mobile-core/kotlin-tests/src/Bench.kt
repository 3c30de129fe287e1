package vn.healthbook.jvmtest

import java.io.File
import vn.healthbook.core.ClientConfig
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.coreVersion
import vn.healthbook.domain.Lang

/** The cost of crossing the boundary for a call that does no work on either side. */
object Bench {
    fun run(work: File) {
        val client = HealthBookClient(
            ClientConfig("http://127.0.0.1:9", File(work, "bench/store.sqlite").path, Lang.VI, null),
            MemoryTokenStore(),
            MemoryKeyVault(),
        )
        measure("isSignedIn() -> Boolean") { client.isSignedIn() }
        measure("coreVersion() -> String") { coreVersion() }
        client.close()
    }

    private inline fun measure(name: String, call: () -> Unit) {
        repeat(20_000) { call() } // JIT and JNA warm-up
        val samples = LongArray(100_000)
        for (i in samples.indices) {
            val start = System.nanoTime()
            call()
            samples[i] = System.nanoTime() - start
        }
        samples.sort()
        val p50 = samples[samples.size / 2] / 1000.0
        val p99 = samples[samples.size * 99 / 100] / 1000.0
        println("bench ffi $name: p50 ${"%.2f".format(p50)} µs, p99 ${"%.2f".format(p99)} µs (${samples.size} calls)")
    }
}
