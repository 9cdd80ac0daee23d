// Reads goals, benefits and indicators with their measurements as they stood on a date, for the whole municipality
// or one agency: the one picture the pages and both reports are drawn from.
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;

namespace Oppdrift.Benefits;

public sealed record MeasurementView(long Id, DateOnly Date, double Value, bool Automatic, string? Comment, string EnteredBy, DateTime EnteredAt, BenefitStatus Status);

public sealed record IndicatorView(Indicator Indicator, IndicatorPlan Plan, IReadOnlyList<MeasurementView> Measurements)
{
    public MeasurementView? Latest => Measurements.Count == 0 ? null : Measurements[^1];

    public BenefitStatus Status => Latest?.Status ?? BenefitStatus.Unknown;

    public string SourceName => Indicator.Source switch
    {
        IndicatorSource.Usage when UsageMeasures.Find(Indicator.UsageMeasure) is { } m => BenefitsText.Get("SourceUsage", m.Name),
        IndicatorSource.Migration when MigrationMeasures.Find(Indicator.UsageMeasure) is { } m => BenefitsText.Get("SourceMigration", m.Name),
        IndicatorSource.Process when ProcessMeasures.Find(Indicator.UsageMeasure) is { } m => BenefitsText.Get("SourceProcess", m.Name),
        IndicatorSource.Survey when SurveyMeasures.Parse(Indicator.UsageMeasure) is { } m => BenefitsText.Get("SourceSurvey", m.Name),
        _ => BenefitsText.Get("SourceManual"),
    };
}

public sealed record BenefitView(Benefit Benefit, string GoalName, IReadOnlyList<(int Id, string Code, string Name)> Agencies,
    IReadOnlyList<IndicatorView> Indicators, int Employees)
{
    public BenefitStatus Status => IndicatorPlan.Worst(Indicators.Select(i => i.Status));

    /// <summary>The processes linked to the benefit in the process register: what its process indicators sum.</summary>
    public IReadOnlyList<Processes.LinkedProcess> Processes { get; init; } = [];

    public string AgencyNames => Agencies.Count == 0 ? BenefitsText.Get("WholeMunicipality") : string.Join(", ", Agencies.Select(a => a.Name));

    /// <summary>The priced value in the year ending on <paramref name="yearEnd"/>, from the indicators with hours per unit.</summary>
    public PricedValue Priced(DateOnly yearEnd, double hourlyCost)
    {
        var total = new PricedValue(0, 0, hourlyCost);
        if (!Benefit.Priced)
        {
            return total;
        }
        foreach (var view in Indicators.Where(i => i.Indicator.HoursPerUnit is > 0))
        {
            var latest = view.Measurements.LastOrDefault(m => m.Date <= yearEnd)?.Value;
            total += PricedValue.For(view.Plan, view.Indicator.HoursPerUnit!.Value, Employees, hourlyCost, yearEnd, latest);
        }
        return total;
    }
}

public sealed record GoalView(BenefitGoal Goal, IReadOnlyList<BenefitView> Benefits)
{
    public BenefitStatus Status => IndicatorPlan.Worst(Benefits.Select(b => b.Status));
}

/// <summary>Everything on a date for the municipality (AgencyId null) or one agency.</summary>
public sealed record BenefitsPicture(DateOnly Date, int? AgencyId, string ScopeName, IReadOnlyList<GoalView> Goals, double HourlyCost)
{
    public IEnumerable<BenefitView> Benefits => Goals.SelectMany(g => g.Benefits);

    /// <summary>The calendar years the benefits' periods cover, up to the picture's year.</summary>
    public IReadOnlyList<int> Years
    {
        get
        {
            var priced = Benefits.Where(b => b.Benefit.Priced).ToList();
            if (priced.Count == 0)
            {
                return [];
            }
            var first = priced.Min(b => b.Benefit.Start.Year);
            var last = priced.Max(b => b.Benefit.End.Year);
            return [.. Enumerable.Range(first, Math.Max(0, last - first + 1))];
        }
    }

    /// <summary>
    /// Only the benefits for the whole municipality and those naming one of <paramref name="scope"/>'s agencies (null: all),
    /// for a view such as the benefit map that lists benefits without an agency chosen.
    /// </summary>
    public BenefitsPicture VisibleTo(IReadOnlySet<int>? scope) => scope is null ? this : this with
    {
        Goals = [.. Goals.Select(g => g with { Benefits = [.. g.Benefits.Where(b => b.Agencies.Count == 0 || b.Agencies.Any(a => scope.Contains(a.Id)))] })],
    };

