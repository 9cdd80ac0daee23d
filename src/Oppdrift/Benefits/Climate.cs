// The climate footprint of the digital habits the rollout changes, as a range (low, central, high), never one falsely
// precise number. Each factor carries its published source; the municipality may change any of them.
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Usage;

namespace Oppdrift.Benefits;

/// <summary>A factor's default: kilograms CO2e per unit of activity, low, central and high, and where the numbers come from.</summary>
public sealed record ClimateFactorDefault(string Key, double Low, double Central, double High, string Source);

public readonly record struct ClimateRange(double Low, double Central, double High)
{
    public static ClimateRange operator +(ClimateRange a, ClimateRange b) => new(a.Low + b.Low, a.Central + b.Central, a.High + b.High);

    public static ClimateRange operator *(ClimateRange a, double quantity) => new(a.Low * quantity, a.Central * quantity, a.High * quantity);

    public static readonly ClimateRange Zero = new(0, 0, 0);
}

public static class ClimateFactors
{
    public const string EmailSent = "emailSent";
    public const string LinkInsteadOfAttachment = "linkInsteadOfAttachment";
    public const string StorageGbYear = "storageGbYear";
    public const string PrintedPage = "printedPage";
    public const string CarKm = "carKm";

    public static IReadOnlyList<ClimateFactorDefault> Defaults { get; } =
    [
        new(EmailSent, 0.0003, 0.004, 0.010,
            "Mike Berners-Lee, How Bad Are Bananas? (Profile Books, 2010): 0.3 g CO2e for a spam e-mail, 4 g for a typical e-mail. "
            + "High: 4 g plus one copy recipient, about 6 g (McAfee/ICF, The Carbon Footprint of Email Spam, 2009, as reported by AFP, 26 Nov 2015)."),
        new(LinkInsteadOfAttachment, 0, 0.023, 0.046,
            "Mike Berners-Lee, How Bad Are Bananas? (2010): an e-mail with a large attachment 50 g CO2e against 4 g for a typical e-mail, "
            + "so at most 46 g saved by sharing a link; low: a small attachment saves next to nothing; central: the midpoint."),
        new(StorageGbYear, 0.003, 0.005, 0.007,
            "Storing 1 GB for a year in a cloud data centre: roughly 0.003–0.007 kg CO2e depending on the provider's energy mix "
            + "(Joteo, Paper vs digital carbon calculator, joteo.net); central: the midpoint."),
        new(PrintedPage, 0.0035, 0.005, 0.006,
            "ezeep, CO2-neutral printing (ezeep.com): about 1.2 kg CO2e per kg of new office paper and 0.7 kg for recycled, 5 g per 80 g/m² A4 page "
            + "(low: recycled paper, 3.5 g), about 1 g more on a laser printer (high: 6 g)."),
        new(CarKm, 0.118, 0.170, 0.270,
            "Low: the EU average of new passenger cars in 2016, 118.1 g CO2/km (EEA, CO2 performance of new passenger cars). Central and high: "
            + "UK Government GHG conversion factors for company reporting (DESNZ, 2023), average car of unknown fuel about 0.17 kg CO2e/km, large petrol car about 0.27."),
    ];

    public static ClimateFactorDefault Default(string key) => Defaults.Single(d => d.Key == key);
}

