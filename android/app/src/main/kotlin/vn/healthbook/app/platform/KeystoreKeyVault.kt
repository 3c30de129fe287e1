package vn.healthbook.app.platform

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.util.Base64
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.ProviderException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import vn.healthbook.core.KeyVault
import vn.healthbook.core.KeyVaultException

/**
 * The offline store's data keys. The core draws each one; here it is wrapped (AES-GCM, with
 * its name as associated data) by an AES key that never leaves Android Keystore (hardware-
 * backed where the phone has it), and the wrapped bytes sit in private preferences that are
 * excluded from backups and device transfer (see data_extraction_rules.xml). Without this
 * phone's Keystore, a copy of the store file and of these preferences opens nothing.
 */
class KeystoreKeyVault(context: Context) : KeyVault {
    private val prefs = context.getSharedPreferences("healthbook.store-keys", Context.MODE_PRIVATE)

    override fun load(name: String): ByteArray? {
        val wrapped = prefs.getString(name, null) ?: return null
        return try {
            // The wrapping key went (Keystore reset): the data key can never be unwrapped
            // again, and the core starts an empty store rather than wait for it.
            val wrappingKey = keystore().getKey(KEY_ALIAS, null) as? SecretKey ?: return null
            unwrap(wrappingKey, name, Base64.decode(wrapped, Base64.NO_WRAP))
        } catch (e: AEADBadTagException) {
            // Wrapped by another key than the one Keystore holds now: lost the same way.
            null
        } catch (e: IllegalArgumentException) {
            // Not a wrapped key at all (damaged preferences): lost too.
            null
        } catch (e: GeneralSecurityException) {
            // Keystore could not answer now (busy, a transient failure): the core asks again
            // at its next start and keeps the store as it is.
            throw unavailable(e)
        } catch (e: ProviderException) {
            throw unavailable(e)
        }
    }

    override fun save(name: String, key: ByteArray) {
        val wrapped = try {
            wrap(wrappingKey(), name, key)
        } catch (e: GeneralSecurityException) {
            throw unavailable(e)
        } catch (e: ProviderException) {
            throw unavailable(e)
        }
        // commit(), not apply(): the core seals rows with this key as soon as this returns,
        // so it must be on disk first.
        if (!prefs.edit().putString(name, Base64.encodeToString(wrapped, Base64.NO_WRAP)).commit()) {
            throw KeyVaultException.Unavailable("the wrapped key could not be written")
        }
    }

    override fun forget(name: String) {
        if (!prefs.edit().remove(name).commit()) {
            throw KeyVaultException.Unavailable("the wrapped key could not be removed")
        }
    }

    private fun wrap(wrappingKey: SecretKey, name: String, key: ByteArray): ByteArray {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey)
        cipher.updateAAD(name.toByteArray(Charsets.UTF_8))
        return cipher.iv + cipher.doFinal(key)
    }

    private fun unwrap(wrappingKey: SecretKey, name: String, wrapped: ByteArray): ByteArray {
        require(wrapped.size > IV_BYTES) { "too short" }
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey, GCMParameterSpec(128, wrapped, 0, IV_BYTES))
        cipher.updateAAD(name.toByteArray(Charsets.UTF_8))
        return cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
    }

    private fun keystore(): KeyStore =
        try {
            KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }
        } catch (e: GeneralSecurityException) {
            throw unavailable(e)
        } catch (e: java.io.IOException) {
            throw unavailable(e)
        }

    private fun wrappingKey(): SecretKey {
        (keystore().getKey(KEY_ALIAS, null) as? SecretKey)?.let { return it }
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(
            KeyGenParameterSpec.Builder(KEY_ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build()
        )
        return generator.generateKey()
    }

    private fun unavailable(e: Exception) =
        KeyVaultException.Unavailable("${e::class.simpleName}: ${e.message}")

    private companion object {
        const val ANDROID_KEYSTORE = "AndroidKeyStore"
        // Its own key, not the session's: forgetting one never touches the other.
        const val KEY_ALIAS = "healthbook.store.wrapping"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
    }
}
