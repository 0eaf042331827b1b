import BoxofficeDomain
import Crypto
import Foundation

/// A URL an organizer registered to be told of some topics.
public struct WebhookEndpoint: Hashable, Sendable {
    /// The endpoint's id.
    public var id: UUID
    /// Where deliveries are sent.
    public var url: String
    /// The topics it is told of.
    public var topics: Set<Notice.Topic>
    /// The key its deliveries are signed with (`whsec_…`).
    public var secret: String
    /// Who registered it.
    public var createdBy: String
    /// When; it is told only of what happened after.
    public var createdAt: Date

    /// Creates an endpoint.
    public init(id: UUID, url: String, topics: Set<Notice.Topic>, secret: String, createdBy: String, createdAt: Date) {
        self.id = id
        self.url = url
        self.topics = topics
        self.secret = secret
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// A new endpoint with a fresh secret, from what an organizer sent.
    /// - Throws: ``WebhookError/invalidTopics(_:)`` when no topic, or an unknown one, is named; the URL's errors (see
    ///   ``WebhookURL``).
    public static func register(url: String, topics names: [String], by organizer: String, at: Date, allowPrivate: Bool) throws(WebhookError) -> WebhookEndpoint {
        let checked = try WebhookURL(url, allowPrivate: allowPrivate)
        let known = Notice.Topic.allCases.map(\.rawValue).joined(separator: ", ")
        guard !names.isEmpty else { throw .invalidTopics("Name at least one topic of: \(known).") }
        var topics: Set<Notice.Topic> = []
        for name in names {
            guard let topic = Notice.Topic(rawValue: name) else { throw .invalidTopics("\"\(name)\" is not a topic; the topics are: \(known).") }
            topics.insert(topic)
        }
        return WebhookEndpoint(id: UUID(), url: checked.description, topics: topics, secret: newSecret(), createdBy: organizer, createdAt: at)
    }

    /// 32 random bytes, written as `whsec_` and their base64url.
    static func newSecret() -> String {
        "whsec_" + Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// Whether it is told of `notice`: of a topic it subscribed to, after it was registered.
    public func wants(_ notice: Notice) -> Bool {
        topics.contains(notice.topic) && notice.at >= createdAt
    }
}
