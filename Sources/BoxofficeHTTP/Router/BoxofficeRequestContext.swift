import Foundation
import Hummingbird

/// The request context of every route: the framework's core storage with the API's JSON conventions.
public struct BoxofficeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    public var requestDecoder: JSONDecoder { APICoding.makeDecoder() }
    public var responseEncoder: JSONEncoder { APICoding.makeEncoder() }
}
