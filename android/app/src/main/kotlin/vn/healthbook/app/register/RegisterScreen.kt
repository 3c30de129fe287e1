package vn.healthbook.app.register

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
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
import vn.healthbook.app.ui.common.FormField
import vn.healthbook.app.ui.common.MessageText
import vn.healthbook.app.ui.common.appLang
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.codeLength
import vn.healthbook.domain.Sex

@Composable
fun RegisterScreen(core: HealthBookClient, onRegistered: (String) -> Unit, onBack: () -> Unit) {
    val model = viewModel { RegisterViewModel(core, appLang()) }
    val state by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.registeredEmail) { state.registeredEmail?.let(onRegistered) }
    val form = state.form
    val problem = state.problems

    Column(
        modifier = Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Text(stringResource(R.string.register_title), style = MaterialTheme.typography.headlineMedium)
        FormField(form.nationalId, { v -> model.edit { it.copy(nationalId = v) } }, stringResource(R.string.national_id_label), problem["national_id"], KeyboardType.Number)
        FormField(form.fullName, { v -> model.edit { it.copy(fullName = v) } }, stringResource(R.string.full_name_label), problem["full_name"])
        FormField(form.dateOfBirth, { v -> model.edit { it.copy(dateOfBirth = v) } }, stringResource(R.string.date_of_birth_label), problem["date_of_birth"], KeyboardType.Number)
        Text(stringResource(R.string.sex_label), style = MaterialTheme.typography.labelLarge)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            FilterChip(form.sex == Sex.FEMALE, { model.edit { it.copy(sex = Sex.FEMALE) } }, label = { Text(stringResource(R.string.sex_female)) })
            FilterChip(form.sex == Sex.MALE, { model.edit { it.copy(sex = Sex.MALE) } }, label = { Text(stringResource(R.string.sex_male)) })
        }
        FormField(form.email, { v -> model.edit { it.copy(email = v) } }, stringResource(R.string.email_label), problem["email"], KeyboardType.Email)
        FormField(form.phone, { v -> model.edit { it.copy(phone = v) } }, stringResource(R.string.phone_label), problem["phone"], KeyboardType.Phone)
        MessageText(state.message)
        Button(onClick = model::submit, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.register_submit))
        }
        TextButton(onClick = onBack, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.have_account))
        }
    }
}

@Composable
fun VerifyEmailScreen(core: HealthBookClient, email: String, onVerified: () -> Unit) {
    val model = viewModel { VerifyEmailViewModel(core, email) }
    val state by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.verified) { if (state.verified) onVerified() }
    Column(
        modifier = Modifier.fillMaxSize().padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp),
    ) {
        Text(stringResource(R.string.verify_title), style = MaterialTheme.typography.headlineMedium)
        Text(stringResource(R.string.verify_body, email))
        FormField(state.code, model::onCode, stringResource(R.string.code_label), null, KeyboardType.NumberPassword)
        MessageText(state.message)
        Button(onClick = model::verify, enabled = !state.busy && state.code.length == codeLength().toInt(), modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.verify_submit))
        }
    }
}
