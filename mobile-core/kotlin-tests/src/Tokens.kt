package vn.healthbook.jvmtest

import java.util.concurrent.ConcurrentHashMap
import vn.healthbook.core.KeyVault
import vn.healthbook.core.TokenStore

/**
 * What the apps do over Android Keystore / the iOS Keychain, here in memory: keep the text the
 * core hands over, as it is.
 */
class MemoryTokenStore : TokenStore {
    @Volatile var saved: String? = null
    @Volatile var saves = 0

    override fun load(): String? = saved

    override fun save(session: String) {
        saved = session
        saves++
    }

    override fun clear() {
        saved = null
    }
}

/**
 * The store's data keys as the apps keep them in Android Keystore / the iOS Keychain, here
 * in memory: a client opened again over the same store must be given the same vault.
 */
class MemoryKeyVault : KeyVault {
    private val keys = ConcurrentHashMap<String, ByteArray>()

    /** The names of the keys held now. */
    val names: Set<String> get() = keys.keys.toSet()

    override fun load(name: String): ByteArray? = keys[name]?.copyOf()

    override fun save(name: String, key: ByteArray) {
        keys[name] = key.copyOf()
    }

    override fun forget(name: String) {
        keys.remove(name)
    }
}
