package vn.healthbook.app.home

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import vn.healthbook.app.R
import vn.healthbook.app.platform.CredentialManagerPasskeys
import vn.healthbook.app.ui.common.FormField
import vn.healthbook.app.ui.common.messageString
import vn.healthbook.app.ui.common.pendingString
import vn.healthbook.domain.CitizenProfile
import vn.healthbook.domain.Dependent
import vn.healthbook.domain.ExpectedChild
import vn.healthbook.domain.Sex
import vn.healthbook.domain.Verification
import vn.healthbook.core.HealthBookClient

private val dates = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)
private val instants = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT).withZone(ZoneId.systemDefault())

@Composable
fun HomeScreen(core: HealthBookClient, passkeys: CredentialManagerPasskeys, onSignedOut: () -> Unit) {
    val model = viewModel { HomeViewModel(core) }
    val state by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.signedOut) { if (state.signedOut) onSignedOut() }

    LazyColumn(
        modifier = Modifier.fillMaxSize().padding(horizontal = 16.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        item {
            val citizen = state.me?.citizen
            Column(Modifier.padding(top = 24.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(
                    stringResource(R.string.home_greeting, citizen?.fullName ?: state.me?.email.orEmpty()),
                    style = MaterialTheme.typography.headlineSmall,
                )
                citizen?.let { ProfileLines(it) }
                if (state.offline) {
                    Text(stringResource(R.string.home_offline), color = MaterialTheme.colorScheme.tertiary)
                }
                state.syncedAt?.let { Text(stringResource(R.string.home_last_synced, instants.format(it)), style = MaterialTheme.typography.bodySmall) }
                if (state.pending > 0) Text(pendingString(state.pending), style = MaterialTheme.typography.bodySmall)
                state.message?.let { Text(messageString(it), color = MaterialTheme.colorScheme.primary) }
            }
        }
        state.recoveryOpensAt?.let { opensAt ->
            item { RecoveryWarning(instants.format(opensAt), busy = state.busy, onCancel = model::cancelRecovery) }
        }
        if (state.offerPasskey) {
            item {
                Card(colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.primaryContainer)) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                        Text(stringResource(R.string.passkey_setup_title), style = MaterialTheme.typography.titleMedium)
                        Text(stringResource(R.string.passkey_setup_body))
                        Button(onClick = { model.setUpPasskey(passkeys) }, enabled = !state.busy) {
                            Text(stringResource(R.string.passkey_setup_action))
                        }
                    }
                }
            }
        }
        items(state.expectedChildren, key = { it.id }) { child ->
            ExpectedChildCard(
                child,
                onAdd = { model.addExpectedChild(child) },
                onDismiss = { model.dismissExpectedChild(child) },
            )
        }
        item { Text(stringResource(R.string.home_dependents), style = MaterialTheme.typography.titleMedium) }
        val dependents = state.me?.dependents.orEmpty()
        if (dependents.isEmpty()) item { Text(stringResource(R.string.home_no_dependents)) }
        items(dependents, key = { it.citizen.citizenId }) { DependentCard(it) }
        item {
            OutlinedButton(onClick = { model.openDependentDialog(true) }, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(R.string.home_add_dependent))
            }
        }
    }

    if (state.dependentDialogOpen) {
        AddDependentDialog(
            from = state.dependentFrom,
            problems = state.dependentProblems,
            busy = state.busy,
            onDismiss = { model.openDependentDialog(false) },
            onSave = model::addDependent,
        )
    }
}

/**
 * Someone asked to recover the account: shown above everything while the recovery waits,
 * with the one action that stops it.
 */
@Composable
private fun RecoveryWarning(opensAt: String, busy: Boolean, onCancel: () -> Unit) {
    Card(colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer)) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(
                stringResource(R.string.recovery_title),
                style = MaterialTheme.typography.titleMedium,
                color = MaterialTheme.colorScheme.onErrorContainer,
            )
            Text(stringResource(R.string.recovery_body, opensAt), color = MaterialTheme.colorScheme.onErrorContainer)
            Button(
                onClick = onCancel,
                enabled = !busy,
                colors = ButtonDefaults.buttonColors(containerColor = MaterialTheme.colorScheme.error),
            ) {
                Text(stringResource(R.string.recovery_cancel))
            }
        }
    }
}

@Composable
private fun ProfileLines(citizen: CitizenProfile) {
    Text(stringResource(R.string.home_masked_id, citizen.nationalIdMasked), style = MaterialTheme.typography.bodyMedium)
    Text(stringResource(R.string.home_born, dates.format(citizen.dateOfBirth)), style = MaterialTheme.typography.bodyMedium)
    if (citizen.verification == Verification.UNVERIFIED) {
        Text(stringResource(R.string.unverified), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
    }
}

@Composable
private fun DependentCard(dependent: Dependent) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(dependent.citizen.fullName, style = MaterialTheme.typography.titleSmall)
            ProfileLines(dependent.citizen)
            dependent.guardianshipEndsOn?.let {
                Text(stringResource(R.string.home_guardian_until, dates.format(it)), style = MaterialTheme.typography.bodySmall)
            }
        }
    }
}

/**
 * A child a facility reported born to this citizen: added once the child has a personal
 * identification number (the birth certificate has none), or dismissed.
 */
@Composable
private fun ExpectedChildCard(child: ExpectedChild, onAdd: () -> Unit, onDismiss: () -> Unit) {
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.secondaryContainer)) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(
                child.intendedName ?: stringResource(R.string.expected_child_unnamed),
                style = MaterialTheme.typography.titleSmall,
            )
            Text(stringResource(R.string.expected_child_body, dates.format(child.bornOn), child.facilityName))
            child.weightGrams?.let { Text(stringResource(R.string.expected_child_weight, it.toInt())) }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = onAdd) { Text(stringResource(R.string.expected_child_add)) }
                TextButton(onClick = onDismiss) { Text(stringResource(R.string.expected_child_dismiss)) }
            }
        }
    }
}

@Composable
private fun AddDependentDialog(
    from: ExpectedChild?,
    problems: Map<String, String>,
    busy: Boolean,
    onDismiss: () -> Unit,
    onSave: (String, String, String, Sex) -> Unit,
) {
    var nationalId by remember { mutableStateOf("") }
    var fullName by remember { mutableStateOf(from?.intendedName.orEmpty()) }
    var dateOfBirth by remember { mutableStateOf(from?.bornOn?.toString().orEmpty()) }
    var sex by remember { mutableStateOf(from?.sex ?: Sex.MALE) }
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(stringResource(R.string.dialog_add_dependent_title)) },
        text = {
            Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                FormField(nationalId, { nationalId = it }, stringResource(R.string.national_id_label), problems["national_id"], KeyboardType.Number)
                FormField(fullName, { fullName = it }, stringResource(R.string.full_name_label), problems["full_name"])
                FormField(dateOfBirth, { dateOfBirth = it }, stringResource(R.string.date_of_birth_label), problems["date_of_birth"], KeyboardType.Number)
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    FilterChip(sex == Sex.MALE, { sex = Sex.MALE }, label = { Text(stringResource(R.string.sex_male)) })
                    FilterChip(sex == Sex.FEMALE, { sex = Sex.FEMALE }, label = { Text(stringResource(R.string.sex_female)) })
                }
            }
        },
        confirmButton = {
            Button(onClick = { onSave(nationalId, fullName, dateOfBirth, sex) }, enabled = !busy) { Text(stringResource(R.string.save)) }
        },
        dismissButton = { TextButton(onClick = onDismiss) { Text(stringResource(R.string.cancel)) } },
    )
}
