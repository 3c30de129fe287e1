package vn.healthbook.app.navigation

import androidx.annotation.StringRes
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.CalendarMonth
import androidx.compose.material.icons.filled.Favorite
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.Person
import androidx.compose.material.icons.filled.Vaccines
import androidx.compose.ui.graphics.vector.ImageVector
import vn.healthbook.app.R

/** The screens outside the signed-in area. */
object Routes {
    const val SIGN_IN = "sign-in"
    const val REGISTER = "register"
    const val VERIFY = "verify/{email}"
    const val MAIN = "main"

    fun verify(email: String) = "verify/${android.net.Uri.encode(email)}"
}

/**
 * The tabs of the signed-in area, in order. Each later area (teleconsultation) adds its tab here and its graph in
 * [MainScaffold]'s NavHost, with its screens in its own package, as `home` and `account` do.
 */
enum class MainTab(val route: String, @StringRes val label: Int, val icon: ImageVector) {
    HOME("home", R.string.tab_home, Icons.Filled.Home),
    BOOK("book", R.string.tab_book, Icons.Filled.Favorite),
    APPOINTMENTS("appointments", R.string.tab_appointments, Icons.Filled.CalendarMonth),
    VACCINATIONS("vaccinations", R.string.tab_vaccinations, Icons.Filled.Vaccines),
    ACCOUNT("account", R.string.tab_account, Icons.Filled.Person),
}
