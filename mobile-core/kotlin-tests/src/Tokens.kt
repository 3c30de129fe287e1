package vn.healthbook.jvmtest

import vn.healthbook.core.TokenStore
import vn.healthbook.domain.SessionGrant

/** What the apps do over Android Keystore / the iOS Keychain, here in memory. */
class MemoryTokenStore : TokenStore {
    @Volatile var saved: SessionGrant? = null
    @Volatile var saves = 0

    override fun load(): SessionGrant? = saved

    override fun save(grant: SessionGrant) {
        saved = grant
        saves++
    }

    override fun clear() {
        saved = null
    }
}
