using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Access;

/// <summary>Password guessing: rate limits, equal work for unknown names, audited attempts, hash strength, common passwords.</summary>
public sealed class PasswordSignInTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 2, 2, 9, 0, 0, TimeSpan.Zero));

    /// <summary>The iteration count written in an ASP.NET Core Identity version 3 hash (format byte, PRF, iterations, …).</summary>
    private static int Iterations(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(0x01, bytes[0]);
        return (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_hash_made_with_the_old_iteration_count_is_replaced_at_the_next_successful_sign_in(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var created = (await accounts.CreateAsync(new AccountRequest("kari@k.no", "Kari", Roles.Employee, []), "admin", default)).Value!;
        Assert.Equal(AccountService.PasswordIterations, Iterations(created.Account.PasswordHash!));
        // As the app hashed until now: ASP.NET Core's defaults, 100,000 iterations.
        var old = new PasswordHasher<Account>().HashPassword(created.Account, "an old but long password");
        created.Account.PasswordHash = old;
        var stamp = created.Account.SecurityStamp;
        await db.SaveChangesAsync();
        Assert.Equal(100_000, Iterations(old));

        Assert.Null(await accounts.VerifyAsync("kari@k.no", "a wrong but long password", default));
        await using (var check = database.CreateContext())
        {
            Assert.Equal(old, (await check.Accounts.SingleAsync(a => a.UserName == "kari@k.no")).PasswordHash);
        }
        Assert.NotNull(await accounts.VerifyAsync("kari@k.no", "an old but long password", default));

        await using var after = database.CreateContext();
        var account = await after.Accounts.SingleAsync(a => a.UserName == "kari@k.no");
        Assert.NotEqual(old, account.PasswordHash);
        Assert.Equal(210_000, Iterations(account.PasswordHash!));
        Assert.Equal(stamp, account.SecurityStamp);
        Assert.NotNull(await new AccountService(after, _clock).VerifyAsync("kari@k.no", "an old but long password", default));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_sign_in_is_audited_and_an_unknown_name_costs_a_hash_check_too(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var admin = (await accounts.EnsureAdministratorAsync(default))!;

        Assert.NotNull(await accounts.VerifyAsync("admin", admin.OneTimePassword, default));
        Assert.Null(await accounts.VerifyAsync("admin", "not the password", default));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(await accounts.VerifyAsync("nobody@k.no", "not the password", default));
        watch.Stop();

        var entries = await db.AuditEntries.Where(e => e.Action.StartsWith("account.sign-in")).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["account.sign-in", "account.sign-in-failed", "account.sign-in-failed"], entries.Select(e => e.Action));
        Assert.Equal("admin", entries[0].Target);
        Assert.Contains("wrong-password", entries[1].After, StringComparison.Ordinal);
        Assert.Equal("nobody@k.no", entries[2].Target);
        Assert.Contains("unknown", entries[2].After, StringComparison.Ordinal);
        // The unknown name was checked against a dummy hash of today's strength: 210,000 iterations cannot be instant.
        var single = System.Diagnostics.Stopwatch.StartNew();
        new PasswordHasher<Account>(Microsoft.Extensions.Options.Options.Create(new PasswordHasherOptions { IterationCount = AccountService.PasswordIterations }))
            .VerifyHashedPassword(null!, admin.Account.PasswordHash!, "x");
        single.Stop();
        Assert.True(watch.Elapsed > single.Elapsed / 3, $"unknown name {watch.Elapsed}, one hash check {single.Elapsed}");
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task With_Entra_ID_only_the_break_glass_account_signs_in_with_a_password_and_it_is_audited(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var admin = (await accounts.EnsureAdministratorAsync(default))!;
        var kari = (await accounts.CreateAsync(new AccountRequest("kari@k.no", "Kari", Roles.ChangeLeader, []), "admin", default)).Value!;

        Assert.Null(await accounts.VerifyAsync("kari@k.no", kari.OneTimePassword, default, breakGlassOnly: "admin"));
        Assert.NotNull(await accounts.VerifyAsync("Admin", admin.OneTimePassword, default, breakGlassOnly: "admin"));
        Assert.NotNull(await accounts.VerifyAsync("kari@k.no", kari.OneTimePassword, default));

        var entries = await db.AuditEntries.Where(e => e.Action.StartsWith("account.") && e.Action.Contains("sign-in")).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["account.sign-in-failed", "account.break-glass-sign-in", "account.sign-in"], entries.Select(e => e.Action));
        Assert.Contains("local-sign-in-off", entries[0].After, StringComparison.Ordinal);
        Assert.Equal("admin", entries[1].Target);
    }

    [Theory]
    [InlineData("Password1234!")]
    [InlineData("winniethepooh")]
    [InlineData("qwertyqwertyqwerty")]
    [InlineData("123456123456")]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("kari.nordmann")]
    public void Common_passwords_and_the_user_name_are_refused(string password) =>
        Assert.True(BreachedPasswords.IsCommon(password, "kari.nordmann@nordvik.kommune.no"));

    [Theory]
    [InlineData("a sentence I remember")]
    [InlineData("Fjordhest-kaffe-19")]
    [InlineData("korrekt hest batteri stift")]
    public void Uncommon_passwords_are_accepted(string password) =>
        Assert.False(BreachedPasswords.IsCommon(password, "kari.nordmann@nordvik.kommune.no"));

    [Fact]
    public void The_shipped_list_holds_the_john_the_ripper_common_passwords()
    {
        Assert.True(BreachedPasswords.Count > 3_000, BreachedPasswords.Count.ToString(CultureInfo.InvariantCulture));
        Assert.True(BreachedPasswords.IsCommon("123456"));
        Assert.True(BreachedPasswords.IsCommon("iloveyou"));
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_common_password_is_refused_with_a_clear_message_in_both_languages(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var accounts = new AccountService(db, _clock);
        var admin = (await accounts.EnsureAdministratorAsync(default))!;
        var culture = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("nb-NO");
            var norwegian = await accounts.ChangePasswordAsync(admin.Account.Id, admin.OneTimePassword, "Password1234!", default);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-GB");
            var english = await accounts.ChangePasswordAsync(admin.Account.Id, admin.OneTimePassword, "iloveyou2026!", default);

            Assert.Equal("next", norwegian.Field);
            Assert.Contains("blant de vanligste passordene", norwegian.Error, StringComparison.Ordinal);
            Assert.Equal("next", english.Field);
            Assert.Contains("among the most common passwords", english.Error, StringComparison.Ordinal);
            Assert.True((await accounts.ChangePasswordAsync(admin.Account.Id, admin.OneTimePassword, "a sentence I remember", default)).Succeeded);
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }
    }

    private static async Task<HttpStatusCode> PostSignInAsync(HttpClient client, string userName)
    {
        var form = await client.GetStringAsync("/account/login");
        using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = RunningApp.AntiforgeryToken(form),
            ["Input.UserName"] = userName,
            ["Input.Password"] = "a wrong but long guess",
        }));
        return response.StatusCode;
    }

    [Fact]
    public async Task Sign_in_posts_over_the_limit_per_user_name_or_per_address_are_answered_429()
    {
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 200,
            "--Access:SignInAttemptsPerUserName=3", "--Access:SignInAttemptsPerAddress=6", "--Access:SignInWindow=00:10:00");
        using var client = app.Anonymous();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await PostSignInAsync(client, "Kari@k.no"));
        }
        // The fourth try for the same name (in any case) is refused before the password is checked.
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostSignInAsync(client, "kari@K.NO"));
        Assert.Equal(HttpStatusCode.OK, await PostSignInAsync(client, "ola@k.no"));
        Assert.Equal(HttpStatusCode.OK, await PostSignInAsync(client, "per@k.no"));
        Assert.Equal(HttpStatusCode.OK, await PostSignInAsync(client, "anne@k.no"));
        // Six posts from this address were let through: the next is refused whatever the name.
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostSignInAsync(client, "bjorn@k.no"));

        using var page = await client.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await using var db = app.Database.CreateContext();
        Assert.Equal(6, await db.AuditEntries.CountAsync(e => e.Action == "account.sign-in-failed"));
    }
}
