package vn.healthbook.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import vn.healthbook.app.navigation.HealthBookNavHost
import vn.healthbook.app.platform.CredentialManagerPasskeys
import vn.healthbook.app.ui.theme.HealthBookTheme

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        val app = application as HealthBookApplication
        // Credential Manager shows its sheets over an activity: the passkey bridge is per activity.
        val passkeys = CredentialManagerPasskeys(this)
        setContent {
            HealthBookTheme {
                HealthBookNavHost(core = app.core, passkeys = passkeys)
            }
        }
    }
}