    /// <summary>A year's end, or the picture's date for the current year (realised cannot be known beyond it).</summary>
    public DateOnly YearEnd(int year) => new DateOnly(year, 12, 31) is var end && end > Date && year == Date.Year ? Date : new DateOnly(year, 12, 31);
}

/// <summary>
/// What a benefits page, report or API call shows a user: the agencies they may choose among, the one shown (null: the
/// municipality's own figures), and whether the municipality's view is theirs to choose at all.
/// </summary>
public sealed record BenefitsScope(IReadOnlyList<AgencyRow> Agencies, AgencyRow? Agency, bool SeesMunicipality)
{
    public int? AgencyId => Agency?.Id;

    public string? Code => Agency?.Code;
}

public sealed class BenefitsQueries(OppdriftDb db, OrganisationDirectory organisation, BenefitsOptions options, TimeProvider clock)
{
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>An indicator's id and baseline date by its name, or null when no indicator has that name.</summary>
    public async Task<(int Id, DateOnly BaselineDate)?> IndicatorByNameAsync(string name, CancellationToken cancellationToken)
    {
        var found = await db.Indicators.AsNoTracking().Where(i => i.Name == name).Select(i => new { i.Id, i.BaselineDate }).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : (found.Id, found.BaselineDate);
    }

    /// <summary>
    /// The indicators measured by hand, as "benefit: indicator (unit)", by benefit and name: where another module (Effects)
    /// can enter a measured result.
    /// </summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> ManualIndicatorNamesAsync(CancellationToken cancellationToken) =>
        [.. (await db.Indicators.AsNoTracking().Where(i => i.Source == IndicatorSource.Manual)
                .Select(i => new { i.Id, i.Name, i.Unit, Benefit = i.Benefit!.Name }).ToListAsync(cancellationToken))
            .OrderBy(i => i.Benefit, OrganisationQueries.NorwegianOrder).ThenBy(i => i.Name, OrganisationQueries.NorwegianOrder)
            .Select(i => (i.Id, $"{i.Benefit}: {i.Name} ({i.Unit})"))];

    /// <summary>Every benefit's id and name, by name: what another module (Processes) offers to link to.</summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> BenefitNamesAsync(CancellationToken cancellationToken) =>
        [.. (await db.Benefits.AsNoTracking().Select(b => new { b.Id, b.Name }).ToListAsync(cancellationToken))
            .OrderBy(b => b.Name, OrganisationQueries.NorwegianOrder).Select(b => (b.Id, b.Name))];

    public async Task<IReadOnlyList<BenefitGoal>> GoalsAsync(CancellationToken cancellationToken) =>
        await db.BenefitGoals.AsNoTracking().OrderBy(g => g.SortOrder).ThenBy(g => g.Id).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<AgencyRow>> AgenciesAsync(IReadOnlySet<int>? scope, CancellationToken cancellationToken) =>
        await organisation.AgenciesAsync(scope, cancellationToken);

    /// <summary>
    /// Scopes benefits as usage and migration are (<see cref="OppdriftClaims.AgencyScope"/>): an agency named by
    /// <paramref name="code"/> must be one the user sees (null when not: answer 403); without one, those who see the whole
    /// municipality get its view and an agency leader their own (first) agency, never the municipality's with every
    /// agency's benefits in it. A leader without agencies sees nothing (null).
    /// </summary>
    public async Task<BenefitsScope?> ScopeAsync(ClaimsPrincipal user, string? code, CancellationToken cancellationToken)
    {
        var scope = user.AgencyScope();
        var agencies = await organisation.AgenciesAsync(scope, cancellationToken);
        if (!string.IsNullOrEmpty(code))
        {
            return agencies.FirstOrDefault(a => a.Code == code) is { } named ? new BenefitsScope(agencies, named, scope is null) : null;
        }
        if (scope is null)
        {
            return new BenefitsScope(agencies, null, true);
        }
        return agencies.Count == 0 ? null : new BenefitsScope(agencies, agencies[0], false);
    }

