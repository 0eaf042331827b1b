import BoxofficeAuth
import BoxofficeDomain
import Foundation
import Hummingbird

/// The request context of every route: the framework's core storage with the API's JSON conventions, and the
/// principal the request acts for (set by the admission step; nil for an anonymous request).
public struct BoxofficeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// What the admission step let in; nil only before it ran.
    public var admitted: AdmittedRequest?
    /// The request's claim on its `Idempotency-Key` (set by the idempotency step), for its write to record; nil
    /// without a key.
    public var keyClaim: KeyClaim?
    /// What an earlier run of this same keyed request wrote (a booking's id) before it died unanswered: the request
    /// answers from it instead of writing again.
    public var committedEffect: String?
    /// The IP address the connection comes from (the gateway's, behind one).
    public let peerAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    public var requestDecoder: JSONDecoder { APICoding.makeDecoder() }
    public var responseEncoder: JSONEncoder { APICoding.makeEncoder() }

    /// Who the request acts for.
    public var principal: Principal? { admitted?.principal }
}
