using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Benefits;

/// <summary>The Benefits module's services on a test database, with a clock the test controls (25 Nov 2026, 08:00 UTC).</summary>
internal sealed class BenefitsServices(OppdriftDb db)
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    public DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    public UsageIndicatorQuery Usage => new(db, new UsageQueries(db, new SuppressionOptions(), Clock, new UsageFigureCache()));

    public BenefitsEditor Editor => new(db, Clock, Usage);

    public BenefitsMeasurer Measurer => new(db, Usage, Clock);

    public BenefitsQueries Queries => new(db, new OrganisationDirectory(db), new BenefitsOptions(), Clock);

    public BenefitsTemplate Template => new(db, Editor, Usage);

    public ClimateModel Climate => new(db, Usage, Clock);

    /// <summary>A goal and a benefit under it (for the whole municipality, or the agencies given), made by the central team.</summary>
    public async Task<(int Goal, int Benefit)> BenefitAsync(string name, DateOnly start, params int[] agencies)
    {
        var goal = await Editor.SaveGoalAsync(null, new GoalInput("Økt medarbeidertilfredshet " + name, null), BenefitsUsers.Central, default);
        Assert.True(goal.Succeeded, goal.Error);
        var benefit = await Editor.SaveBenefitAsync(null, new BenefitInput(goal.Value!.Id, name, null, "HR-direktør", start, start.AddYears(2), false, true,
            null, null, agencies), BenefitsUsers.Central, default);
        Assert.True(benefit.Succeeded, benefit.Error);
        return (goal.Value.Id, benefit.Value!.Id);
    }

    /// <summary>A survey score entered by hand: 1 to 5, baseline 3.4 on <paramref name="baseline"/>, 4.0 a year later.</summary>
    public static IndicatorInput Survey(int benefitId, DateOnly baseline) =>
        new(benefitId, "Tilfredshet med digitale verktøy", null, "poeng", true, IndicatorSource.Manual, null, baseline, 3.4, MeasurementSchedule.Quarterly,
            1, 5, null, [new TargetInput(baseline.AddYears(1), 4.0)]);

    public async Task<int> SurveyAsync(int benefitId, DateOnly baseline)
    {
        var indicator = await Editor.SaveIndicatorAsync(null, Survey(benefitId, baseline), BenefitsUsers.Central, default);
        Assert.True(indicator.Succeeded, indicator.Error);
        return indicator.Value!.Id;
    }

    public async Task<long> MeasureAsync(int indicatorId, int? agencyId, DateOnly date, double value, ClaimsPrincipal? user = null)
    {
        var measurement = await Editor.AddMeasurementAsync(new MeasurementInput(indicatorId, agencyId, date, value, "Pulsundersøkelsen"), user ?? BenefitsUsers.Central, default);
        Assert.True(measurement.Succeeded, measurement.Error);
        return measurement.Value!.Id;
    }
}

/// <summary>The people who act in the Benefits tests, as their sign-in would make them.</summary>
internal static class BenefitsUsers
{
    public static ClaimsPrincipal Central { get; } = BenefitsTemplate.System("endringsleder");

    public static ClaimsPrincipal SystemOwner { get; } = User("systemeier", Roles.Employee | Roles.SystemOwner);

    public static ClaimsPrincipal Employee { get; } = User("ansatt", Roles.Employee);

    public static ClaimsPrincipal Leader(params int[] agencies) => User("leder", Roles.Employee | Roles.AgencyLeader, agencies);

    private static ClaimsPrincipal User(string name, Roles roles, params int[] agencies) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, name),
                .. Enum.GetValues<Roles>().Where(r => r != Roles.None && roles.HasFlag(r)).Select(r => new Claim(ClaimTypes.Role, r.ToString())),
                .. agencies.Select(a => new Claim(OppdriftClaims.Agency, a.ToString(CultureInfo.InvariantCulture))),
            ], "test", ClaimTypes.Name, ClaimTypes.Role));
}