/// <summary>Climate activity over one period for one agency or the municipality, and the footprint it gives.</summary>
public sealed record ClimateFootprint(
    DateOnly From, DateOnly To, double? EmailsSent, double? LinksShared, double? StoredGb, long PrintedPages, double TravelKmAvoided,
    ClimateRange Emails, ClimateRange Storage, ClimateRange Printing, ClimateRange LinksAvoided, ClimateRange TravelAvoided, bool Hidden)
{
    public ClimateRange Footprint => Emails + Storage + Printing;

    public ClimateRange Avoided => LinksAvoided + TravelAvoided;

    /// <summary>Works out the ranges from the activity and the factors (kg CO2e per unit).</summary>
    public static ClimateFootprint Compute(DateOnly from, DateOnly to, double? emailsSent, double? linksShared, double? storedGb, long printedPages,
        double travelKm, IReadOnlyDictionary<string, ClimateRange> factors, bool hidden)
    {
        ArgumentNullException.ThrowIfNull(factors);
        // Storage is a state: a year's footprint is the stored amount times the part of a year the period covers.
        var years = (to.DayNumber - from.DayNumber + 1) / 365.0;
        return new ClimateFootprint(from, to, emailsSent, linksShared, storedGb, printedPages, travelKm,
            factors[ClimateFactors.EmailSent] * (emailsSent ?? 0),
            factors[ClimateFactors.StorageGbYear] * ((storedGb ?? 0) * years),
            factors[ClimateFactors.PrintedPage] * printedPages,
            factors[ClimateFactors.LinkInsteadOfAttachment] * (linksShared ?? 0),
            factors[ClimateFactors.CarKm] * travelKm,
            hidden);
    }
}

public sealed record ClimateFactorRow(string Key, double Low, double Central, double High, string Source, bool Changed);

public sealed class ClimateModel(OppdriftDb db, UsageIndicatorQuery usage, TimeProvider clock)
{
    private static readonly string[] Emails = ["exchange.sent"];
    private static readonly string[] Links = ["onedrive.sharedInternally", "onedrive.sharedExternally", "sharepoint.sharedInternally", "sharepoint.sharedExternally"];
    private static readonly string[] Storage = ["exchange.storageBytes", "onedrive.storageBytes", "sharepoint.storageBytes"];

    public Task<IReadOnlyList<ClimateFactorRow>> FactorsAsync(CancellationToken cancellationToken) => FactorsAsync(db, cancellationToken);

    /// <summary>The factors as the municipality has set them (the defaults where it has not), for readers without the usage figures.</summary>
    public static async Task<IReadOnlyList<ClimateFactorRow>> FactorsAsync(OppdriftDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var changed = await db.ClimateFactors.AsNoTracking().ToDictionaryAsync(f => f.Key, cancellationToken);
        return [.. ClimateFactors.Defaults.Select(d => changed.TryGetValue(d.Key, out var c)
            ? new ClimateFactorRow(d.Key, c.Low, c.Central, c.High, c.Source, true)
            : new ClimateFactorRow(d.Key, d.Low, d.Central, d.High, d.Source, false))];
    }

