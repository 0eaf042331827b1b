import Foundation
import Metrics
import Prometheus

/// Process-wide metrics, exposed at `GET /metrics` in the Prometheus text format: every swift-metrics metric of
/// the process (the message flow's counters among them), and the process's resident memory.
public enum Observability {
    /// Hummingbird's metric names (OpenTelemetry's, with dots) as Prometheus names.
    static let prometheusNames = [
        "hb.requests": "http_server_requests_total",
        "hb.request.errors": "http_server_request_errors_total",
        "http.server.request.duration": "http_server_request_duration_seconds",
        "http.server.active_requests": "http_server_active_requests",
    ]

    /// Sends every swift-metrics metric of the process to a Prometheus registry; call once, at start.
    /// - Returns: what renders the registry for `GET /metrics`.
    public static func bootstrapPrometheus() -> @Sendable () -> String {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (Self.prometheusNames[name] ?? name.replacingOccurrences(of: ".", with: "_"), labels.map { ($0.0.replacingOccurrences(of: ".", with: "_"), $0.1) })
        }
        factory.valueHistogramBuckets = [
            "boxoffice_batch_changes": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1_024, 4_096],
            "boxoffice_message_delay_seconds": [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
        ]
        MetricsSystem.bootstrap(factory)
        let resident = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "process", metricName: "resident_memory", unitName: "bytes", helpText: "Resident memory of the process in bytes."
        ))
        return {
            if let bytes = ProcessMemory.residentBytes() { resident.set(Double(bytes)) }
            return registry.emitToString()
        }
    }
}
