using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Data;
using Oppdrift.Learning;
using Oppdrift.Learning.Knowledge;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Learning;

public sealed class RecordingExpiryTests
{
    private const string Owner = "hanne.eier@nordvik.kommune.no";

    private const string Transcript = "WEBVTT\n\n1\n00:00:05.000 --> 00:00:12.000\n<v Marianne Røsby>Velkommen til webinaret om dokumenthåndtering.</v>\n\n2\n00:12:34.000 --> 00:12:40.000\n<v Geir Faremo>Opplæringene ligger i SharePoint, sammen med opptakene.</v>\n";

    private static Programmes Service(OppdriftDb db, TestDatabase database, Action<LearningOptions>? change = null)
    {
        var storage = LearningSeed.Storage(database.Folder);
        return new Programmes(db, LearningSeed.Clock(), LearningSeed.Options(change), storage, new KnowledgeSync(db, new KnowledgeIndex(db), storage));
    }

    private static async Task<(Programme Programme, Recording Recording)> RecordingAsync(OppdriftDb db, TestDatabase database, Action<LearningOptions>? change = null)
    {
        var agency = (await LearningSeed.AgenciesAsync(db, "SYE"))[0];
        db.People.Add(LearningSeed.Person(Owner, "Hanne Eier", agency.Id));
        await db.SaveChangesAsync();
        var (programme, _) = await LearningSeed.ProgrammeAsync(db, capacity: null, actor: Owner);
        var added = await Service(db, database, change).AddRecordingAsync(programme.Id,
            new RecordingInput("Opptak: dokumenthåndtering", "https://nordvik-my.sharepoint.com/personal/opptak.mp4", TimeSpan.FromMinutes(44), null, null),
            new MemoryStream(Encoding.UTF8.GetBytes(Transcript)), "opptak.vtt", Owner, default);
        Assert.True(added.Succeeded, added.Error);
        return (programme, added.Value!);
    }

    private static FakeTimeProvider At(int daysAfterAdded) => new(LearningSeed.Now.AddDays(daysAfterAdded));

    [Theory]
    [InlineData(0, RecordingExpiryState.Expires)]
    [InlineData(105, RecordingExpiryState.Expires)]
    [InlineData(106, RecordingExpiryState.ExpiresSoon)]
    [InlineData(119, RecordingExpiryState.ExpiresSoon)]
    [InlineData(120, RecordingExpiryState.Expired)]
    [InlineData(400, RecordingExpiryState.Expired)]
    public void A_recording_is_warned_of_fourteen_days_ahead_and_expired_from_its_date(int days, RecordingExpiryState state)
    {
        var made = LearningSeed.Now.UtcDateTime;
        var recording = new Recording { Title = "t", Url = "https://x", CreatedAt = made, ExpiresAt = RecordingExpiry.PolicyDate(made, new RecordingOptions()) };

        Assert.Equal(state, RecordingExpiry.State(recording, made.AddDays(days), new RecordingOptions()));
        Assert.Equal(RecordingExpiryState.Kept, RecordingExpiry.State(new Recording { Title = "t", Url = "https://x" }, made.AddDays(days), new RecordingOptions()));
    }

