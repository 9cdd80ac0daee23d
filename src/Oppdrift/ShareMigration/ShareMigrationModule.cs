using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.Shared;

namespace Oppdrift.ShareMigration;

/// <summary>The ShareMigration module's services, form endpoints, downloads and JSON API.</summary>
public static class ShareMigrationModule
{
    /// <summary>This module's part in <see cref="Shared.BackgroundLoadStatus"/>: its file shares, scans and migration plan loading in the background.</summary>
    public const string BackgroundLoad = "Migration";

    public static IServiceCollection AddShareMigration(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<Shared.BackgroundLoadStatus>();
        services.AddSingleton(MigrationOptions.FromConfiguration(configuration));
        services.AddSingleton(MigrationStorage.FromConfiguration(configuration));
        services.AddScoped<MigrationPlans>();
        services.AddScoped<MigrationQueries>();
        return services;
    }

    public sealed record MappingResponse(int Id, string SourceFolder, string TargetKind, string SiteUrl, string Library, string TargetFolder,
        string TargetPath, string State, DateTime StateChangedAt, long Files, long Bytes, long? PathsTooLong, long? NameBlockers, bool? Ready);

    public sealed record ShareResponse(int Id, string Name, string? SourcePath, string Kind, DateTime? ScannedAt, long Files, long Folders, long Bytes,
        long Blockers, long Warnings, long CleanupFiles, long CleanupBytes, double? Readiness, double? Progress, bool Moved, IReadOnlyList<MappingResponse> Mappings);

    public sealed record AgencyResponse(string Code, string Name, long Files, long Bytes, long Blockers, long CleanupBytes, double? Readiness, double? Progress,
        bool Moved, IReadOnlyList<ShareResponse> Shares);

    public sealed record OverviewResponse(long Bytes, long MovedBytes, double? BytesMovedPercent, int AgenciesWithShares, int AgenciesMoved,
        double? AgenciesMovedPercent, IReadOnlyList<AgencyResponse> Agencies);

    public sealed record AttachResponse(int ShareId, int ScanId, bool AlreadyAttached, long Files, long Bytes);

    public static void MapShareMigrationApi(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/migration").ExcludeFromDescription()
            // Posts from the pages carry the antiforgery token; handlers that bind no form field would not check it by themselves.
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        // The page's form is read one part at a time too (StreamedForm), so its agency is checked before its file is read.
        forms.MapPost("/scans", AttachFromFormAsync).RequireAuthorization(Policies.Planning).WithMetadata(new StreamedFormAttribute())
            .WithScanUploadLimit(app);
        forms.MapPost("/mappings/{id:int}/state", StateFromFormAsync).RequireAuthorization(Policies.Planning);
        forms.MapPost("/mappings/{id:int}/delete", DeleteFromFormAsync).RequireAuthorization(Policies.Planning);
        forms.MapPost("/scans/{id:int}/delete", DeleteScanFromFormAsync).RequireAuthorization(Policies.Planning);
        forms.MapGet("/shares/{id:int}/spmt.csv", ShareCsvAsync).RequireAuthorization(Policies.Insight).AuditsExport("migration.spmt");
        forms.MapGet("/agencies/{code}/spmt.csv", AgencyCsvAsync).RequireAuthorization(Policies.Insight).AuditsExport("migration.spmt");
        forms.MapGet("/shares/{id:int}/findings.xlsx", WorkbookAsync).RequireAuthorization(Policies.Insight).AuditsExport("migration.findings");

        var api = app.MapGroup("/api/migration").WithTags("Migration");
        api.MapGet("", OverviewAsync).RequireAuthorization(Policies.Insight)
            .WithDescription("Per agency and share: volume, files, blockers, clean-up potential, readiness and progress, with the mappings and their checks.");
        api.MapPost("/scans", AttachAsync).RequireAuthorization(Policies.Planning)
            .WithScanUploadLimit(app)
            .WithDescription("Attaches a scan inventory (multipart: agency = code, share = name, sourcePath = \\\\server\\share, kind, file) to an agency's share. "
                + "The same inventory attached again changes nothing.");
    }

