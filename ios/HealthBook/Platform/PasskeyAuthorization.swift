import AuthenticationServices
import HealthBookCore
import UIKit

/// Why the platform did not produce a passkey answer.
enum PasskeyPlatformError: Error {
    case cancelled
    case failed(Error)
}

/// The platform authenticator through AuthenticationServices. The core reads the pieces out
/// of the server's options and assembles the answer; this class only shows the sheet.
@MainActor
final class PasskeyAuthorization: NSObject {
    var relyingParty = "healthbook.gov.vn"
    private var continuation: CheckedContinuation<ASAuthorization, Error>?

    /// Creates a passkey for the account the options name.
    func register(_ creation: PasskeyCreation) async throws -> PlatformRegistration {
        let provider = ASAuthorizationPlatformPublicKeyCredentialProvider(relyingPartyIdentifier: creation.rpId)
        let request = provider.createCredentialRegistrationRequest(
            challenge: creation.challenge, name: creation.userName, userID: creation.userId
        )
        let authorization = try await perform(request)
        guard let credential = authorization.credential as? ASAuthorizationPlatformPublicKeyCredentialRegistration,
              let attestation = credential.rawAttestationObject else {
            throw PasskeyPlatformError.cancelled
        }
        return PlatformRegistration(
            credentialId: credential.credentialID,
            clientDataJson: credential.rawClientDataJSON,
            attestationObject: attestation
        )
    }

    /// Signs with a passkey: any of this site's when the request names none.
    func assert(_ request: PasskeyRequest) async throws -> PlatformAssertion {
        let provider = ASAuthorizationPlatformPublicKeyCredentialProvider(relyingPartyIdentifier: request.rpId)
        let assertion = provider.createCredentialAssertionRequest(challenge: request.challenge)
        assertion.allowedCredentials = request.allowCredentials.map {
            ASAuthorizationPlatformPublicKeyCredentialDescriptor(credentialID: $0)
        }
        let authorization = try await perform(assertion)
        guard let credential = authorization.credential as? ASAuthorizationPlatformPublicKeyCredentialAssertion else {
            throw PasskeyPlatformError.cancelled
        }
        return PlatformAssertion(
            credentialId: credential.credentialID,
            clientDataJson: credential.rawClientDataJSON,
            authenticatorData: credential.rawAuthenticatorData,
            signature: credential.signature,
            userHandle: credential.userID
        )
    }

    private func perform(_ request: ASAuthorizationRequest) async throws -> ASAuthorization {
        try await withCheckedThrowingContinuation { continuation in
            self.continuation = continuation
            let controller = ASAuthorizationController(authorizationRequests: [request])
            controller.delegate = self
            controller.presentationContextProvider = self
            controller.performRequests()
        }
    }
}

extension PasskeyAuthorization: ASAuthorizationControllerDelegate, ASAuthorizationControllerPresentationContextProviding {
    nonisolated func authorizationController(controller: ASAuthorizationController, didCompleteWithAuthorization authorization: ASAuthorization) {
        Task { @MainActor in
            continuation?.resume(returning: authorization)
            continuation = nil
        }
    }

    nonisolated func authorizationController(controller: ASAuthorizationController, didCompleteWithError error: Error) {
        Task { @MainActor in
            let cancelled = (error as? ASAuthorizationError)?.code == .canceled
            continuation?.resume(throwing: cancelled ? PasskeyPlatformError.cancelled : PasskeyPlatformError.failed(error))
            continuation = nil
        }
    }

    nonisolated func presentationAnchor(for controller: ASAuthorizationController) -> ASPresentationAnchor {
        MainActor.assumeIsolated {
            UIApplication.shared.connectedScenes
                .compactMap { ($0 as? UIWindowScene)?.keyWindow }
                .first ?? ASPresentationAnchor()
        }
    }
}
