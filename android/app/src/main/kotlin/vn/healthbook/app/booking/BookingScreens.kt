package vn.healthbook.app.booking

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
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.ExposedDropdownMenuBox
import androidx.compose.material3.ExposedDropdownMenuDefaults
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.MenuAnchorType
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
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
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import vn.healthbook.app.R
import vn.healthbook.app.ui.common.QrImage
import vn.healthbook.app.ui.common.messageString
import vn.healthbook.core.AdminUnit
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.appointmentQr
import vn.healthbook.domain.Appointment
import vn.healthbook.domain.AppointmentStatus
import vn.healthbook.domain.Facility
import vn.healthbook.domain.ServiceType
import vn.healthbook.domain.QueuePosition
import vn.healthbook.domain.QueueStage
import vn.healthbook.domain.Slot
import vn.healthbook.domain.WaitlistEntry
import vn.healthbook.domain.WaitlistState

private val days = DateTimeFormatter.ofLocalizedDate(FormatStyle.FULL)
private val instants = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT).withZone(ZoneId.systemDefault())
private val times = DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withZone(ZoneId.systemDefault())

private object BookingRoutes {
    const val APPOINTMENTS = "appointments"
    const val SEARCH = "search"
    const val SLOTS = "slots"
    const val CONFIRMATION = "confirmation"
}

/** The appointments tab: my appointments first; search → slot picker → confirmation. */
@Composable
fun BookingTab(core: HealthBookClient, onSignedOut: () -> Unit) {
    val model = viewModel { BookingViewModel(core) }
    val state by model.state.collectAsStateWithLifecycle()
    val nav = rememberNavController()
    LaunchedEffect(state.signedOut) { if (state.signedOut) onSignedOut() }
    NavHost(nav, startDestination = BookingRoutes.APPOINTMENTS) {
        composable(BookingRoutes.APPOINTMENTS) {
            MyAppointmentsScreen(
                state,
                onBook = { nav.navigate(BookingRoutes.SEARCH) },
                onOpen = { model.show(it); nav.navigate(BookingRoutes.CONFIRMATION) },
                onCancel = model::cancel,
                onReschedule = { model.startReschedule(it) { nav.navigate(BookingRoutes.SLOTS) } },
                onRefresh = model::loadAppointments,
                onBookOffer = { entry -> model.bookOffer(entry) { nav.navigate(BookingRoutes.CONFIRMATION) } },
                onLeaveWaitlist = model::leaveWaitlist,
            )
        }
        composable(BookingRoutes.SEARCH) {
            SearchScreen(state, model, onFacility = { model.openFacility(it); nav.navigate(BookingRoutes.SLOTS) })
        }
        composable(BookingRoutes.SLOTS) {
            val confirmed = { nav.navigate(BookingRoutes.CONFIRMATION) { popUpTo(BookingRoutes.APPOINTMENTS) } }
            SlotPickerScreen(
                state,
                model,
                onChosen = { slot -> model.pick(slot) { confirmed() } },
                onConfirmHeld = { model.confirmHeld { confirmed() } },
            )
        }
        composable(BookingRoutes.CONFIRMATION) {
            ConfirmationScreen(state, model, onDone = { nav.popBackStack(BookingRoutes.APPOINTMENTS, inclusive = false) })
        }
    }
}