    /// <summary>
    /// The picture on <paramref name="date"/>: measurements taken up to then for <paramref name="agencyId"/> (null: the
    /// municipality's own). An agency sees the benefits for the whole municipality and those that name it.
    /// </summary>
    public async Task<BenefitsPicture> PictureAsync(int? agencyId, DateOnly? date, CancellationToken cancellationToken, int? benefitId = null)
    {
        var day = date ?? Today;
        var basis = await BasisAsync(benefitId, cancellationToken);
        var measurements = (await db.Measurements.AsNoTracking()
            .Where(m => basis.IndicatorIds.Contains(m.IndicatorId) && m.AgencyId == agencyId && m.Date <= day)
            .ToListAsync(cancellationToken)).ToLookup(m => m.IndicatorId);
        return Picture(basis, agencyId, day, measurements);
    }

    /// <summary>What every picture is drawn from, whatever agency it is for: read once for a page that draws many.</summary>
    private sealed record PictureBasis(
        IReadOnlyList<BenefitGoal> Goals,
        IReadOnlyList<Benefit> Benefits,
        IReadOnlyList<int> IndicatorIds,
        ILookup<int, Processes.LinkedProcess> Linked,
        IReadOnlyDictionary<int, AgencyRow> Agencies,
        IReadOnlyDictionary<int, int> HeadCounts);

    private async Task<PictureBasis> BasisAsync(int? benefitId, CancellationToken cancellationToken)
    {
        var goals = await db.BenefitGoals.AsNoTracking().OrderBy(g => g.SortOrder).ThenBy(g => g.Id).ToListAsync(cancellationToken);
        var benefitQuery = db.Benefits.AsNoTracking().Include(b => b.Agencies).Include(b => b.Indicators).ThenInclude(i => i.Targets).AsSplitQuery();
        var benefits = await (benefitId is { } only ? benefitQuery.Where(b => b.Id == only) : benefitQuery).ToListAsync(cancellationToken);
        var indicatorIds = benefits.SelectMany(b => b.Indicators).Select(i => i.Id).ToList();
        var processBenefits = benefits.Where(b => b.Indicators.Any(i => i.Source == IndicatorSource.Process)).Select(b => b.Id).ToList();
        var linked = (processBenefits.Count == 0 ? [] : await new Processes.ProcessQueries(db, options).LinkedAsync(processBenefits, cancellationToken))
            .ToLookup(l => l.BenefitId);
        var agencies = (await organisation.AgenciesAsync(null, cancellationToken)).ToDictionary(a => a.Id);
        var headCounts = await organisation.HeadCountsAsync(null, cancellationToken);
        return new PictureBasis(goals, benefits, indicatorIds, linked, agencies, headCounts);
    }

    /// <summary>
    /// The picture for <paramref name="agencyId"/> (null: the municipality's own) from its <paramref name="measurements"/>
    /// (those taken up to <paramref name="day"/>, by indicator). An agency sees the benefits for the whole municipality and
    /// those that name it.
    /// </summary>
    private BenefitsPicture Picture(PictureBasis basis, int? agencyId, DateOnly day, ILookup<int, Measurement> measurements)
    {
        var benefits = agencyId is { } id
            ? basis.Benefits.Where(b => b.Agencies.Count == 0 || b.Agencies.Any(a => a.AgencyId == id))
            : basis.Benefits;
        var agencies = basis.Agencies;
        var headCounts = basis.HeadCounts;
        var scopeName = agencyId is { } a2 && agencies.TryGetValue(a2, out var agency) ? agency.Name : BenefitsText.Get("WholeMunicipality");

        var views = new List<GoalView>();
        foreach (var goal in basis.Goals)
        {
            var goalBenefits = new List<BenefitView>();
            foreach (var benefit in benefits.Where(b => b.GoalId == goal.Id).OrderBy(b => b.Name, OrganisationQueries.NorwegianOrder))
            {
                var named = benefit.Agencies.Select(x => agencies.GetValueOrDefault(x.AgencyId)).OfType<AgencyRow>()
                    .OrderBy(x => x.Name, OrganisationQueries.NorwegianOrder).Select(x => (x.Id, x.Code, x.Name)).ToList();
                var employees = agencyId is { } scoped ? headCounts.GetValueOrDefault(scoped)
                    : named.Count > 0 ? named.Sum(x => headCounts.GetValueOrDefault(x.Id)) : headCounts.Values.Sum();
                var indicators = benefit.Indicators.OrderBy(i => i.Id).Select(i =>
                {
                    // An agency is measured against its own baseline (its automatic measurement on the baseline date), and its
                    // targets ask for the same improvement the municipality's do.
                    var own = agencyId is null ? null : measurements[i.Id].Where(m => m.Automatic && m.Date == i.BaselineDate).Select(m => (double?)m.Value).FirstOrDefault();
                    var shift = own is { } value ? value - i.BaselineValue : 0;
                    var plan = new IndicatorPlan(i.BaselineValue + shift, i.BaselineDate, i.HigherIsBetter, [.. i.Targets.OrderBy(t => t.Date).Select(t => (t.Date, t.Value + shift))]);
                    var list = measurements[i.Id].Where(m => !(m.Automatic && m.Date == i.BaselineDate)).OrderBy(m => m.Date).ThenBy(m => m.EnteredAt)
                        .Select(m => new MeasurementView(m.Id, m.Date, m.Value, m.Automatic, m.Comment, m.EnteredBy, m.EnteredAt, plan.Status(m.Date, m.Value)))
                        .ToList();
                    return new IndicatorView(i, plan, list);
                }).ToList();
                goalBenefits.Add(new BenefitView(benefit, goal.Name, named, indicators, employees) { Processes = [.. basis.Linked[benefit.Id]] });
            }
            views.Add(new GoalView(goal, goalBenefits));
        }
        return new BenefitsPicture(day, agencyId, scopeName, views, options.HourlyCost);
    }

