import BoxofficeAuth
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeTickets
import Foundation
import HTTPTypes
import NIOCore

extension FlashSaleChannelHandler {
    /// Answers a scan at an event's door on the event loop, when the route would answer it the same way: an
    /// organizer's or known door staff's scan (the staff directory's remembered answer; otherwise the route asks the
    /// store), in the plain body a scanner sends, with a valid nonce and gate. The desk decides it as the route's
    /// would; the answer and its count are the route's.
    /// - Returns: false when the route must answer it.
    func checkIn(_ body: ByteBuffer, at event: EventID, admitted: AdmittedRequest, context: ChannelHandlerContext) -> Bool {
        let now = admission.now()
        guard let tickets, let principal = admitted.principal, let shown = try? engine.engine(for: event).snapshot.event,
            principal.role == .organizer || tickets.staff.rememberedAnswer(principal.owner, of: event, now: now) == true,
            let request = try? CheckinRequestBody(plainJSON: body)?.request(by: principal.owner)
        else { return false }
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        Task {
            let answer: Result<CheckinBody, any Error>
            do {
                let decided = try await tickets.desk.checkIn(request, at: event, now: now)
                tickets.counters.count(decided.result, at: event)
                answer = .success(CheckinBody(decided, event: shown))
            } catch {
                answer = .failure(error)
            }
            loop.execute { bound.value.handler.checkedIn(answer, instance: admitted.path.text, context: bound.value.context) }
        }
        return true
    }

    private func checkedIn(_ answer: Result<CheckinBody, any Error>, instance: String, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        switch answer {
        case .success(let body):
            respond(.ok, [.contentType: "application/json; charset=utf-8"], body: body.json, route: .checkin, context: context)
        case .failure(let error):
            let problem = ProblemMiddleware<BoxofficeRequestContext>.problem(for: error, logger: logger)
            respond(problem, instance: instance, route: .checkin, context: context)
        }
        answered(context: context)
    }
}
