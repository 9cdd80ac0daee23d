// The manual measurements the demo municipality has entered for the indicators no source measures yet: the
// employee survey and the printer reports, a few times a year with a comment each.
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Benefits;
using Oppdrift.Data;

namespace Oppdrift.Demo;

public static class DemoBenefits
{
    /// <summary>Per manual indicator (by name): its value at each quarter after the baseline, and the comment entered.</summary>
    private static readonly (string Indicator, double[] Values, string Comment)[] Manual =
    [
        ("Tilfredshet med digitale verktøy (1–5)", [3.5, 3.6, 3.6], "Pulsmåling i medarbeiderundersøkelsen"),
        ("Utskrevne sider per ansatt per måned", [38, 35, 36], "Månedsrapport fra skrivertjenesten"),
    ];

    public static async Task EnterManualMeasurementsAsync(IServiceProvider provider, ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken)
    {
        var queries = provider.GetRequiredService<BenefitsQueries>();
        var editor = provider.GetRequiredService<BenefitsEditor>();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        foreach (var (name, values, comment) in Manual)
        {
            if (await queries.IndicatorByNameAsync(name, cancellationToken) is not { } indicator)
            {
                continue;
            }
            for (var q = 0; q < values.Length; q++)
            {
                var date = indicator.BaselineDate.AddMonths(3 * (q + 1));
                if (date > today)
                {
                    break;
                }
                await editor.AddMeasurementAsync(new MeasurementInput(indicator.Id, null, date, values[q], comment), user, cancellationToken);
            }
        }
    }
}
