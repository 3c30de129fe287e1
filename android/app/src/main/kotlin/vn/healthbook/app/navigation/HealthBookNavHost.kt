package vn.healthbook.app.navigation

import androidx.compose.runtime.Composable
import androidx.navigation.NavHostController
import androidx.navigation.NavType
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import androidx.navigation.navArgument
import vn.healthbook.app.platform.CredentialManagerPasskeys
import vn.healthbook.app.register.RegisterScreen
import vn.healthbook.app.register.VerifyEmailScreen
import vn.healthbook.app.signin.SignInScreen
import vn.healthbook.core.HealthBookClient

@Composable
fun HealthBookNavHost(core: HealthBookClient, passkeys: CredentialManagerPasskeys) {
    val nav = rememberNavController()
    val toMain = { nav.enterMain() }
    val toSignIn = { nav.leaveMain() }
    NavHost(navController = nav, startDestination = if (core.isSignedIn()) Routes.MAIN else Routes.SIGN_IN) {
        composable(Routes.SIGN_IN) {
            SignInScreen(core, passkeys, onSignedIn = toMain, onRegister = { nav.navigate(Routes.REGISTER) })
        }
        composable(Routes.REGISTER) {
            RegisterScreen(core, onRegistered = { email -> nav.navigate(Routes.verify(email)) }, onBack = { nav.popBackStack() })
        }
        composable(Routes.VERIFY, arguments = listOf(navArgument("email") { type = NavType.StringType })) { entry ->
            VerifyEmailScreen(core, email = entry.arguments?.getString("email").orEmpty(), onVerified = toMain)
        }
        composable(Routes.MAIN) {
            MainScaffold(core, passkeys, onSignedOut = toSignIn)
        }
    }
}

private fun NavHostController.enterMain() = navigate(Routes.MAIN) {
    popUpTo(0) { inclusive = true }
}

private fun NavHostController.leaveMain() = navigate(Routes.SIGN_IN) {
    popUpTo(0) { inclusive = true }
}