@Composable
private fun MyAppointmentsScreen(
    state: BookingState,
    onBook: () -> Unit,
    onOpen: (Appointment) -> Unit,
    onCancel: (Appointment) -> Unit,
    onReschedule: (Appointment) -> Unit,
    onRefresh: () -> Unit,
    onBookOffer: (WaitlistEntry) -> Unit,
    onLeaveWaitlist: (WaitlistEntry) -> Unit,
) {
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        item {
            Column(Modifier.padding(top = 24.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(stringResource(R.string.appointments_title), style = MaterialTheme.typography.headlineSmall)
                if (state.offline) Text(stringResource(R.string.home_offline), color = MaterialTheme.colorScheme.tertiary)
                state.message?.let { Text(messageString(it), color = MaterialTheme.colorScheme.primary) }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    Button(onClick = onBook) { Text(stringResource(R.string.booking_new)) }
                    OutlinedButton(onClick = onRefresh, enabled = !state.busy) { Text(stringResource(R.string.refresh)) }
                }
            }
        }
        item { Text(stringResource(R.string.appointments_upcoming), style = MaterialTheme.typography.titleMedium) }
        if (state.upcoming.isEmpty()) item { Text(stringResource(R.string.appointments_none)) }
        items(state.upcoming, key = { it.id }) { appointment ->
            AppointmentCard(appointment, onOpen) {
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    TextButton(onClick = { onReschedule(appointment) }, enabled = !state.busy) { Text(stringResource(R.string.booking_reschedule)) }
                    TextButton(onClick = { onCancel(appointment) }, enabled = !state.busy) { Text(stringResource(R.string.booking_cancel)) }
                }
            }
        }
        if (state.waitlist.isNotEmpty()) {
            item { Text(stringResource(R.string.waitlist_title), style = MaterialTheme.typography.titleMedium) }
            items(state.waitlist, key = { it.id }) { entry ->
                Card(Modifier.fillMaxWidth()) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                        val starts = instants.format(entry.startsAt)
                        val offer = entry.offer
                        if (entry.state == WaitlistState.OFFERED && offer != null) {
                            Text(stringResource(R.string.waitlist_offered, starts, instants.format(offer.expiresAt)))
                            Button(onClick = { onBookOffer(entry) }, enabled = !state.busy) { Text(stringResource(R.string.waitlist_book)) }
                        } else {
                            Text(stringResource(R.string.waitlist_position, starts, (entry.position ?: 0u).toInt()))
                        }
                        TextButton(onClick = { onLeaveWaitlist(entry) }, enabled = !state.busy) { Text(stringResource(R.string.waitlist_leave)) }
                    }
                }
            }
        }
        if (state.past.isNotEmpty()) {
            item { Text(stringResource(R.string.appointments_past), style = MaterialTheme.typography.titleMedium) }
            items(state.past, key = { it.id }) { AppointmentCard(it, onOpen) {} }
        }
    }
}

@Composable
private fun AppointmentCard(appointment: Appointment, onOpen: (Appointment) -> Unit, actions: @Composable () -> Unit) {
    Card(Modifier.fillMaxWidth().clickable { onOpen(appointment) }) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(appointment.facilityName, style = MaterialTheme.typography.titleSmall)
            Text("${days.format(appointment.date)} · ${appointment.start}–${appointment.end}")
            Text(stringResource(R.string.appointment_for, appointment.citizenName), style = MaterialTheme.typography.bodySmall)
            Text(stringResource(statusLabel(appointment.status)), style = MaterialTheme.typography.bodySmall)
            actions()
        }
    }
}

private fun statusLabel(status: AppointmentStatus) = when (status) {
    AppointmentStatus.BOOKED -> R.string.status_booked
    AppointmentStatus.CHECKED_IN -> R.string.status_checked_in
    AppointmentStatus.NO_SHOW -> R.string.status_no_show
    AppointmentStatus.CANCELLED -> R.string.status_cancelled
}

private fun serviceLabel(service: ServiceType) = when (service) {
    ServiceType.EXAMINATION -> R.string.service_examination
    ServiceType.VACCINATION -> R.string.service_vaccination
    ServiceType.TELECONSULTATION -> R.string.service_teleconsultation
}

