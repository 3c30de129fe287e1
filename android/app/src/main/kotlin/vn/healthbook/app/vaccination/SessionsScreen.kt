package vn.healthbook.app.vaccination

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import vn.healthbook.app.R
import vn.healthbook.app.ui.common.messageString
import vn.healthbook.core.HealthBookClient

private val days = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)

/** Sessions of a vaccinating facility, and registration for oneself or a dependent. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun SessionsScreen(core: HealthBookClient, onSignedOut: () -> Unit) {
    val model: SessionsViewModel = viewModel { SessionsViewModel(core) }
    val state by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.signedOut) { if (state.signedOut) onSignedOut() }
    var query by rememberSaveable { mutableStateOf("") }
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        item {
            Column(Modifier.padding(top = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(stringResource(R.string.vaccination_sessions_title), style = MaterialTheme.typography.headlineSmall)
                state.message?.let { Text(messageString(it), color = MaterialTheme.colorScheme.primary) }
                OutlinedTextField(query, { query = it }, Modifier.fillMaxWidth(), label = { Text(stringResource(R.string.sessions_facility)) }, singleLine = true)
                OutlinedButton(onClick = { model.search(query) }, enabled = !state.busy) { Text(stringResource(R.string.sessions_find)) }
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    state.facilities.forEach { facility ->
                        FilterChip(state.facility?.id == facility.id, { model.choose(facility) }, label = { Text(facility.name) })
                    }
                }
                if (state.family.size > 1) {
                    Text(stringResource(R.string.sessions_for), style = MaterialTheme.typography.titleSmall)
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        state.family.forEach { who ->
                            FilterChip(state.registrant == who, { model.registrant(who) }, label = { Text(who.name) })
                        }
                    }
                }
            }
        }
        if (state.facility != null && state.sessions.isEmpty()) item { Text(stringResource(R.string.sessions_none)) }
        items(state.sessions) { session ->
            Card(Modifier.fillMaxWidth()) {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(
                        stringResource(R.string.sessions_line, days.format(session.date), session.start, session.end, session.placeName ?: state.facility?.name.orEmpty()),
                        style = MaterialTheme.typography.titleMedium,
                    )
                    if (session.cancelledAt != null) {
                        Text(stringResource(R.string.sessions_cancelled), color = MaterialTheme.colorScheme.error)
                    } else {
                        Text(stringResource(R.string.sessions_places, session.remaining.toInt()))
                        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            session.vaccines.forEach { vaccine ->
                                Button(onClick = { model.register(session, vaccine) }, enabled = !state.busy && session.remaining > 0u) {
                                    Text(stringResource(R.string.sessions_register, vaccine))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
