using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Organisation;
using Oppdrift.Shared.Privacy;

namespace Oppdrift.Tests.Learning;

/// <summary>A small municipality and a programme written straight to a test database.</summary>
internal static class LearningSeed
{
    public static readonly DateTimeOffset Now = new(2025, 3, 10, 9, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Now);

    public static IOptions<LearningOptions> Options(Action<LearningOptions>? change = null)
    {
        var options = new LearningOptions { PublicUrl = "https://oppdrift.nordvik.kommune.no" };
        change?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    public static LearningStorage Storage(string folder) => new(Path.Combine(folder, "learning", "documents"));

    public static async Task<List<Agency>> AgenciesAsync(OppdriftDb db, params string[] codes)
    {
        var agencies = codes.Select(c => new Agency { Code = c, Name = "Etat " + c, CreatedAt = Now.UtcDateTime }).ToList();
        db.Agencies.AddRange(agencies);
        await db.SaveChangesAsync();
        return agencies;
    }

    public static Person Person(string upn, string name, int? agencyId, bool leader = false) => new()
    {
        UserPrincipalName = upn,
        NormalizedUserPrincipalName = upn.ToLowerInvariant(),
        DisplayName = name,
        Mail = upn,
        AgencyId = agencyId,
        IsLeader = leader,
        IsActive = true,
        AccountEnabled = true,
        FirstSeenAt = Now.UtcDateTime,
    };

    public static async Task<List<Person>> PeopleAsync(OppdriftDb db, int count, int? agencyId, string prefix = "ansatt")
    {
        var people = Enumerable.Range(1, count).Select(i => Person($"{prefix}{i}@nordvik.kommune.no", $"Ansatt {prefix} {i}", agencyId)).ToList();
        db.People.AddRange(people);
        await db.SaveChangesAsync();
        return people;
    }

    public static async Task<(Programme Programme, LearningSession Session)> ProgrammeAsync(OppdriftDb db, int? capacity, string actor = "test")
    {
        var storage = Storage(Path.GetTempPath());
        var programmes = new Programmes(db, Clock(), Options(), storage, new KnowledgeSync(db, new Oppdrift.Learning.Knowledge.KnowledgeIndex(db), storage));
        var programme = (await programmes.CreateAsync(new ProgrammeInput("Frokostwebinar", "Korte webinarer om Microsoft 365.", "Sentralt M365-team", actor, null,
            ProgrammeAudience.Everyone, [], "møter, samhandling", "Teams, OneNote", ["Møter", "Deling"]), actor, default)).Value!;
        var sessions = (await programmes.AddSessionsAsync(programme.Id, new SessionInput("Bedre møter i Teams", "Agenda, opptak og notater.",
            Now.UtcDateTime.AddDays(4), TimeSpan.FromMinutes(45), SessionMode.Online, null, "https://teams.microsoft.com/l/meetup-join/abc", capacity), actor, default)).Value!;
        return (programme, sessions[0]);
    }

    public static SuppressionOptions Suppression => new();
}
