import SwiftUI

/// A text field with the core's problem for it, if any, beneath.
struct FormField: View {
    let label: LocalizedStringKey
    @Binding var text: String
    var problem: String?
    var keyboard: UIKeyboardType = .default

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            TextField(label, text: $text)
                .keyboardType(keyboard)
                .textInputAutocapitalization(keyboard == .default ? .words : .never)
                .autocorrectionDisabled()
                .textFieldStyle(.roundedBorder)
            if let problem {
                Text(problem).font(.footnote).foregroundStyle(.red)
            }
        }
    }
}
