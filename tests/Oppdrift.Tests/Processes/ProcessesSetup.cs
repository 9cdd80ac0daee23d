using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Processes;
using Oppdrift.Shared.Privacy;
using Oppdrift.Usage;

namespace Oppdrift.Tests.Processes;

/// <summary>The Processes module's services on a test database, with a clock the test controls (25 Nov 2026, 08:00 UTC).</summary>
internal sealed class ProcessServices(OppdriftDb db)
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    public DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    public BenefitsOptions Options { get; init; } = new();

    private UsageIndicatorQuery Usage => new(db, new UsageQueries(db, new SuppressionOptions(), Clock, new UsageFigureCache()));

    public BenefitsQueries Benefits => new(db, new OrganisationDirectory(db), Options, Clock);

    public BenefitsEditor BenefitsEditor => new(db, Clock, Usage);

    public ClimateModel Climate => new(db, Usage, Clock);

    public BenefitsMeasurer BenefitsMeasurer() => new(db, Usage, Clock, Options);

    public ProcessEditor Editor => new(db, Benefits, Clock);

    public ProcessQueries Queries => new(db, Options);

    public static Dictionary<ProcessMeasureKind, MeasureInput> Measures(double? minutes, int? sample = null, double? prints = null, double? emails = null,
        double? errors = null, double? leadTime = null)
    {
        var measures = new Dictionary<ProcessMeasureKind, MeasureInput>();
        void Add(ProcessMeasureKind kind, double? value, int? cases = null)
        {
            if (value is not null)
            {
                measures[kind] = new MeasureInput(value, cases);
            }
        }
        Add(ProcessMeasureKind.MinutesPerCase, minutes, sample);
        Add(ProcessMeasureKind.PrintsPerCase, prints);
        Add(ProcessMeasureKind.EmailsPerCase, emails);
        Add(ProcessMeasureKind.ErrorsPer100Cases, errors);
        Add(ProcessMeasureKind.LeadTimeDays, leadTime);
        return measures;
    }

    /// <summary>Inter-agency case handling by e-mail attachments, owned by <paramref name="owner"/>: 1,200 cases a year, 45 minutes each.</summary>
    public static ProcessInput Input(int owner, params int[] involved) => new()
    {
        Name = "Saksbehandling mellom etater på e-post",
        Description = "Saker sendes som vedlegg mellom etatene og lagres i hver sin innboks.",
        OwnerAgencyId = owner,
        AgencyIds = involved,
        ContactPerson = "Kari Nordmann, rådgiver",
        CurrentWay = WorkingWay.EmailAttachments,
        Target = ProcessTarget.SharePointLibrary,
        VolumePerYear = 1200,
        VolumeUnit = VolumeUnit.Cases,
        RegisteredOn = new DateOnly(2026, 3, 1),
        Before = Measures(45, 20, prints: 6, emails: 8, errors: 12, leadTime: 14),
    };

    public async Task<int> CreateAsync(ProcessInput input, ClaimsPrincipal? user = null)
    {
        var saved = await Editor.SaveAsync(null, input, user ?? ProcessUsers.Central, default);
        Assert.True(saved.Succeeded, saved.Error);
        return saved.Value!.Id;
    }

    /// <summary>Moves a process on <paramref name="movedOn"/> and records the measures after (30 minutes, 25 cases timed, 1 print, 2 e-mails, 4 errors, 6 days).</summary>
    public async Task MoveAndMeasureAsync(int id, DateOnly movedOn, ClaimsPrincipal? user = null)
    {
        var who = user ?? ProcessUsers.Central;
        Assert.True((await Editor.SetStateAsync(id, ProcessState.Moved, movedOn, who, default)).Succeeded);
        var after = await Editor.SaveAfterAsync(id, Measures(30, 25, prints: 1, emails: 2, errors: 4, leadTime: 6), who, default);
        Assert.True(after.Succeeded, after.Error);
        Assert.True((await Editor.SetStateAsync(id, ProcessState.Measured, null, who, default)).Succeeded);
    }
}

/// <summary>The people who act in the Processes tests, as their sign-in would make them.</summary>
internal static class ProcessUsers
{
    public static ClaimsPrincipal Central { get; } = BenefitsTemplate.System("endringsleder");

    public static ClaimsPrincipal SystemOwner { get; } = User("systemeier", Roles.Employee | Roles.SystemOwner);

    public static ClaimsPrincipal Leader(params int[] agencies) => User("leder", Roles.Employee | Roles.AgencyLeader, agencies);

    private static ClaimsPrincipal User(string name, Roles roles, params int[] agencies) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, name),
                .. Enum.GetValues<Roles>().Where(r => r != Roles.None && roles.HasFlag(r)).Select(r => new Claim(ClaimTypes.Role, r.ToString())),
                .. agencies.Select(a => new Claim(OppdriftClaims.Agency, a.ToString(CultureInfo.InvariantCulture))),
            ], "test", ClaimTypes.Name, ClaimTypes.Role));
}
