import BoxofficeDomain
import Foundation

/// The JSON in which booking and wallet updates cross the broker between instances: `{"updates": [...]}`, each
/// update with its `type` (`booking` or `wallet`).
enum LiveUpdateCoding {
    private struct Batch: Codable {
        var updates: [Update]
    }

    private struct Update: Codable {
        var type: String
        var customer: String
        var bookingId: UUID?
        var eventId: Int64?
        var status: String?
        var accountId: UUID?
        var balanceMinor: Int64?
        var currency: String?
    }

    /// Encodes the booking and wallet updates of a batch; seat map deltas never cross the broker.
    static func encode(_ updates: [LiveUpdate]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(Batch(updates: updates.compactMap { update in
            switch update {
            case .inventory:
                nil
            case .booking(let change):
                Update(type: "booking", customer: change.customer, bookingId: change.bookingID.rawValue, eventId: change.eventID.rawValue, status: change.status.rawValue)
            case .wallet(let change):
                Update(type: "wallet", customer: change.customer, accountId: change.accountID, balanceMinor: change.balanceMinor, currency: change.currency.code)
            }
        }))
    }

    /// Decodes a batch; updates it cannot read are left out.
    static func decode(_ data: Data) throws -> [LiveUpdate] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Batch.self, from: data).updates.compactMap { update in
            switch update.type {
            case "booking":
                guard let id = update.bookingId, let event = update.eventId, let status = update.status.flatMap(BookingStatus.init(rawValue:)) else { return nil }
                return .booking(BookingStatusChange(bookingID: BookingID(rawValue: id), eventID: EventID(rawValue: event), customer: update.customer, status: status))
            case "wallet":
                guard let id = update.accountId, let balance = update.balanceMinor, let currency = update.currency.flatMap(Currency.init) else { return nil }
                return .wallet(WalletChange(accountID: id, customer: update.customer, balanceMinor: balance, currency: currency))
            default:
                return nil
            }
        }
    }
}