    public async Task<Shared.Result<ClimateFactorRow>> SaveFactorAsync(string key, double? low, double? central, double? high, string? source,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!BenefitsAccess.IsCentral(user))
        {
            return Shared.Result<ClimateFactorRow>.Fail("", BenefitsText.Get("ErrorNotAllowed"));
        }
        if (ClimateFactors.Defaults.All(d => d.Key != key))
        {
            return Shared.Result<ClimateFactorRow>.Fail("Key", BenefitsText.Get("ErrorNotFound"));
        }
        if (low is not { } lo || central is not { } mid || high is not { } hi || !double.IsFinite(lo) || !double.IsFinite(mid) || !double.IsFinite(hi) || lo < 0 || lo > mid || mid > hi)
        {
            return Shared.Result<ClimateFactorRow>.Fail("Low", BenefitsText.Get("ErrorFactorOrder"));
        }
        if (string.IsNullOrWhiteSpace(source))
        {
            return Shared.Result<ClimateFactorRow>.Fail("Source", BenefitsText.Get("ErrorRequired", BenefitsText.Get("FactorSource")));
        }
        if (source.Trim().Length > BenefitsLengths.Source)
        {
            return Shared.Result<ClimateFactorRow>.Fail("Source", BenefitsText.Get("ErrorTooLong", BenefitsText.Get("FactorSource"), BenefitsLengths.Source));
        }
        var before = (await FactorsAsync(cancellationToken)).Single(f => f.Key == key);
        var factor = await db.ClimateFactors.SingleOrDefaultAsync(f => f.Key == key, cancellationToken);
        if (factor is null)
        {
            factor = new ClimateFactor { Key = key, Source = "", ChangedBy = "" };
            db.ClimateFactors.Add(factor);
        }
        (factor.Low, factor.Central, factor.High, factor.Source) = (lo, mid, hi, source.Trim());
        factor.ChangedBy = user.ActorName();
        factor.ChangedAt = clock.GetUtcNow().UtcDateTime;
        var after = new ClimateFactorRow(key, lo, mid, hi, factor.Source, true);
        AuditLog.Record(db, clock, user.ActorName(), "benefits.climate.factor", key, before, after);
        await db.SaveChangesAsync(cancellationToken);
        return Shared.Result<ClimateFactorRow>.Ok(after);
    }

    public async Task<Shared.Result<ClimateActivity>> SaveActivityAsync(int year, int? agencyId, long? printedPages, double? travelKm,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!BenefitsAccess.CanMeasure(user, agencyId))
        {
            return Shared.Result<ClimateActivity>.Fail("AgencyId", BenefitsText.Get("ErrorMeasureAgency"));
        }
        if (year < 2000 || year > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).Year)
        {
            return Shared.Result<ClimateActivity>.Fail("Year", BenefitsText.Get("ErrorYear"));
        }
        if (printedPages is not { } pages || pages < 0 || travelKm is not { } km || km < 0 || !double.IsFinite(km))
        {
            return Shared.Result<ClimateActivity>.Fail("PrintedPages", BenefitsText.Get("ErrorActivity"));
        }
        var activity = await db.ClimateActivities.SingleOrDefaultAsync(a => a.Year == year && a.AgencyId == agencyId, cancellationToken);
        object? before = activity is null ? null : new { activity.Year, activity.AgencyId, activity.PrintedPages, activity.TravelKmAvoided };
        if (activity is null)
        {
            activity = new ClimateActivity { Year = year, AgencyId = agencyId, EnteredBy = "" };
            db.ClimateActivities.Add(activity);
        }
        activity.PrintedPages = pages;
        activity.TravelKmAvoided = km;
        activity.EnteredBy = user.ActorName();
        activity.EnteredAt = clock.GetUtcNow().UtcDateTime;
        AuditLog.Record(db, clock, user.ActorName(), "benefits.climate.activity", year.ToString(System.Globalization.CultureInfo.InvariantCulture), before,
            new { activity.Year, activity.AgencyId, activity.PrintedPages, activity.TravelKmAvoided });
        await db.SaveChangesAsync(cancellationToken);
        return Shared.Result<ClimateActivity>.Ok(activity);
    }

    /// <summary>The footprint of the year up to <paramref name="to"/> (the 365 days ending then) for one agency or the municipality.</summary>
    public async Task<ClimateFootprint> FootprintAsync(int? agencyId, DateOnly to, CancellationToken cancellationToken) =>
        await FootprintAsync(agencyId, to, await FactorsAsync(cancellationToken), cancellationToken);

    /// <summary>The footprint with <paramref name="factors"/> already read, for a page that shows them too.</summary>
    public async Task<ClimateFootprint> FootprintAsync(int? agencyId, DateOnly to, IReadOnlyList<ClimateFactorRow> factors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factors);
        var from = to.AddDays(-364);
        var ranges = factors.ToDictionary(f => f.Key, f => new ClimateRange(f.Low, f.Central, f.High));
        // The three totals in one read of the figures and their suppression, not one each.
        var totals = await usage.TotalsAsync([Emails, Links, Storage], agencyId, from, to, cancellationToken);
        var (emails, links, storage) = (totals[0], totals[1], totals[2]);
        var activities = await db.ClimateActivities.AsNoTracking()
            .Where(a => a.AgencyId == agencyId && (a.Year == to.Year || a.Year == from.Year)).ToListAsync(cancellationToken);
        // Entered figures are per calendar year: take the year the period mostly falls in.
        var year = to.DayOfYear >= 183 ? to.Year : from.Year;
        var entered = activities.FirstOrDefault(a => a.Year == year);
        return ClimateFootprint.Compute(from, to, emails.Value, links.Value, storage.Value / 1e9, entered?.PrintedPages ?? 0, entered?.TravelKmAvoided ?? 0,
            ranges, emails.IsSuppressed || links.IsSuppressed || storage.IsSuppressed);
    }
}
