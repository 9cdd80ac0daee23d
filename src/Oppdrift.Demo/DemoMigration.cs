// The demo municipality's file share migration: a file share per agency for eight agencies, generated on disk with
// what real shares hold (years of minutes and budgets, copies, old archives, names SharePoint refuses, a deep project
// nest, a big recording), scanned by the real scanner, attached through the real plan over the past months, mapped to
// SharePoint sites and moved at different paces, so the migration pages and the benefit indicators have a history.
using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Organisation;
using Oppdrift.ShareMigration;

namespace Oppdrift.Demo;

public sealed record DemoMigrationResult(int Shares, long Files, int Mappings);

public sealed class DemoMigration(OppdriftDb db, MigrationStorage storage, MigrationOptions options, TimeProvider clock)
{
    public const string Tenant = "https://nordvik.sharepoint.com";

    private static readonly string[] TopFolders = ["Administrasjon", "Økonomi", "Personal", "Prosjekter", "Maler", "Møtereferater", "Arkiv", "Fag og kvalitet"];

    private static readonly string[] Documents = ["Referat", "Budsjett", "Notat", "Rutine", "Søknad", "Rapport", "Plan", "Avtale", "Presentasjon", "Sjekkliste"];

    private static readonly string[] Extensions = [".docx", ".xlsx", ".pdf", ".pptx", ".docx", ".msg"];

    /// <summary>How far each agency's move has come: the state its mappings reach, and how many months ago it started.</summary>
    private static readonly (MappingState? State, int MonthsAgo, double Mapped)[] Paces =
    [
        (MappingState.Verified, 10, 1.0),
        (MappingState.Verified, 8, 1.0),
        (MappingState.Migrated, 6, 1.0),
        (MappingState.Migrated, 5, 0.6),
        (MappingState.Cleaned, 4, 1.0),
        (MappingState.Planned, 3, 0.5),
        (null, 2, 0),
        (null, 1, 0),
    ];