    /// <summary>
    /// A scan inventory can be large (a share of millions of files), so its endpoints take up to
    /// <c>ShareMigration:UploadMaxBytes</c> (default 4 GB) and a little more for the form's other fields; never unlimited.
    /// </summary>
    private static RouteHandlerBuilder WithScanUploadLimit(this RouteHandlerBuilder endpoint, IEndpointRouteBuilder app)
    {
        var bytes = app.ServiceProvider.GetRequiredService<MigrationOptions>().UploadMaxBytes + (1 << 20);
        return endpoint.WithMetadata(new RequestSizeLimitAttribute(bytes)).WithFormOptions(multipartBodyLengthLimit: bytes);
    }

    private static async Task<int?> AgencyIdAsync(OppdriftDb db, string? codeOrId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(codeOrId))
        {
            return null;
        }
        if (int.TryParse(codeOrId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return (await new OrganisationDirectory(db).AgencyAsync(id, cancellationToken))?.Id;
        }
        return (await new OrganisationDirectory(db).AgencyAsync(codeOrId, cancellationToken))?.Id;
    }

    /// <summary>
    /// Attaches an uploaded inventory, checking the caller's rights before the file is read: the policy already refuses anyone
    /// who plans no agency's migration before the body is touched, and the agency's own check comes when its field arrives,
    /// before the file part behind it. A multipart body is read one part at a time for that (the agency field must come
    /// before the file, as the page's form sends it): a script's here, the page's form from where <see cref="StreamedForm"/>
    /// left it after reading its fields for the antiforgery check.
    /// </summary>
    private static async Task<(Shared.Result<AttachOutcome> Result, bool Forbidden)> AttachCoreAsync(HttpRequest request, ClaimsPrincipal user,
        OppdriftDb db, MigrationPlans plans, CancellationToken cancellationToken)
    {
        // The Planning policy has refused, before the body was touched, anyone who plans no agency's migration.
        var streamed = request.HttpContext.Features.Get<StreamedForm>();
        var form = request.HttpContext.Features.Get<IFormFeature>()?.Form;
        if (form is null && (streamed is not null || (request.HasFormContentType && StreamedForm.Boundary(request.ContentType) is not null)))
        {
            var fields = new Dictionary<string, string>(streamed?.Fields ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            var reader = streamed?.Reader ?? new MultipartReader(StreamedForm.Boundary(request.ContentType)!, request.Body);
            var section = streamed is null ? await reader.ReadNextSectionAsync(cancellationToken) : streamed.File;
            for (; section is not null; section = await reader.ReadNextSectionAsync(cancellationToken))
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (!disposition.IsFileDisposition())
                {
                    using var text = new StreamReader(section.Body);
                    fields[name] = await text.ReadToEndAsync(cancellationToken);
                    continue;
                }
                if (name != "file")
                {
                    continue;
                }
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName.HasValue ? disposition.FileName : disposition.FileNameStar).Value ?? "";
                return await AttachPartsAsync(user, fields.GetValueOrDefault("agency"), fields.GetValueOrDefault("share"), fields.GetValueOrDefault("sourcePath"),
                    fields.GetValueOrDefault("kind"), fileName, fileName.Length == 0 ? null : section.Body, db, plans, cancellationToken);
            }
            return await AttachPartsAsync(user, fields.GetValueOrDefault("agency"), null, null, null, "", null, db, plans, cancellationToken);
        }
        form ??= request.HasFormContentType ? await request.ReadFormAsync(cancellationToken) : null;
        var file = form?.Files.GetFile("file");
        await using var content = file is { Length: > 0 } ? file.OpenReadStream() : null;
        return await AttachPartsAsync(user, form?["agency"], form?["share"], form?["sourcePath"], form?["kind"], file?.FileName ?? "", content, db, plans,
            cancellationToken);
    }

    private static async Task<(Shared.Result<AttachOutcome> Result, bool Forbidden)> AttachPartsAsync(ClaimsPrincipal user, string? agency, string? share,
        string? sourcePath, string? kind, string fileName, Stream? content, OppdriftDb db, MigrationPlans plans, CancellationToken cancellationToken)
    {
        var agencyId = await AgencyIdAsync(db, agency, cancellationToken);
        if (agencyId is null)
        {
            return (Shared.Result<AttachOutcome>.Fail("agency", MigrationText.Get("ErrorAgency")), false);
        }
        if (!MigrationAccess.CanEdit(user, agencyId.Value))
        {
            return (default, true);
        }
        if (content is null)
        {
            return (Shared.Result<AttachOutcome>.Fail("file", MigrationText.Get("ErrorNoFile")), false);
        }
        // The storage stops reading past the upload limit and answers "too large" with the file's name.
        var result = await plans.AttachAsync(new AttachRequest
        {
            AgencyId = agencyId.Value,
            ShareName = share ?? "",
            SourcePath = sourcePath,
            Kind = Enum.TryParse<ShareKind>(kind, ignoreCase: true, out var k) ? k : ShareKind.Department,
            FileName = Path.GetFileName(fileName),
            Actor = user.ActorName(),
        }, content, cancellationToken);
        return (result, false);
    }

    private static async Task<Results<RedirectHttpResult, ForbidHttpResult>> AttachFromFormAsync(HttpRequest request, ClaimsPrincipal user, OppdriftDb db,
        MigrationPlans plans, CancellationToken cancellationToken)
    {
        var (result, forbidden) = await AttachCoreAsync(request, user, db, plans, cancellationToken);
        if (forbidden)
        {
            return TypedResults.Forbid();
        }
        if (!result.Succeeded)
        {
            return Back("/migration", "error", result.Error!);
        }
        var outcome = result.Value!;
        return Back($"/migration/shares/{outcome.ShareId}", "done", outcome.AlreadyAttached ? "AlreadyAttached" : "Attached");
    }

    private static async Task<Results<Ok<AttachResponse>, BadRequest<ProblemDetails>, ForbidHttpResult>> AttachAsync(HttpRequest request, ClaimsPrincipal user,
        OppdriftDb db, MigrationPlans plans, CancellationToken cancellationToken)
    {
        var (result, forbidden) = await AttachCoreAsync(request, user, db, plans, cancellationToken);
        if (forbidden)
        {
            return TypedResults.Forbid();
        }
        if (!result.Succeeded)
        {
            return TypedResults.BadRequest(new ProblemDetails { Title = result.Error, Extensions = { ["field"] = result.Field } });
        }
        var o = result.Value!;
        return TypedResults.Ok(new AttachResponse(o.ShareId, o.ScanId, o.AlreadyAttached, o.Files, o.Bytes));
    }

    private static async Task<int?> MappingAgencyAsync(OppdriftDb db, int mappingId, CancellationToken cancellationToken) =>
        await db.ShareMappings.Where(m => m.Id == mappingId).Select(m => (int?)m.Share!.AgencyId).SingleOrDefaultAsync(cancellationToken);

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> StateFromFormAsync(int id, [FromForm] string? state, ClaimsPrincipal user,
        OppdriftDb db, MigrationPlans plans, CancellationToken cancellationToken)
    {
        if (await MappingAgencyAsync(db, id, cancellationToken) is not { } agencyId)
        {
            return TypedResults.NotFound();
        }
        if (!MigrationAccess.CanEdit(user, agencyId))
        {
            return TypedResults.Forbid();
        }
        var shareId = await db.ShareMappings.Where(m => m.Id == id).Select(m => m.ShareId).SingleAsync(cancellationToken);
        if (!Enum.TryParse<MappingState>(state, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed))
        {
            return Back($"/migration/shares/{shareId}", "error", MigrationText.Get("ErrorState"));
        }
        var result = await plans.SetStateAsync(id, parsed, user.ActorName(), cancellationToken);
        return result.Succeeded ? Back($"/migration/shares/{shareId}", "done", "State") : Back($"/migration/shares/{shareId}", "error", result.Error!);
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> DeleteFromFormAsync(int id, ClaimsPrincipal user, OppdriftDb db,
        MigrationPlans plans, CancellationToken cancellationToken)
    {
        if (await MappingAgencyAsync(db, id, cancellationToken) is not { } agencyId)
        {
            return TypedResults.NotFound();
        }
        if (!MigrationAccess.CanEdit(user, agencyId))
        {
            return TypedResults.Forbid();
        }
        var result = await plans.DeleteMappingAsync(id, user.ActorName(), cancellationToken);
        return result.Succeeded ? Back($"/migration/shares/{result.Value}", "done", "Deleted") : Back("/migration", "error", result.Error!);
    }

    private static async Task<Results<RedirectHttpResult, NotFound, ForbidHttpResult>> DeleteScanFromFormAsync(int id, ClaimsPrincipal user, OppdriftDb db,
        MigrationPlans plans, CancellationToken cancellationToken)
    {
        var agencyId = await db.ShareScans.Where(s => s.Id == id).Join(db.SourceShares, s => s.ShareId, s => s.Id, (_, share) => (int?)share.AgencyId)
            .SingleOrDefaultAsync(cancellationToken);
        if (agencyId is null)
        {
            return TypedResults.NotFound();
        }
        if (!MigrationAccess.CanEdit(user, agencyId.Value))
        {
            return TypedResults.Forbid();
        }
        var result = await plans.DeleteScanAsync(id, user.ActorName(), cancellationToken);
        return result.Succeeded ? Back($"/migration/shares/{result.Value}", "done", "ScanDeleted") : Back("/migration", "error", result.Error!);
    }

    private static async Task<Results<FileContentHttpResult, RedirectHttpResult, NotFound, ForbidHttpResult>> ShareCsvAsync(int id, ClaimsPrincipal user, OppdriftDb db,
        MigrationQueries queries, CancellationToken cancellationToken)
    {
        var agencyId = await db.SourceShares.Where(s => s.Id == id).Select(s => (int?)s.AgencyId).SingleOrDefaultAsync(cancellationToken);
        if (agencyId is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanSeeAgency(agencyId.Value))
        {
            return TypedResults.Forbid();
        }
        var shares = await queries.SharesAsync([agencyId.Value], null, cancellationToken, id);
        return Csv(shares, $"/migration/shares/{id}", FileName(shares[0].AgencyCode + "-" + shares[0].Share.Name));
    }

    private static async Task<Results<FileContentHttpResult, RedirectHttpResult, NotFound, ForbidHttpResult>> AgencyCsvAsync(string code, ClaimsPrincipal user,
        OppdriftDb db, MigrationQueries queries, CancellationToken cancellationToken)
    {
        var agencyId = (await new OrganisationDirectory(db).AgencyAsync(code, cancellationToken))?.Id;
        if (agencyId is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanSeeAgency(agencyId.Value))
        {
            return TypedResults.Forbid();
        }
        var shares = await queries.SharesAsync([agencyId.Value], null, cancellationToken);
        return Csv(shares, $"/migration?agency={Uri.EscapeDataString(code)}", FileName(code));
    }

    private static Results<FileContentHttpResult, RedirectHttpResult, NotFound, ForbidHttpResult> Csv(IReadOnlyList<SharePicture> shares, string back, string name)
    {
        var rows = MigrationExports.SpmtRows(shares);
        if (!rows.Succeeded)
        {
            return Back(back, "error", rows.Error!);
        }
        // UTF-8 with a byte order mark: the migration tools read the file as UTF-8 and Excel shows æøå right.
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(MigrationCsv.Write(rows.Value!))).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"spmt-{name}.csv");
    }

    private static async Task<Results<FileContentHttpResult, NotFound, ForbidHttpResult>> WorkbookAsync(int id, ClaimsPrincipal user, OppdriftDb db,
        MigrationQueries queries, MigrationStorage storage, MigrationOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var agencyId = await db.SourceShares.Where(s => s.Id == id).Select(s => (int?)s.AgencyId).SingleOrDefaultAsync(cancellationToken);
        if (agencyId is null)
        {
            return TypedResults.NotFound();
        }
        if (!user.CanSeeAgency(agencyId.Value))
        {
            return TypedResults.Forbid();
        }
        var share = (await queries.SharesAsync([agencyId.Value], null, cancellationToken, id))[0];
        var tallies = share.Scan is { } scan ? await queries.TalliesAsync(scan.Id, cancellationToken) : [];
        ScanReport? report = null;
        if (share.Scan is { } s && File.Exists(storage.PathOf(s.StoredName)))
        {
            using var inventory = ScanInventory.OpenForReading(storage.PathOf(s.StoredName), s.StoredName, out var error);
            if (error is null)
            {
                report = ScanReport.Read(inventory.Connection, new ReportOptions { StaleYears = options.StaleYears, Clock = clock });
            }
            SqliteConnection.ClearAllPools();
        }
        using var output = new MemoryStream();
        MigrationExports.Workbook(output, share, tallies, report, options.StaleYears);
        return TypedResults.File(output.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            $"funn-{FileName(share.AgencyCode + "-" + share.Share.Name)}.xlsx");
    }

    private static async Task<Ok<OverviewResponse>> OverviewAsync(ClaimsPrincipal user, MigrationQueries queries, TimeProvider clock, CancellationToken cancellationToken)
    {
        var agencies = await queries.AgenciesAsync(user.AgencyScope() is { } scoped ? [.. scoped] : null, null, cancellationToken);
        var picture = new MigrationProgressPicture(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), agencies);
        return TypedResults.Ok(new OverviewResponse(picture.Bytes, picture.MovedBytes, picture.BytesMovedPercent, picture.AgenciesWithShares, picture.AgenciesMoved,
            picture.AgenciesMovedPercent, [.. agencies.Where(a => a.Shares.Count > 0).Select(a => new AgencyResponse(a.Code, a.Name, a.Files, a.Bytes, a.Blockers,
                a.CleanupBytes, a.Readiness, a.Progress, a.IsMoved, [.. a.Shares.Select(s => new ShareResponse(s.Share.Id, s.Share.Name, s.Share.SourcePath,
                    s.Share.Kind.ToString(), s.Scan?.ScannedAt, s.Files, s.Scan?.Folders ?? 0, s.Bytes, s.Scan?.Blockers ?? 0, s.Scan?.Warnings ?? 0,
                    s.Scan?.CleanupFiles ?? 0, s.Scan?.CleanupBytes ?? 0, s.Readiness, s.Progress, s.IsMoved, [.. s.Mappings.Select(m => new MappingResponse(
                        m.Mapping.Id, m.Mapping.SourceFolder, m.Mapping.TargetKind.ToString(), m.Mapping.SiteUrl, m.Mapping.Library, m.Mapping.TargetFolder,
                        TargetCheck.TargetPath(m.Mapping.SiteUrl, m.Mapping.Library, m.Mapping.TargetFolder), m.Mapping.State.ToString(), m.Mapping.StateChangedAt,
                        m.Files, m.Bytes, m.Check?.PathsTooLong, m.Check?.NameBlockers, m.Check?.Ready))]))]))]));
    }

    private static string FileName(string text) =>
        new([.. text.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' ? ch : '-')]);

    private static RedirectHttpResult Back(string path, string key, string value) =>
        TypedResults.LocalRedirect($"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{key}={Uri.EscapeDataString(value.Length > 1500 ? value[..1500] + "…" : value)}");
}
