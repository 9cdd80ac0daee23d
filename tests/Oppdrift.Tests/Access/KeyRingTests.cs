using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Access.KeyRing;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Access;

/// <summary>The data-protection key ring: in the database, encrypted, shared by every node, moved there from old files.</summary>
public sealed class KeyRingTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Keys_are_stored_encrypted_in_the_database_and_a_second_node_reads_the_first_nodes_cookie(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, 200);
        using var employee = await app.SignInAsync(Roles.Employee);

        await using (var db = app.Database.CreateContext())
        {
            var keys = await db.ProtectionKeys.ToListAsync();
            Assert.NotEmpty(keys);
            Assert.All(keys, key =>
            {
                Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal);
                Assert.Contains("<encryptedKey", key.Xml, StringComparison.Ordinal);
            });
        }
        Assert.False(Directory.Exists(Path.Combine(app.Database.Folder, KeyRingServices.OldFolderName)));
        var keyFile = Path.Combine(app.Database.Folder, KeyRingServices.KeyFileName);
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var (second, address) = await app.StartSecondNodeAsync();
        try
        {
            using var sameCookie = RunningApp.Client(address, RunningApp.CookiesOf(employee));
            using var response = await sameCookie.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var stranger = RunningApp.Client(address, new CookieContainer());
            using var refused = await stranger.GetAsync("/");
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        }
        finally
        {
            await second.StopAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Key_files_an_earlier_version_left_in_the_data_folder_move_into_the_database_encrypted_and_still_work()
    {
        byte[]? protectedBefore = null;
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 200, builder =>
        {
            // As the app kept its key ring until now: plain XML files in the data folder's keys/ folder.
            var folder = new DirectoryInfo(Path.Combine(builder.Configuration["Oppdrift:DataDirectory"]!, KeyRingServices.OldFolderName));
            var old = DataProtectionProvider.Create(folder, setup => setup.SetApplicationName("Oppdrift"));
            protectedBefore = old.CreateProtector("test").Protect("hemmelig"u8.ToArray());
            Assert.Contains("<masterKey", File.ReadAllText(folder.GetFiles("*.xml").Single().FullName), StringComparison.Ordinal);
        });

        Assert.False(Directory.Exists(Path.Combine(app.Database.Folder, KeyRingServices.OldFolderName)));
        await using (var db = app.Database.CreateContext())
        {
            var key = await db.ProtectionKeys.SingleAsync();
            Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal);
            Assert.Contains("encryptedSecret", key.Xml, StringComparison.Ordinal);
        }
        var provider = app.App.Services.GetRequiredService<IDataProtectionProvider>();
        Assert.Equal("hemmelig"u8.ToArray(), provider.CreateProtector("test").Unprotect(protectedBefore!));
    }
}
