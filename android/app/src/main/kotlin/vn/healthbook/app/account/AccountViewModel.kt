package vn.healthbook.app.account

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import java.util.UUID
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.endsSession
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.HealthBookClient
import vn.healthbook.domain.SessionInfo

data class AccountState(
    val sessions: List<SessionInfo> = emptyList(),
    val busy: Boolean = false,
    val message: UiMessage? = null,
    val signedOut: Boolean = false,
)

class AccountViewModel(private val core: HealthBookClient) : ViewModel() {
    private val mutable = MutableStateFlow(AccountState())
    val state: StateFlow<AccountState> = mutable

    init {
        load()
    }

    fun load() = run { mutable.update { it.copy(sessions = core.account().sessions()) } }

    fun endSession(id: UUID) = run {
        core.account().endSession(id)
        mutable.update { it.copy(sessions = core.account().sessions()) }
    }

    fun signOut(everywhere: Boolean) = run {
        core.auth().signOut(everywhere)
        mutable.update { it.copy(signedOut = true) }
    }

    private fun run(work: suspend () -> Unit) {
        mutable.update { it.copy(busy = true, message = null) }
        viewModelScope.launch {
            try {
                work()
            } catch (e: Exception) {
                if (e.endsSession()) mutable.update { it.copy(signedOut = true) }
                else mutable.update { it.copy(message = e.toUiMessage()) }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }
}
