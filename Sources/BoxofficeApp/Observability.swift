import Metrics
import Prometheus

/// Process-wide metrics, exposed at `GET /metrics` in the Prometheus text format: every swift-metrics metric of
/// the process (the message flow's counters among them), and the process's resident memory.
public enum Observability {
    /// Sends every swift-metrics metric of the process to a Prometheus registry; call once, at start.
    /// - Returns: what renders the registry for `GET /metrics`.
    public static func bootstrapPrometheus() -> @Sendable () -> String {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let resident = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "process", metricName: "resident_memory", unitName: "bytes", helpText: "Resident memory of the process in bytes."
        ))
        return {
            if let bytes = ProcessMemory.residentBytes() { resident.set(Double(bytes)) }
            return registry.emitToString()
        }
    }
}