    /// <summary>Generates, scans and attaches the shares; the trees are written under <paramref name="folder"/> and removed after.</summary>
    public async Task<DemoMigrationResult> LoadAsync(int seed, string folder, CancellationToken cancellationToken)
    {
        if (await new MigrationQueries(db).AnySharesAsync(cancellationToken))
        {
            return new DemoMigrationResult(0, 0, 0);
        }
        var agencies = await new OrganisationDirectory(db).AgencyRows.OrderBy(a => a.Code).Select(a => new { a.Id, a.Code, a.Name }).ToListAsync(cancellationToken);
        var random = new Random(seed);
        var chosen = agencies.OrderBy(_ => random.Next()).Take(Paces.Length).ToList();
        var work = Path.Combine(folder, "fillagre");
        var now = clock.GetUtcNow();
        var history = new HistoryClock(now);
        var plans = new MigrationPlans(db, storage, options, history);
        int shares = 0, mappings = 0;
        long files = 0;
        try
        {
            for (var n = 0; n < chosen.Count; n++)
            {
                var agency = chosen[n];
                var (state, monthsAgo, mapped) = Paces[n];
                var code = agency.Code.ToLowerInvariant();
                var root = Path.Combine(work, code);
                files += Build(root, new Random(seed + n), withForms: n % 3 == 0);
                var scanned = now.AddMonths(-monthsAgo);
                history.Now = scanned;
                var inventory = Path.Combine(work, code + ".scan.sqlite");
                await new TreeScanner(new ScanOptions { Root = root, InventoryPath = inventory, Clock = history, Readers = 1 }).RunAsync(null, cancellationToken);
                DuplicateFinder.Run(inventory, 1, null, cancellationToken);
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                AttachOutcome attached;
                await using (var content = File.OpenRead(inventory))
                {
                    var result = await plans.AttachAsync(new AttachRequest
                    {
                        AgencyId = agency.Id,
                        ShareName = $"{agency.Name} fellesområde",
                        SourcePath = $@"\\fil0{1 + (n % 3)}\{code}$",
                        FileName = code + ".scan.sqlite",
                        Actor = "endringsleder",
                    }, content, cancellationToken);
                    if (!result.Succeeded)
                    {
                        throw new InvalidOperationException(result.Error);
                    }
                    attached = result.Value!;
                }
                shares++;
                if (state is null)
                {
                    continue;
                }
                var mappedFolders = TopFolders.Take((int)Math.Ceiling(TopFolders.Length * mapped)).ToList();
                var step = TimeSpan.FromDays(Math.Max(7, monthsAgo * 30 / 4.0));
                foreach (var mappedFolder in mappedFolders)
                {
                    history.Now = scanned.AddDays(1);
                    var saved = await plans.SaveMappingAsync(attached.ShareId, null, new MappingInput
                    {
                        SourceFolder = mappedFolder,
                        SiteUrl = $"{Tenant}/sites/{code}",
                        Library = "Shared Documents",
                        TargetFolder = NameFixes.SafeName(mappedFolder, isFolder: true, atLibraryRoot: true),
                    }, "endringsleder", cancellationToken);
                    if (!saved.Succeeded)
                    {
                        // A folder the generator left out of this share (the forms folder only in some): nothing to map.
                        continue;
                    }
                    mappings++;
                    foreach (var next in Enum.GetValues<MappingState>().Where(s => s > MappingState.Planned && s <= state))
                    {
                        history.Now += step;
                        if (history.Now > now)
                        {
                            break;
                        }
                        await plans.SetStateAsync(saved.Value!.Id, next, "endringsleder", cancellationToken);
                    }
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
        return new DemoMigrationResult(shares, files, mappings);
    }

    /// <summary>Writes one share's tree; returns the number of files.</summary>
    private static int Build(string root, Random random, bool withForms)
    {
        var count = 0;
        var shared = Enumerable.Range(0, 20).Select(i => Content(random, 30_000 + (i * 5_000))).ToList();
        void Write(string relative, byte[] content, DateTime modified, long sparse = 0)
        {
            var path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (sparse > 0)
            {
                // Documents of realistic size that take no room: the scanner reads sizes, and only equal sizes are hashed.
                using var stream = new FileStream(path, FileMode.CreateNew);
                stream.SetLength(sparse);
            }
            else
            {
                File.WriteAllBytes(path, content);
            }
            File.SetLastWriteTimeUtc(path, modified);
            count++;
        }
        DateTime Year(int year) => new DateTime(year, 1, 1, 8, 0, 0, DateTimeKind.Utc).AddDays(random.Next(0, 360)).AddMinutes(random.Next(0, 600));

        foreach (var top in TopFolders)
        {
            var years = top == "Arkiv" ? Enumerable.Range(2009, 10) : Enumerable.Range(2019, 7);
            foreach (var year in years)
            {
                var perYear = random.Next(8, 30);
                for (var i = 0; i < perYear; i++)
                {
                    var name = $"{Documents[random.Next(Documents.Length)]} {year}-{random.Next(1, 13):00}-{random.Next(1, 29):00} {i}{Extensions[random.Next(Extensions.Length)]}";
                    var relative = Path.Combine(top, year.ToString(System.Globalization.CultureInfo.InvariantCulture), name);
                    // Every tenth document is a copy of a shared one: the duplicates nobody dares delete.
                    if (random.Next(10) == 0)
                    {
                        Write(relative, shared[random.Next(shared.Count)], Year(year));
                    }
                    else
                    {
                        Write(relative, [], Year(year), sparse: (long)(20_000 * Math.Exp(random.NextDouble() * 5.5)) + random.Next(1000));
                    }
                }
            }
        }
        // Names SharePoint refuses, Office owner files, clutter, a connected-files folder and the path nobody can open.
        var recent = Year(2025);
        Write("Økonomi/Hva koster det?.xlsx", Content(random, 900), recent);
        Write("Økonomi/Budsjett: forslag 2026.xlsx", Content(random, 1200), recent);
        Write("Personal/Utkast til rutine .docx", Content(random, 700), recent);
        Write("Personal/~$kast til rutine.docx", Content(random, 162), recent);
        Write("Møtereferater/Thumbs.db", Content(random, 4096), recent);
        Write("Møtereferater/desktop.ini", Content(random, 120), recent);
        Write("Fag og kvalitet/Kvalitetshåndbok_files/bilde001.png", Content(random, 5000), recent);
        Write("Maler/tom mal.docx", [], recent);
        var nest = string.Join('/', Enumerable.Range(1, 5).Select(i => $"Delprosjekt {i} – kartlegging, analyse og anbefalinger for tjenesteområdet"));
        Write($"Prosjekter/{nest}/Sluttrapport med vedlegg og høringsuttalelser.docx", Content(random, 3000), recent);
        if (withForms)
        {
            Write("forms/Søknadsskjema.docx", Content(random, 1500), recent);
        }
        // A recording of a staff meeting: 1.5 GB, sparse on disk too.
        var recording = Path.Combine(root, "Personal", "Opptak fra personalmøte.mp4");
        using (var stream = new FileStream(recording, FileMode.CreateNew))
        {
            stream.SetLength(1_610_612_736 + random.Next(1_000_000));
        }
        File.SetLastWriteTimeUtc(recording, Year(2023));
        return count + 1;
    }

    private static byte[] Content(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
