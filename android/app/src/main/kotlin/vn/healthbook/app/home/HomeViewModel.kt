package vn.healthbook.app.home

import android.os.Build
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import java.time.Instant
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.healthbook.app.R
import vn.healthbook.app.platform.CredentialManagerPasskeys
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.appLang
import vn.healthbook.app.ui.common.endsSession
import vn.healthbook.app.ui.common.fieldProblems
import vn.healthbook.app.ui.common.isOffline
import vn.healthbook.app.ui.common.problemsByField
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.ActionResult
import vn.healthbook.core.DependentOutcome
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.InputException
import vn.healthbook.core.nationalIdDigits
import vn.healthbook.core.parseDate
import vn.healthbook.domain.AddDependentRequest
import vn.healthbook.domain.Assurance
import vn.healthbook.domain.ExpectedChild
import vn.healthbook.domain.Me
import vn.healthbook.domain.Sex

data class HomeState(
    val me: Me? = null,
    val offline: Boolean = false,
    val syncedAt: Instant? = null,
    val pending: Int = 0,
    val busy: Boolean = false,
    val message: UiMessage? = null,
    val signedOut: Boolean = false,
    val dependentProblems: Map<String, String> = emptyMap(),
    val dependentDialogOpen: Boolean = false,
    /** Children facilities reported born to this citizen, each offered as a dependent. */
    val expectedChildren: List<ExpectedChild> = emptyList(),
    /** The offer the add-dependent form was opened from: its fields start filled. */
    val dependentFrom: ExpectedChild? = null,
) {
    /** A basic session without any passkey: offer one before health data is needed. */
    val offerPasskey get() = me != null && me.passkeys == 0u && me.assurance != Assurance.PASSKEY

    /** When a recovery that someone asked for opens, while it waits: the owner may stop it. */
    val recoveryOpensAt: Instant? get() = me?.recoveryPendingUntil
}

class HomeViewModel(private val core: HealthBookClient) : ViewModel() {
    private val mutable = MutableStateFlow(HomeState())
    val state: StateFlow<HomeState> = mutable

    init {
        viewModelScope.launch {
            showCached()
            refresh()
        }
    }

    /** What the phone holds, at once and without network. */
    private suspend fun showCached() {
        val offline = core.offline()
        mutable.update {
            it.copy(me = offline.me(), syncedAt = offline.syncedAt(), pending = offline.pending().size)
        }
    }

    /** Sends the offline queue, then reads the account fresh. */
    fun refresh() {
        viewModelScope.launch {
            try {
                val report = core.offline().sync()
                val conflict = report.outcomes.firstNotNullOfOrNull { outcome ->
                    when (val result = outcome.result) {
                        is ActionResult.Conflict -> result.detail
                        is ActionResult.Refused -> result.detail
                        is ActionResult.Invalid -> result.issues.joinToString { it.message(appLang()) }
                        is ActionResult.SlotFull -> result.detail
                        is ActionResult.Booked, ActionResult.Applied -> null
                    }
                }
                val me = core.account().me()
                val expected = core.account().expectedChildren()
                mutable.update {
                    it.copy(
                        me = me,
                        expectedChildren = expected,
                        offline = false,
                        syncedAt = core.offline().syncedAt(),
                        pending = report.remaining.toInt(),
                        message = conflict?.let { detail -> UiMessage(R.string.sync_conflict, listOf(detail)) },
                    )
                }
            } catch (e: Exception) {
                when {
                    e.isOffline() -> mutable.update { it.copy(offline = true) }
                    e.endsSession() -> mutable.update { it.copy(signedOut = true) }
                    else -> mutable.update { it.copy(message = e.toUiMessage()) }
                }
            }
        }
    }

    fun openDependentDialog(open: Boolean) =
        mutable.update { it.copy(dependentDialogOpen = open, dependentProblems = emptyMap(), dependentFrom = null) }

    /** The add-dependent form, filled with what the facility knew of the child. */
    fun addExpectedChild(child: ExpectedChild) =
        mutable.update { it.copy(dependentDialogOpen = true, dependentProblems = emptyMap(), dependentFrom = child) }

    /** The child is not in this citizen's care: the offer is not shown again. */
    fun dismissExpectedChild(child: ExpectedChild) {
        viewModelScope.launch {
            try {
                core.account().dismissExpectedChild(child.id)
                mutable.update { state -> state.copy(expectedChildren = state.expectedChildren.filter { it.id != child.id }) }
            } catch (e: Exception) {
                mutable.update { it.copy(message = e.toUiMessage()) }
            }
        }
    }

    fun addDependent(nationalId: String, fullName: String, dateOfBirth: String, sex: Sex) {
        val date = try {
            parseDate("date_of_birth", dateOfBirth)
        } catch (e: InputException.Invalid) {
            mutable.update { it.copy(dependentProblems = problemsByField(listOf(e.issue))) }
            return
        }
        val request = AddDependentRequest(nationalIdDigits(nationalId), fullName, date, sex)
        val problems = core.account().validateDependent(request)
        if (problems.isNotEmpty()) {
            mutable.update { it.copy(dependentProblems = problemsByField(problems)) }
            return
        }
        mutable.update { it.copy(busy = true) }
        viewModelScope.launch {
            try {
                val message = when (val outcome = core.account().addDependent(request)) {
                    is DependentOutcome.Added -> UiMessage(R.string.dependent_added, listOf(outcome.dependent.citizen.fullName))
                    is DependentOutcome.Queued -> UiMessage(R.string.dependent_queued, listOf(fullName))
                }
                showCached()
                // A child added from an offer takes it (the birth is now in the child's book).
                val expected = runCatching { core.account().expectedChildren() }.getOrNull()
                mutable.update {
                    it.copy(
                        message = message,
                        dependentDialogOpen = false,
                        dependentFrom = null,
                        expectedChildren = expected ?: it.expectedChildren,
                    )
                }
            } catch (e: Exception) {
                mutable.update { it.copy(message = e.toUiMessage(), dependentProblems = e.fieldProblems()) }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }

    /**
     * Stops a recovery of the account that someone else asked for. It needs a passkey session:
     * with an email-code session the core says so (sign in with the passkey first).
     */
    fun cancelRecovery() {
        mutable.update { it.copy(busy = true) }
        viewModelScope.launch {
            try {
                core.account().cancelRecovery()
                mutable.update { it.copy(message = UiMessage(R.string.recovery_cancelled)) }
                refresh()
            } catch (e: Exception) {
                mutable.update { it.copy(message = e.toUiMessage()) }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }

    fun setUpPasskey(passkeys: CredentialManagerPasskeys) {
        mutable.update { it.copy(busy = true) }
        viewModelScope.launch {
            try {
                val creation = core.auth().startPasskeyRegistration("${Build.MANUFACTURER} ${Build.MODEL}")
                val answer = passkeys.create(creation.requestJson)
                core.auth().finishPasskeyRegistration(creation.ceremonyId, answer)
                mutable.update { it.copy(message = UiMessage(R.string.passkey_added)) }
                refresh()
            } catch (e: Exception) {
                mutable.update { it.copy(message = e.toUiMessage()) }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }
}