@Composable
private fun SearchScreen(state: BookingState, model: BookingViewModel, onFacility: (Facility) -> Unit) {
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        item {
            Column(Modifier.padding(top = 24.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(stringResource(R.string.booking_search_title), style = MaterialTheme.typography.headlineSmall)
                OutlinedTextField(
                    value = state.text,
                    onValueChange = model::text,
                    label = { Text(stringResource(R.string.booking_search_text)) },
                    singleLine = true,
                    modifier = Modifier.fillMaxWidth(),
                )
                UnitPicker(
                    label = stringResource(R.string.booking_province),
                    query = state.provinceQuery,
                    choices = state.provinceChoices,
                    onQuery = model::provinceQuery,
                    onChoose = model::chooseProvince,
                )
                if (state.province != null) {
                    UnitPicker(
                        label = stringResource(R.string.booking_commune),
                        query = state.communeQuery,
                        choices = state.communeChoices,
                        onQuery = model::communeQuery,
                        onChoose = model::chooseCommune,
                    )
                }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    ServiceType.entries.forEach { service ->
                        FilterChip(state.service == service, { model.service(service) }, label = { Text(stringResource(serviceLabel(service))) })
                    }
                }
                Button(onClick = { model.search() }, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.booking_search))
                }
                state.message?.let { Text(messageString(it), color = MaterialTheme.colorScheme.error) }
            }
        }
        items(state.facilities, key = { it.id }) { facility ->
            Card(Modifier.fillMaxWidth().clickable { onFacility(facility) }) {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(facility.name, style = MaterialTheme.typography.titleSmall)
                    Text(facility.address, style = MaterialTheme.typography.bodySmall)
                    Text(facility.openingHours, style = MaterialTheme.typography.bodySmall)
                }
            }
        }
        if (state.nextCursor != null) {
            item { TextButton(onClick = { model.search(more = true) }) { Text(stringResource(R.string.more)) } }
        }
    }
}

/** A province or commune picker: type a few letters (accents optional), pick a row. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun UnitPicker(
    label: String,
    query: String,
    choices: List<AdminUnit>,
    onQuery: (String) -> Unit,
    onChoose: (AdminUnit?) -> Unit,
) {
    var expanded by remember { mutableStateOf(false) }
    ExposedDropdownMenuBox(expanded = expanded, onExpandedChange = { expanded = it }) {
        OutlinedTextField(
            value = query,
            onValueChange = { onQuery(it); expanded = true; if (it.isBlank()) onChoose(null) },
            label = { Text(label) },
            singleLine = true,
            trailingIcon = { ExposedDropdownMenuDefaults.TrailingIcon(expanded) },
            modifier = Modifier.fillMaxWidth().menuAnchor(MenuAnchorType.PrimaryEditable),
        )
        ExposedDropdownMenu(expanded = expanded && choices.isNotEmpty(), onDismissRequest = { expanded = false }) {
            choices.take(30).forEach { unit ->
                DropdownMenuItem(text = { Text(unit.name) }, onClick = { onChoose(unit); expanded = false })
            }
        }
    }
}

@Composable
private fun SlotPickerScreen(
    state: BookingState,
    model: BookingViewModel,
    onChosen: (Slot) -> Unit,
    onConfirmHeld: () -> Unit,
) {
    val facility = state.facility ?: return
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        item {
            Column(Modifier.padding(top = 24.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(facility.name, style = MaterialTheme.typography.headlineSmall)
                Text(stringResource(if (state.rescheduling != null) R.string.booking_pick_new_slot else R.string.booking_pick_slot))
                if (state.rescheduling == null && state.dependents.isNotEmpty()) {
                    Text(stringResource(R.string.booking_for_whom), style = MaterialTheme.typography.titleSmall)
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        FilterChip(state.forWhom == null, { model.forWhom(null) }, label = { Text(stringResource(R.string.booking_myself)) })
                        state.dependents.forEach { dependent ->
                            val id = dependent.citizen.citizenId
                            FilterChip(state.forWhom == id, { model.forWhom(id) }, label = { Text(dependent.citizen.fullName) })
                        }
                    }
                }
                state.message?.let { Text(messageString(it), color = MaterialTheme.colorScheme.error) }
                val held = state.held
                val heldSlot = state.heldSlot
                if (held != null && heldSlot != null) {
                    Card(Modifier.fillMaxWidth()) {
                        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                            Text("${days.format(heldSlot.date)} · ${heldSlot.start}–${heldSlot.end}", style = MaterialTheme.typography.titleMedium)
                            Text(stringResource(R.string.booking_held, instants.format(held.expiresAt)))
                            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                                Button(onClick = onConfirmHeld, enabled = !state.busy) { Text(stringResource(R.string.booking_confirm_held)) }
                                OutlinedButton(onClick = model::releaseHeld, enabled = !state.busy) { Text(stringResource(R.string.booking_release_held)) }
                            }
                        }
                    }
                }
            }
        }
        if (state.slots.isEmpty() && !state.busy) item { Text(stringResource(R.string.booking_no_slots)) }
        items(state.slots.groupBy { it.date }.toList(), key = { it.first.toString() }) { (date, slots) ->
            Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(days.format(date), style = MaterialTheme.typography.titleSmall)
                slots.forEach { slot ->
                    if (slot.remaining > 0u) {
                        OutlinedButton(onClick = { onChosen(slot) }, enabled = !state.busy, modifier = Modifier.widthIn(min = 240.dp)) {
                            Text(stringResource(R.string.booking_slot, slot.start, slot.end, slot.remaining.toInt()))
                        }
                    } else if (state.rescheduling == null) {
                        TextButton(onClick = { model.joinWaitlist(slot) }, enabled = !state.busy, modifier = Modifier.widthIn(min = 240.dp)) {
                            Text(stringResource(R.string.booking_slot_full_join, slot.start, slot.end))
                        }
                    }
                }
            }
        }
    }
}

/** Where the patient stands on the day: the number being served, how many are ahead, a likely time. */
@Composable
private fun QueueLine(position: QueuePosition) {
    Column(verticalArrangement = Arrangement.spacedBy(2.dp)) {
        position.state.serving.firstOrNull()?.let { Text(stringResource(R.string.queue_serving, it.toInt())) }
        when (position.stage) {
            QueueStage.CALLED -> Text(stringResource(R.string.queue_called), style = MaterialTheme.typography.titleMedium)
            QueueStage.WAITING -> {
                position.ahead?.let { Text(stringResource(R.string.queue_ahead, it.toInt())) }
                position.estimatedCallAt?.let { Text(stringResource(R.string.queue_around, times.format(it))) }
            }
            else -> {}
        }
    }
}