    [Fact]
    public void A_recording_of_a_session_is_made_when_the_session_started()
    {
        var added = new DateTime(2025, 3, 20, 12, 0, 0, DateTimeKind.Utc);
        var session = new DateTime(2025, 3, 14, 9, 0, 0, DateTimeKind.Utc);

        Assert.Equal(session, RecordingExpiry.MadeAt(added, session));
        Assert.Equal(added, RecordingExpiry.MadeAt(added, added.AddDays(3)));
        Assert.Equal(added, RecordingExpiry.MadeAt(added, null));
        Assert.Null(RecordingExpiry.PolicyDate(added, new RecordingOptions { ExpiryDays = 0 }));
        Assert.Null(RecordingExpiry.PolicyDate(added, new RecordingOptions { ExpiryDays = null }));
        Assert.Equal(added.AddDays(60), RecordingExpiry.PolicyDate(added, new RecordingOptions { ExpiryDays = 60 }));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_new_recording_expires_by_the_tenant_policy_or_not_at_all_when_the_policy_is_off(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (programme, recording) = await RecordingAsync(db, database, o => o.Recordings.ExpiryDays = 90);

        var never = await Service(db, database, o => o.Recordings.ExpiryDays = 0).AddRecordingAsync(programme.Id,
            new RecordingInput("Opptak i biblioteket", "https://nordvik.sharepoint.com/sites/opplaering/opptak.mp4", TimeSpan.FromMinutes(5), null, null),
            null, null, Owner, default);

        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == recording.Id, TestContext.Current.CancellationToken);
        Assert.Equal(LearningSeed.Now.UtcDateTime.AddDays(90), stored.ExpiresAt);
        Assert.Equal(RecordingExpirySource.Policy, stored.ExpirySource);
        Assert.True(never.Succeeded, never.Error);
        Assert.Null((await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == never.Value!.Id, TestContext.Current.CancellationToken)).ExpiresAt);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_owner_is_warned_by_email_once_per_recording_and_again_for_a_new_date(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (_, recording) = await RecordingAsync(db, database);
        var options = LearningSeed.Options().Value;
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(0, await RecordingExpiry.QueueWarningsAsync(db, options, At(105), ct));
        Assert.Equal(1, await RecordingExpiry.QueueWarningsAsync(db, options, At(107), ct));
        Assert.Equal(0, await RecordingExpiry.QueueWarningsAsync(db, options, At(108), ct));

        var mail = await db.OutgoingMail.AsNoTracking().SingleAsync(ct);
        Assert.Equal(Owner, mail.To);
        Assert.Contains("Opptak: dokumenthåndtering", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Stream", mail.Body, StringComparison.Ordinal);
        Assert.Contains($"https://oppdrift.nordvik.kommune.no/learning/recordings/{recording.Id}", mail.Body, StringComparison.Ordinal);

        Assert.StartsWith("Opptaket «", mail.Subject, StringComparison.Ordinal); // the owner has never signed in: Bokmål

        // The owner put the expiry off in Stream by ten days: the new date is warned of in its turn.
        var keeping = new RecordingKeeping(db, At(108), LearningSeed.Options());
        var changed = await keeping.ChangeAsync(recording.Id, new RecordingExpiryChange(RecordingKeep.Date, DateOnly.FromDateTime(LearningSeed.Now.UtcDateTime.AddDays(130)), null), Owner, ct);
        Assert.True(changed.Succeeded, changed.Error);
        Assert.Equal(0, await RecordingExpiry.QueueWarningsAsync(db, options, At(110), ct));
        Assert.Equal(1, await RecordingExpiry.QueueWarningsAsync(db, options, At(117), ct));
        Assert.Equal(2, await db.OutgoingMail.CountAsync(ct));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_owner_clears_the_expiry_or_moves_the_file_and_each_change_is_audited(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (_, recording) = await RecordingAsync(db, database);
        var ct = TestContext.Current.CancellationToken;
        var keeping = new RecordingKeeping(db, At(110), LearningSeed.Options());

        var cleared = await keeping.ChangeAsync(recording.Id, new RecordingExpiryChange(RecordingKeep.Cleared, null, null), Owner, ct);
        var notAnAddress = await keeping.ChangeAsync(recording.Id, new RecordingExpiryChange(RecordingKeep.Moved, null, "biblioteket"), Owner, ct);
        var noDate = await keeping.ChangeAsync(recording.Id, new RecordingExpiryChange(RecordingKeep.Date, null, null), Owner, ct);
        const string library = "https://nordvik.sharepoint.com/sites/lederskolen/Delte%20dokumenter/Opptak/dokumenthandtering.mp4";
        var moved = await keeping.ChangeAsync(recording.Id, new RecordingExpiryChange(RecordingKeep.Moved, null, library), Owner, ct);

        Assert.True(cleared.Succeeded, cleared.Error);
        Assert.False(notAnAddress.Succeeded);
        Assert.False(noDate.Succeeded);
        Assert.True(moved.Succeeded, moved.Error);
        var stored = await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == recording.Id, ct);
        Assert.Null(stored.ExpiresAt);
        Assert.Equal(RecordingExpirySource.Owner, stored.ExpirySource);
        Assert.Equal(library, stored.Url);
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == RecordingExpiry.Action, ct));

