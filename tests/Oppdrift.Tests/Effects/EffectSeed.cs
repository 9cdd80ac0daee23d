using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Effects;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;
using Oppdrift.Surveys;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Effects;

/// <summary>
/// Forty-five agencies of 50 to 490 people and one of four, with thirty weeks of daily Teams figures from Monday
/// 5 January 2026: each agency climbs a straight line of its own with daily noise, and <c>A00</c> jumps by
/// <see cref="Jump"/> from <see cref="JumpDay"/>. Deterministic: the same figures on every run.
/// </summary>
internal static class EffectSeed
{
    public static readonly DateOnly FirstDay = new(2026, 1, 5);

    public const int Days = 210;

    public static readonly DateOnly JumpDay = new(2026, 4, 6);

    public const double Jump = 0.20;

    public const string Tiny = "TNY";

    public static int People(int i) => 50 + (10 * i);

    public static string Code(int i) => $"A{i:00}";

    /// <summary>The share of agency <paramref name="i"/> active in Teams on day <paramref name="day"/> (0 = the first), before noise.</summary>
    public static double Share(int i, int day) =>
        0.30 + (0.01 * (i % 10)) + ((0.004 + (0.0005 * (i % 5))) * day / 7.0) + (i == 0 && FirstDay.AddDays(day) >= JumpDay ? Jump : 0);

    public static async Task<Dictionary<string, int>> SeedAsync(OppdriftDb db)
    {
        var codes = Enumerable.Range(0, 45).Select(Code).Append(Tiny).ToList();
        foreach (var code in codes)
        {
            db.Agencies.Add(new Agency { Code = code, Name = "Etat " + code, CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
        }
        await db.SaveChangesAsync();
        var ids = await db.Agencies.ToDictionaryAsync(a => a.Code, a => a.Id);
        var rows = new List<UsageFigureRow>();
        for (var i = 0; i <= 45; i++)
        {
            var tiny = i == 45;
            var people = tiny ? 4 : People(i);
            var id = ids[tiny ? Tiny : Code(i)];
            var random = new Random(1000 + i);
            for (var day = 0; day < Days; day++)
            {
                var share = Math.Clamp(Share(i, day) + ((random.NextDouble() - 0.5) * 0.06), 0, 1);
                var date = FirstDay.AddDays(day);
                rows.Add(new UsageFigureRow(date, 1, "teams.active7", id, (long)Math.Round(share * people), people));
                rows.Add(new UsageFigureRow(date, 1, "teams.chatMessages", id, (long)Math.Round(people * (1 + (share * 4) + random.NextDouble())), people));
            }
        }
        await using var transaction = await db.Database.BeginTransactionAsync();
        await UsageStore.InsertFiguresAsync(db, rows, default);
        await transaction.CommitAsync();
        return ids;
    }

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 8, 3, 8, 0, 0, TimeSpan.Zero));

    public static SuppressionOptions Suppression => new();

    public static EffectEstimator Estimator(OppdriftDb db, TimeProvider clock, EffectsOptions? options = null) =>
        new(db, new EffectPanels(new UsageWeeklyFigures(db), SurveyQueries(db)), new LearningQueries(db, Suppression), Suppression, options ?? new EffectsOptions(), clock);

    public static SurveyQueries SurveyQueries(OppdriftDb db) => new(db, new OrganisationDirectory(db), new SurveysOptions());

    public static InterventionLog Log(OppdriftDb db, TimeProvider clock) => new(db, new LearningQueries(db, Suppression), new EffectOutcomeCatalogue(SurveyQueries(db)), clock);

    public static EffectQueries Queries(OppdriftDb db) => new(db, new LearningQueries(db, Suppression), new EffectOutcomeCatalogue(SurveyQueries(db)));
}