    /// <summary>Each agency's status per goal on a date, for the overview's table "per agency".</summary>
    public async Task<IReadOnlyList<(AgencyRow Agency, IReadOnlyList<BenefitStatus> Goals)>> AgencyStatusAsync(IReadOnlySet<int>? scope, DateOnly date,
        CancellationToken cancellationToken)
    {
        // One read of the goals, benefits and every agency's measurements, then each agency's picture drawn from them.
        var agencies = await organisation.AgenciesAsync(scope, cancellationToken);
        var basis = await BasisAsync(null, cancellationToken);
        var ids = agencies.Select(a => a.Id).ToList();
        var measurements = db.Measurements.AsNoTracking().Where(m => basis.IndicatorIds.Contains(m.IndicatorId) && m.AgencyId != null && m.Date <= date);
        var byAgency = (await (scope is null ? measurements : measurements.Where(m => ids.Contains(m.AgencyId!.Value))).ToListAsync(cancellationToken))
            .ToLookup(m => m.AgencyId!.Value);
        return AgencyStatus(basis, agencies, date, byAgency);
    }

    /// <summary>
    /// The municipality's picture on <paramref name="date"/> and each agency's status per goal (those in
    /// <paramref name="scope"/>; null: all), as the overview shows them: what <see cref="PictureAsync"/> and
    /// <see cref="AgencyStatusAsync"/> give, drawn from one read of the goals and benefits and one of the measurements.
    /// </summary>
    public async Task<(BenefitsPicture Picture, IReadOnlyList<(AgencyRow Agency, IReadOnlyList<BenefitStatus> Goals)> Agencies)> MunicipalityOverviewAsync(
        IReadOnlySet<int>? scope, DateOnly? date, CancellationToken cancellationToken)
    {
        var day = date ?? Today;
        var agencies = await organisation.AgenciesAsync(scope, cancellationToken);
        var basis = await BasisAsync(null, cancellationToken);
        var ids = agencies.Select(a => a.Id).ToList();
        var measurements = db.Measurements.AsNoTracking().Where(m => basis.IndicatorIds.Contains(m.IndicatorId) && m.Date <= day);
        var all = await (scope is null ? measurements : measurements.Where(m => m.AgencyId == null || ids.Contains(m.AgencyId!.Value)))
            .ToListAsync(cancellationToken);
        var picture = Picture(basis, null, day, all.Where(m => m.AgencyId is null).ToLookup(m => m.IndicatorId));
        return (picture, AgencyStatus(basis, agencies, day, all.Where(m => m.AgencyId is not null).ToLookup(m => m.AgencyId!.Value)));
    }

    private List<(AgencyRow Agency, IReadOnlyList<BenefitStatus> Goals)> AgencyStatus(PictureBasis basis, IReadOnlyList<AgencyRow> agencies, DateOnly date,
        ILookup<int, Measurement> byAgency) =>
        [.. agencies.Select(agency => (agency,
            (IReadOnlyList<BenefitStatus>)[.. Picture(basis, agency.Id, date, byAgency[agency.Id].ToLookup(m => m.IndicatorId)).Goals.Select(g => g.Status)]))];
}