        var policy = await keeping.ChangeAsync(recording.Id, new RecordingExpiryChange(RecordingKeep.Policy, null, null), Owner, ct);
        Assert.True(policy.Succeeded, policy.Error);
        Assert.Equal(LearningSeed.Now.UtcDateTime.AddDays(120), (await db.Recordings.AsNoTracking().SingleAsync(r => r.Id == recording.Id, ct)).ExpiresAt);
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_warning_is_written_in_the_language_the_owner_last_signed_in_with(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        await RecordingAsync(db, database);
        var ct = TestContext.Current.CancellationToken;
        db.Accounts.Add(new Oppdrift.Access.Account
        {
            UserName = "Hanne.Eier@nordvik.kommune.no",
            NormalizedUserName = Oppdrift.Access.AccountService.Normalize(Owner),
            DisplayName = "Hanne Eier",
            Language = "en-GB",
        });
        await db.SaveChangesAsync(ct);

        // Written by the mail job, whatever the language it runs in.
        var (ui, format) = (System.Globalization.CultureInfo.CurrentUICulture, System.Globalization.CultureInfo.CurrentCulture);
        (System.Globalization.CultureInfo.CurrentUICulture, System.Globalization.CultureInfo.CurrentCulture) = (Oppdrift.Shared.Localized.Bokmal, Oppdrift.Shared.Localized.Bokmal);
        try
        {
            Assert.Equal(1, await RecordingExpiry.QueueWarningsAsync(db, LearningSeed.Options().Value, At(107), ct));
        }
        finally
        {
            (System.Globalization.CultureInfo.CurrentUICulture, System.Globalization.CultureInfo.CurrentCulture) = (ui, format);
        }

        var mail = await db.OutgoingMail.AsNoTracking().SingleAsync(ct);
        Assert.StartsWith("The recording “Opptak: dokumenthåndtering” expires ", mail.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("utløper", mail.Body, StringComparison.Ordinal);
        Assert.Matches(@"\d{1,2}\. [A-Z][a-z]+ \d{4}$", mail.Subject); // the month named in English
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_expired_recording_is_marked_in_search_and_its_transcript_stays_searchable(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var (_, recording) = await RecordingAsync(db, database);
        var ct = TestContext.Current.CancellationToken;

        var results = await new KnowledgeSearch(db).SearchAsync(new KnowledgeQuery { Text = "opplæring" }, ct);
        var hit = Assert.Single(results.Hits, h => h.Kind == KnowledgeKind.Recording);
        var before = await RecordingExpiry.ExpiredKeysAsync(db, results.Hits.Select(h => h.SourceKey), At(119).GetUtcNow().UtcDateTime, ct);
        var after = await RecordingExpiry.ExpiredKeysAsync(db, results.Hits.Select(h => h.SourceKey), At(121).GetUtcNow().UtcDateTime, ct);

        Assert.Empty(before);
        Assert.Equal(KnowledgeSync.RecordingKey(recording.Id), Assert.Single(after));
        Assert.Equal(KnowledgeSync.RecordingKey(recording.Id), hit.SourceKey);
        // An expired recording is never warned of: it is too late for the steps, and the pages say it has expired.
        Assert.Equal(0, await RecordingExpiry.QueueWarningsAsync(db, LearningSeed.Options().Value, At(121), ct));
    }
}
