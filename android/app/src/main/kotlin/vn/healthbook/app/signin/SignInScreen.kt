package vn.healthbook.app.signin

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Fingerprint
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import vn.healthbook.app.R
import vn.healthbook.app.platform.CredentialManagerPasskeys
import vn.healthbook.app.ui.common.FormField
import vn.healthbook.app.ui.common.MessageText
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.codeLength

@Composable
fun SignInScreen(
    core: HealthBookClient,
    passkeys: CredentialManagerPasskeys,
    onSignedIn: () -> Unit,
    onRegister: () -> Unit,
) {
    val model = viewModel { SignInViewModel(core) }
    val state by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.signedIn) { if (state.signedIn) onSignedIn() }

    Column(
        modifier = Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp),
    ) {
        Text(stringResource(R.string.signin_title), style = MaterialTheme.typography.headlineMedium)
        Text(stringResource(R.string.signin_subtitle), style = MaterialTheme.typography.bodyLarge)
        Button(
            onClick = { model.signInWithPasskey(passkeys) },
            enabled = !state.busy,
            modifier = Modifier.fillMaxWidth(),
        ) {
            Icon(Icons.Filled.Fingerprint, contentDescription = null)
            Text(stringResource(R.string.signin_passkey), modifier = Modifier.padding(start = 8.dp))
        }
        HorizontalDivider()
        Text(stringResource(R.string.signin_or_email), style = MaterialTheme.typography.titleSmall)
        FormField(state.email, model::onEmail, stringResource(R.string.email_label), null, KeyboardType.Email)
        val minutes = state.codeSentMinutes
        if (minutes == null) {
            OutlinedButton(onClick = model::sendCode, enabled = !state.busy && state.email.isNotBlank(), modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(R.string.send_code))
            }
        } else {
            Text(stringResource(R.string.code_sent, state.email, minutes))
            FormField(state.code, model::onCode, stringResource(R.string.code_label), null, KeyboardType.NumberPassword)
            Button(onClick = model::signInWithCode, enabled = !state.busy && state.code.length == codeLength().toInt(), modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(R.string.sign_in))
            }
        }
        MessageText(state.message)
        TextButton(onClick = onRegister, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.create_account))
        }
    }
}
