import SwiftUI

/// A text field with the core's problem for it, if any, beneath.
struct FormField: View {
    let label: LocalizedStringKey
    @Binding var text: String
    var problem: String?
    var keyboard: UIKeyboardType = .default
    /// A free text of several lines (a note, a reason), written in sentences.
    var multiline = false

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            TextField(label, text: $text, axis: multiline ? .vertical : .horizontal)
                .keyboardType(keyboard)
                .textInputAutocapitalization(multiline ? .sentences : (keyboard == .default ? .words : .never))
                .autocorrectionDisabled()
                .textFieldStyle(.roundedBorder)
            if let problem {
                Text(problem).font(.footnote).foregroundStyle(.red)
            }
        }
    }
}