@Composable
private fun ConfirmationScreen(state: BookingState, model: BookingViewModel, onDone: () -> Unit) {
    val shown = state.confirmation
    // On the day, where the patient stands in the queue, asked again every half minute.
    LaunchedEffect(shown?.id) {
        if (shown != null && shown.date == java.time.LocalDate.now()) {
            while (true) {
                model.refreshQueue(shown)
                kotlinx.coroutines.delay(30_000)
            }
        }
    }
    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        val appointment = state.confirmation
        val queued = state.queuedSlot
        when {
            appointment != null -> {
                Text(stringResource(R.string.booking_confirmed), style = MaterialTheme.typography.headlineSmall)
                Text(appointment.facilityName, style = MaterialTheme.typography.titleMedium)
                Text(appointment.facilityAddress, style = MaterialTheme.typography.bodySmall)
                Text("${days.format(appointment.date)} · ${appointment.start}–${appointment.end}")
                Text(stringResource(R.string.appointment_for, appointment.citizenName))
                appointment.room?.let { Text(stringResource(R.string.appointment_room, it)) }
                Text(stringResource(R.string.appointment_queue_number, appointment.queueNumber.toInt()), style = MaterialTheme.typography.titleLarge)
                Text(stringResource(R.string.appointment_code, appointment.code))
                val qr = remember(appointment.code) { runCatching { appointmentQr(appointment) }.getOrNull() }
                qr?.let { QrImage(it, stringResource(R.string.appointment_qr_description), Modifier.widthIn(max = 280.dp)) }
                state.queue?.let { QueueLine(it) }
                if (appointment.status == AppointmentStatus.BOOKED) {
                    Text(stringResource(R.string.appointment_cancellable_until, instants.format(appointment.cancellableUntil)), style = MaterialTheme.typography.bodySmall)
                }
            }
            queued != null -> {
                Text(stringResource(R.string.booking_queued_title), style = MaterialTheme.typography.headlineSmall)
                Text("${days.format(queued.date)} · ${queued.start}–${queued.end}")
                Text(stringResource(R.string.booking_queued))
            }
        }
        Button(onClick = onDone) { Text(stringResource(R.string.done)) }
    }
}
