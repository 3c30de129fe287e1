package vn.healthbook.app.vaccination

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.endsSession
import vn.healthbook.app.ui.common.isOffline
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.DueView
import vn.healthbook.core.HealthBookClient

data class VaccinationState(
    /** The citizen first, then each dependent, each with the day's due list. */
    val family: List<DueView> = emptyList(),
    val chosen: Int = 0,
    val offline: Boolean = false,
    val busy: Boolean = false,
    val message: UiMessage? = null,
    val signedOut: Boolean = false,
) {
    val person: DueView? get() = family.getOrNull(chosen)
}

/**
 * The family's vaccinations. The core works the due list out from each book's section III,
 * so it shows offline too (from the phone's copy); this only asks it.
 */
class VaccinationViewModel(private val core: HealthBookClient) : ViewModel() {
    private val mutable = MutableStateFlow(VaccinationState())
    val state: StateFlow<VaccinationState> = mutable

    init {
        reload()
    }

    fun choose(index: Int) = mutable.update { it.copy(chosen = index) }

    /** Sends what waits, then reads the books again (the phone's copy offline). */
    fun reload() {
        mutable.update { it.copy(busy = true, message = null) }
        viewModelScope.launch {
            try {
                core.offline().sync()
                val family = core.vaccination().familyDue()
                mutable.update {
                    it.copy(family = family, chosen = it.chosen.coerceIn(0, maxOf(0, family.size - 1)), offline = family.any { v -> v.fromCache })
                }
            } catch (e: Exception) {
                when {
                    e.endsSession() -> mutable.update { it.copy(signedOut = true) }
                    e.isOffline() -> mutable.update { it.copy(offline = true, message = e.toUiMessage()) }
                    else -> mutable.update { it.copy(message = e.toUiMessage()) }
                }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }
}
