package vn.healthbook.jvmtest

import vn.healthbook.core.AccountException
import vn.healthbook.core.AuthException
import vn.healthbook.core.BookException
import vn.healthbook.core.BookingException
import vn.healthbook.core.CertificateException
import vn.healthbook.core.CommonError
import vn.healthbook.core.OfflineException
import vn.healthbook.core.VaccinationException

/**
 * Checks that run in order, each named by the behaviour it proves. The flow stops at the
 * first failure (later steps build on earlier ones); the summary line has libtest's shape so
 * that `.ci/run` counts it like any Rust suite.
 */
class Report {
    private var passed = 0
    private var failed = 0
    private var skipped = 0
    private var stopped = false
    private val started = System.nanoTime()

    suspend fun check(name: String, body: suspend () -> Unit) {
        if (stopped) {
            skipped++
            println("test $name ... skipped")
            return
        }
        val begin = System.nanoTime()
        try {
            body()
            passed++
            println("test $name ... ok (${(System.nanoTime() - begin) / 1_000_000} ms)")
        } catch (e: Throwable) {
            failed++
            stopped = true
            println("test $name ... FAILED")
            println("    ${e::class.qualifiedName}: ${e.message}")
            e.stackTrace.take(8).forEach { println("        at $it") }
        }
    }

    /** Prints the summary; true when nothing failed. */
    fun finish(): Boolean {
        val ok = failed == 0
        val seconds = (System.nanoTime() - started) / 1e9
        println()
        println(
            "test result: ${if (ok) "ok" else "FAILED"}. $passed passed; $failed failed; " +
                "$skipped ignored; 0 measured; 0 filtered out; finished in ${"%.2f".format(seconds)}s"
        )
        return ok
    }
}

class CheckFailed(message: String) : AssertionError(message)

fun expect(condition: Boolean, message: () -> String) {
    if (!condition) throw CheckFailed(message())
}

fun <T> expectEqual(expected: T, actual: T, what: String) {
    if (expected != actual) throw CheckFailed("$what: expected <$expected>, was <$actual>")
}

/** Runs [body] and returns what it threw, failing when it threw nothing or another type. */
suspend inline fun <reified E : Throwable> expectThrows(what: String, body: () -> Unit): E {
    try {
        body()
    } catch (e: Throwable) {
        if (e is E) return e
        throw CheckFailed("$what: expected ${E::class.simpleName}, got ${e::class.qualifiedName}: ${e.message}")
    }
    throw CheckFailed("$what: expected ${E::class.simpleName}, nothing was thrown")
}

/** The shared failure an area's error holds, whatever the area; null for the area's own. */
fun Throwable.common(): CommonError? = when (this) {
    is AuthException.Common -> error
    is AccountException.Common -> error
    is BookException.Common -> error
    is BookingException.Common -> error
    is CertificateException.Common -> error
    is OfflineException.Common -> error
    is VaccinationException.Common -> error
    else -> null
}

/** Runs [body] and returns the shared failure of type [C] it threw. */
suspend inline fun <reified C : CommonError> expectCommon(what: String, body: () -> Unit): C {
    try {
        body()
    } catch (e: Throwable) {
        val common = e.common()
        if (common is C) return common
        throw CheckFailed("$what: expected ${C::class.simpleName}, got ${e::class.qualifiedName}: ${e.message}")
    }
    throw CheckFailed("$what: expected ${C::class.simpleName}, nothing was thrown")
}
