using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Oppdrift.Shared;

namespace Oppdrift.Web;

/// <summary>
/// OpenTelemetry traces and metrics (ASP.NET Core, HttpClient, EF Core, Npgsql, and Oppdrift's own jobs), exported through
/// OTLP when an endpoint is configured: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (with the other standard OTEL_* variables) or
/// <c>Oppdrift:Telemetry:OtlpEndpoint</c>. Without one nothing is collected.
/// </summary>
internal static class Telemetry
{
    public static void Add(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var standard = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var own = configuration["Oppdrift:Telemetry:OtlpEndpoint"];
        // Enabled without an exporter: a test adds its own (in memory).
        if (string.IsNullOrWhiteSpace(standard) && string.IsNullOrWhiteSpace(own) && !configuration.GetValue<bool>("Oppdrift:Telemetry:Enabled"))
        {
            return;
        }
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "oppdrift",
                serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation()
                .AddNpgsql()
                .AddSource(OppdriftTelemetry.Name))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(OppdriftTelemetry.Name));
        if (!string.IsNullOrWhiteSpace(own))
        {
            var protocol = string.Equals(configuration["Oppdrift:Telemetry:OtlpProtocol"], "http/protobuf", StringComparison.OrdinalIgnoreCase)
                ? OtlpExportProtocol.HttpProtobuf
                : OtlpExportProtocol.Grpc;
            telemetry.UseOtlpExporter(protocol, new Uri(own));
        }
        else if (!string.IsNullOrWhiteSpace(standard))
        {
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS and the rest itself.
            telemetry.UseOtlpExporter();
        }
    }
}
