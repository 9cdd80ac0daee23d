using Microsoft.EntityFrameworkCore;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

/// <summary>Session feedback is anonymous: stored without the person, and shown to the owner only from the minimum group size.</summary>
public sealed class FeedbackTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Answers_are_stored_without_who_gave_them_counted_once_per_person_and_shown_only_from_the_minimum_group_size(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        var people = await LearningSeed.PeopleAsync(db, 12, agency.Id);
        var (programme, session) = await LearningSeed.ProgrammeAsync(db, capacity: null);
        var clock = LearningSeed.Clock();
        clock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromHours(3.5));
        var storage = LearningSeed.Storage(Path.GetTempPath());
        var programmes = new Programmes(db, clock, LearningSeed.Options(), storage, new KnowledgeSync(db, new Oppdrift.Learning.Knowledge.KnowledgeIndex(db), storage));
        var queries = new LearningQueries(db, LearningSeed.Suppression);
        var minimum = LearningSeed.Suppression.MinimumGroupSize;

        for (var i = 0; i < minimum - 1; i++)
        {
            var given = await programmes.GiveFeedbackAsync(session.Id, people[i].Id, 1 + (i % 5), i == 0 ? "Person null var her" : null, default);
            Assert.True(given.Succeeded, given.Error);
        }
        var again = await programmes.GiveFeedbackAsync(session.Id, people[0].Id, 5, "Et svar til", default);
        Assert.False(again.Succeeded);

        // Below the minimum group size: the count, nothing that tells one answer from another.
        var few = Assert.Single(await queries.FeedbackAsync(programme.Id, default));
        Assert.Equal(minimum - 1, few.Answers);
        Assert.True(few.Hidden);
        Assert.Null(few.Average);
        Assert.Empty(few.Distribution);
        Assert.Empty(few.Comments);

        Assert.True((await programmes.GiveFeedbackAsync(session.Id, people[minimum - 1].Id, 4, null, default)).Succeeded);
        var enough = Assert.Single(await queries.FeedbackAsync(programme.Id, default));
        Assert.False(enough.Hidden);
        Assert.Equal(minimum, enough.Answers);
        Assert.Equal(minimum, enough.Distribution.Sum());
        Assert.Equal(["Person null var her"], enough.Comments);

        // Who answered is a separate marker with nothing else in it; the answers have no person and no time of day.
        db.ChangeTracker.Clear();
        Assert.DoesNotContain(db.Model.FindEntityType(typeof(Feedback))!.GetProperties(), p => p.Name.Contains("Person", StringComparison.Ordinal));
        Assert.Equal(["PersonId", "SessionId"], db.Model.FindEntityType(typeof(FeedbackGiven))!.GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(minimum, await db.FeedbackGiven.CountAsync(f => f.SessionId == session.Id));
        Assert.All(await db.Feedback.Where(f => f.SessionId == session.Id).ToListAsync(), f => Assert.Equal(TimeSpan.Zero, f.GivenAt.TimeOfDay));
        Assert.True((await queries.SessionAsync(session.Id, people[0].Id, default))!.FeedbackGiven);
        Assert.False((await queries.SessionAsync(session.Id, people[11].Id, default))!.FeedbackGiven);
    }
}
