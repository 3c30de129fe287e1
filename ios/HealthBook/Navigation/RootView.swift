import SwiftUI

/// Signed out: sign-in and registration. Signed in: the tabs.
struct RootView: View {
    @EnvironmentObject private var app: AppModel

    var body: some View {
        switch app.screen {
        case .signIn:
            NavigationStack { SignInView() }
        case .main:
            MainTabView()
        }
    }
}

/// The tabs of the signed-in area, in order. Each later area (teleconsultation) adds its tab here, with its screens and
/// models in its own folder, as Home and Account do.
struct MainTabView: View {
    var body: some View {
        TabView {
            NavigationStack { HomeView() }
                .tabItem { Label("tab.home", systemImage: "house") }
            HealthBookView()
                .tabItem { Label("tab.book", systemImage: "heart.text.square") }
            MyAppointmentsView()
                .tabItem { Label("tab.appointments", systemImage: "calendar") }
            VaccinationTabView()
                .tabItem { Label("tab.vaccinations", systemImage: "syringe") }
            NavigationStack { AccountView() }
                .tabItem { Label("tab.account", systemImage: "person.crop.circle") }
        }
    }
}
