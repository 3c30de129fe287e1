package vn.healthbook.app.certificates

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.healthbook.app.platform.QrScanner
import vn.healthbook.app.ui.common.UiMessage
import vn.healthbook.app.ui.common.isOffline
import vn.healthbook.app.ui.common.toUiMessage
import vn.healthbook.core.CertificateException
import vn.healthbook.core.CertificateCheck
import vn.healthbook.core.HealthBookClient
import vn.healthbook.core.ListsStatus
import vn.healthbook.core.SavedCertificate

data class CertificatesState(
    val saved: List<SavedCertificate> = emptyList(),
    val lists: ListsStatus? = null,
    /** The text being checked (scanned or pasted) and its verdict. */
    val text: String = "",
    val check: CertificateCheck? = null,
    /** The saved certificate whose QR code is showing. */
    val showing: SavedCertificate? = null,
    val offline: Boolean = false,
    val busy: Boolean = false,
    val message: UiMessage? = null,
)

/**
 * "My certificates" and the verifier. Everything is decided in the core, offline: this only
 * asks it, and refreshes the signed lists when the network allows.
 */
class CertificatesViewModel(private val core: HealthBookClient, private val scanner: QrScanner) : ViewModel() {
    private val mutable = MutableStateFlow(CertificatesState())
    val state: StateFlow<CertificatesState> = mutable

    init {
        run { reload() }
        refreshLists()
    }

    private suspend fun reload() {
        val certificates = core.certificates()
        mutable.update { it.copy(saved = certificates.saved(), lists = certificates.status()) }
    }

    /** Fetches the lists when they changed; offline, the stored ones go on working. */
    fun refreshLists() = run {
        try {
            core.certificates().refresh()
            mutable.update { it.copy(offline = false) }
        } catch (e: CertificateException) {
            if (!e.isOffline()) throw e
            mutable.update { it.copy(offline = true) }
        }
        reload()
    }

    fun text(value: String) = mutable.update { it.copy(text = value, check = null) }

    fun verify() = run {
        val text = mutable.value.text.trim()
        if (text.isEmpty()) return@run
        mutable.update { it.copy(check = core.certificates().verify(text)) }
    }

    fun scan() = run {
        val text = scanner.scan() ?: return@run
        mutable.update { it.copy(text = text, check = core.certificates().verify(text)) }
    }

    fun save() = run {
        core.certificates().save(mutable.value.text.trim())
        mutable.update { it.copy(text = "", check = null) }
        reload()
    }

    fun show(certificate: SavedCertificate?) = mutable.update { it.copy(showing = certificate) }

    fun remove(certificate: SavedCertificate) = run {
        core.certificates().remove(certificate.id)
        mutable.update { it.copy(showing = null) }
        reload()
    }

    private fun run(work: suspend () -> Unit) {
        mutable.update { it.copy(busy = true, message = null) }
        viewModelScope.launch {
            try {
                work()
            } catch (e: Exception) {
                mutable.update { it.copy(message = e.toUiMessage()) }
            } finally {
                mutable.update { it.copy(busy = false) }
            }
        }
    }
}
