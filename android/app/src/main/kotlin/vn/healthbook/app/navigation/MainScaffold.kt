package vn.healthbook.app.navigation

import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Icon
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.navigation.NavGraph.Companion.findStartDestination
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import vn.healthbook.app.account.AccountScreen
import vn.healthbook.app.book.BookTab
import vn.healthbook.app.booking.BookingTab
import vn.healthbook.app.home.HomeScreen
import vn.healthbook.app.platform.CredentialManagerPasskeys
import vn.healthbook.app.vaccination.VaccinationTab
import vn.healthbook.core.HealthBookClient

/** The signed-in area: one tab per area of the app. */
@Composable
fun MainScaffold(core: HealthBookClient, passkeys: CredentialManagerPasskeys, onSignedOut: () -> Unit) {
    val tabs = rememberNavController()
    val current by tabs.currentBackStackEntryAsState()
    Scaffold(
        bottomBar = {
            NavigationBar {
                MainTab.entries.forEach { tab ->
                    NavigationBarItem(
                        selected = current?.destination?.route == tab.route,
                        onClick = {
                            tabs.navigate(tab.route) {
                                popUpTo(tabs.graph.findStartDestination().id) { saveState = true }
                                launchSingleTop = true
                                restoreState = true
                            }
                        },
                        icon = { Icon(tab.icon, contentDescription = null) },
                        label = { Text(stringResource(tab.label)) },
                    )
                }
            }
        },
    ) { padding ->
        NavHost(tabs, startDestination = MainTab.HOME.route, modifier = Modifier.padding(padding)) {
            composable(MainTab.HOME.route) { HomeScreen(core, passkeys, onSignedOut) }
            composable(MainTab.BOOK.route) { BookTab(core, onSignedOut) }
            composable(MainTab.APPOINTMENTS.route) { BookingTab(core, onSignedOut) }
            composable(MainTab.VACCINATIONS.route) { VaccinationTab(core, onSignedOut) }
            composable(MainTab.ACCOUNT.route) { AccountScreen(core, onSignedOut) }
        }
    }
}
