package vn.healthbook.app.account

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import vn.healthbook.app.R
import vn.healthbook.app.ui.common.MessageText
import vn.healthbook.core.HealthBookClient
import vn.healthbook.domain.SessionInfo

private val instants = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT).withZone(ZoneId.systemDefault())

/** The account tab: where the citizen is signed in, and signing out. */
@Composable
fun AccountScreen(core: HealthBookClient, onSignedOut: () -> Unit) {
    val model = viewModel { AccountViewModel(core) }
    val state by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.signedOut) { if (state.signedOut) onSignedOut() }

    LazyColumn(
        modifier = Modifier.fillMaxSize().padding(horizontal = 16.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        item {
            Text(stringResource(R.string.sessions_title), style = MaterialTheme.typography.headlineSmall, modifier = Modifier.padding(top = 24.dp))
            MessageText(state.message)
        }
        items(state.sessions, key = { it.id }) { session -> SessionCard(session, enabled = !state.busy, onEnd = { model.endSession(session.id) }) }
        item {
            Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = { model.signOut(false) }, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.sign_out))
                }
                OutlinedButton(onClick = { model.signOut(true) }, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.sign_out_everywhere))
                }
            }
        }
    }
}

@Composable
private fun SessionCard(session: SessionInfo, enabled: Boolean, onEnd: () -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(session.deviceName ?: stringResource(R.string.session_unknown_device), style = MaterialTheme.typography.titleSmall)
            Text(stringResource(R.string.session_since, instants.format(session.createdAt)), style = MaterialTheme.typography.bodySmall)
            if (session.current) {
                Text(stringResource(R.string.session_current), color = MaterialTheme.colorScheme.primary)
            } else {
                TextButton(onClick = onEnd, enabled = enabled) { Text(stringResource(R.string.session_end)) }
            }
        }
    }
}
