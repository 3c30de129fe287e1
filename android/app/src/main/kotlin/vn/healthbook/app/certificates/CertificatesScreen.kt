package vn.healthbook.app.certificates

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import vn.healthbook.app.R
import vn.healthbook.app.platform.GmsQrScanner
import vn.healthbook.app.ui.common.QrImage
import vn.healthbook.app.ui.common.appLang
import vn.healthbook.app.ui.common.messageString
import vn.healthbook.core.CertificateCheck
import vn.healthbook.core.CertificateDetails
import vn.healthbook.core.CertificateException
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.ListsStatus
import vn.healthbook.core.SavedCertificate
import vn.healthbook.core.VerificationOutcome
import vn.healthbook.domain.Event

private val dates = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withZone(ZoneId.systemDefault())

@Composable
fun CertificatesScreen(core: HealthBookClient) {
    val context = LocalContext.current
    val model = viewModel { CertificatesViewModel(core, GmsQrScanner(context.applicationContext)) }
    val state by model.state.collectAsStateWithLifecycle()

    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        item {
            Column(Modifier.padding(top = 24.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(stringResource(R.string.certificates_title), style = MaterialTheme.typography.headlineSmall)
                state.lists?.let { ListsLine(it, state.offline) }
                state.message?.let { Text(messageString(it), color = MaterialTheme.colorScheme.error) }
            }
        }
        item {
            Card(Modifier.fillMaxWidth()) {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(stringResource(R.string.certificates_check_title), style = MaterialTheme.typography.titleMedium)
                    OutlinedTextField(
                        value = state.text,
                        onValueChange = model::text,
                        label = { Text(stringResource(R.string.certificates_paste)) },
                        maxLines = 3,
                        modifier = Modifier.fillMaxWidth(),
                    )
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        Button(onClick = model::scan, enabled = !state.busy) { Text(stringResource(R.string.certificates_scan)) }
                        OutlinedButton(onClick = model::verify, enabled = !state.busy && state.text.isNotBlank()) {
                            Text(stringResource(R.string.certificates_verify))
                        }
                    }
                    state.check?.let { check ->
                        Verdict(check)
                        if (check.details != null) {
                            TextButton(onClick = model::save, enabled = !state.busy) { Text(stringResource(R.string.certificates_save)) }
                        }
                    }
                }
            }
        }
        item { Text(stringResource(R.string.certificates_mine), style = MaterialTheme.typography.titleMedium) }
        if (state.saved.isEmpty()) item { Text(stringResource(R.string.certificates_none)) }
        items(state.saved, key = { it.id }) { saved ->
            Card(Modifier.fillMaxWidth().clickable { model.show(saved) }) {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Verdict(saved.check)
                }
            }
        }
    }

    state.showing?.let { shown ->
        AlertDialog(
            onDismissRequest = { model.show(null) },
            title = { Text(shown.check.details?.holderName.orEmpty()) },
            text = { QrImage(shown.hc1, stringResource(R.string.certificates_qr_description), Modifier.widthIn(max = 320.dp)) },
            confirmButton = { TextButton(onClick = { model.show(null) }) { Text(stringResource(R.string.done)) } },
            dismissButton = { TextButton(onClick = { model.remove(shown) }) { Text(stringResource(R.string.certificates_remove)) } },
        )
    }
}

@Composable
private fun ListsLine(lists: ListsStatus, offline: Boolean) {
    val text = when {
        // The core's words for the refusal that follows: nothing to verify against.
        !lists.pinned -> CertificateException.NoPinnedKey().userMessage(appLang())
        lists.trustListVersion == null -> stringResource(R.string.certificates_no_list)
        lists.stale -> stringResource(R.string.certificates_lists_stale)
        else -> stringResource(R.string.certificates_lists_ok, lists.fetchedAt?.let(dates::format).orEmpty())
    }
    val warn = !lists.pinned || lists.trustListVersion == null || lists.stale
    Text(text, color = if (warn) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant, style = MaterialTheme.typography.bodySmall)
    if (offline) Text(stringResource(R.string.home_offline), color = MaterialTheme.colorScheme.tertiary, style = MaterialTheme.typography.bodySmall)
}

@Composable
private fun Verdict(check: CertificateCheck) {
    val (label, color) = when (val outcome = check.outcome) {
        VerificationOutcome.Valid -> stringResource(R.string.verdict_valid) to Color(0xFF1B7F3B)
        VerificationOutcome.Revoked -> stringResource(R.string.verdict_revoked) to MaterialTheme.colorScheme.error
        VerificationOutcome.UnknownIssuer -> stringResource(R.string.verdict_unknown_issuer) to MaterialTheme.colorScheme.error
        is VerificationOutcome.Invalid -> stringResource(R.string.verdict_invalid, outcome.message) to MaterialTheme.colorScheme.error
    }
    Card(colors = CardDefaults.cardColors(containerColor = color.copy(alpha = 0.12f))) {
        Text(label, color = color, style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(8.dp))
    }
    check.details?.let { Details(it, trusted = check.outcome == VerificationOutcome.Valid) }
}

@Composable
private fun Details(details: CertificateDetails, trusted: Boolean) {
    if (!trusted) Text(stringResource(R.string.certificates_unverified_content), style = MaterialTheme.typography.bodySmall)
    Text(details.holderName, style = MaterialTheme.typography.titleMedium)
    Text(stringResource(R.string.home_born, details.dcc.dob))
    Text(stringResource(R.string.certificate_disease, details.targetDisease))
    when (val event = details.dcc.event) {
        is Event.Vaccination -> {
            val dose = event.v1
            Text(stringResource(R.string.certificate_dose, dose.dn.toInt(), dose.sd.toInt(), dose.dt.toString()))
            Text(stringResource(R.string.certificate_vaccine, dose.mp, dose.ma))
            Text(stringResource(R.string.certificate_issuer, dose.`is`, dose.co))
        }
        is Event.Test -> Text(stringResource(R.string.certificate_test, event.v1.sc, event.v1.co))
        is Event.Recovery -> Text(stringResource(R.string.certificate_recovery, event.v1.fr.toString(), event.v1.co))
    }
    val from = details.issuedAt?.let(dates::format).orEmpty()
    val until = details.expiresAt?.let(dates::format).orEmpty()
    Text(stringResource(R.string.certificate_validity, from, until), style = MaterialTheme.typography.bodySmall)
    Text(details.certificateId, style = MaterialTheme.typography.bodySmall)
}
