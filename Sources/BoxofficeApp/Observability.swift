import Metrics
import Prometheus

/// Process-wide metrics: counters of the message flow (published, retried, dead-lettered), exposed at
/// `GET /metrics` in the Prometheus text format.
public enum Observability {
    /// Sends every swift-metrics metric of the process to a Prometheus registry; call once, at start.
    /// - Returns: what renders the registry for `GET /metrics`.
    public static func bootstrapPrometheus() -> @Sendable () -> String {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return { registry.emitToString() }
    }
}
