package vn.healthbook.app

import android.app.Application
import android.net.ConnectivityManager
import android.net.Network
import android.net.NetworkCapabilities
import android.net.NetworkRequest
import android.os.Build
import java.io.File
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import vn.healthbook.app.platform.KeystoreKeyVault
import vn.healthbook.app.platform.KeystoreTokenStore
import vn.healthbook.app.ui.common.appLang
import vn.healthbook.core.ClientConfig
import vn.healthbook.core.HealthBookClient

/**
 * Holds the one [HealthBookClient] of the process. Everything but the screens lives in the
 * core; this class only supplies what Android owns: the keystore, the private storage, the
 * language, and the news that the network is back.
 */
class HealthBookApplication : Application() {
    lateinit var core: HealthBookClient
        private set

    /** Work that must outlive a screen (sending the offline queue). */
    val appScope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    override fun onCreate() {
        super.onCreate()
        core = HealthBookClient(
            ClientConfig(
                baseUrl = BuildConfig.API_BASE_URL,
                // noBackupFilesDir: never copied to the cloud or to another phone.
                storePath = File(noBackupFilesDir, "healthbook/store.sqlite").path,
                lang = appLang(),
                deviceName = "${Build.MANUFACTURER} ${Build.MODEL}",
            ),
            KeystoreTokenStore(this),
            // The store's data key: the file itself holds only ciphertext.
            KeystoreKeyVault(this),
        )
        pinTrustListKey()
        syncWhenOnline()
    }

    /**
     * The trust-list signing key ships with the build (see `app/build.gradle.kts`): every
     * certificate is verified against lists this key signed, never against the network's
     * word. A build without one verifies nothing and says so on the certificates screen.
     */
    private fun pinTrustListKey() {
        val key = BuildConfig.TRUST_LIST_KEY
        if (key.isBlank()) return
        appScope.launch { runCatching { core.certificates().setTrustListKey(key) } }
    }

    private fun syncWhenOnline() {
        val connectivity = getSystemService(ConnectivityManager::class.java)
        val internet = NetworkRequest.Builder()
            .addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET)
            .build()
        connectivity.registerNetworkCallback(internet, object : ConnectivityManager.NetworkCallback() {
            override fun onAvailable(network: Network) {
                appScope.launch {
                    // A failure here is retried at the next network change or app start.
                    runCatching { core.certificates().refresh() }
                    if (core.isSignedIn()) runCatching { core.offline().sync() }
                }
            }
        })
    }
}
