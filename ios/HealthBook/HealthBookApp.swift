import SwiftUI

@main
struct HealthBookApp: App {
    @StateObject private var app = AppModel()
    @Environment(\.scenePhase) private var phase

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(app)
                .onChange(of: phase) { phase in
                    // Back in the foreground: send what was done offline.
                    if phase == .active { app.syncInBackground() }
                }
        }
    }
}
