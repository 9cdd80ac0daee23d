using System.Net;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Web;

/// <summary>The OpenAPI document: open to anyone, written once and then served from memory, signed in or not.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task The_document_is_written_once_and_then_served_from_memory_to_anyone()
    {
        await using var app = await RunningApp.StartAsync(DatabaseKind.Sqlite, 200);
        using var anonymous = app.Anonymous();
        using var administrator = await app.SignInAsync(Roles.Administrator);

        using var first = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains("Age"), "the first request writes the document");
        var document = await first.Content.ReadAsStringAsync();
        Assert.Contains("\"openapi\"", document, StringComparison.Ordinal);
        Assert.Contains("/api/usage/overview", document, StringComparison.Ordinal);

        // Signed in or with a query string appended, the same document comes from memory (output caching's Age header).
        foreach (var (client, path) in new[] { (anonymous, "/openapi/v1.json"), (administrator, "/openapi/v1.json"), (administrator, "/openapi/v1.json?x=1") })
        {
            using var again = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.True(again.Headers.Contains("Age"), $"{path} is served from memory");
            Assert.Equal(document, await again.Content.ReadAsStringAsync());
        }

        // A document that does not exist is answered, not kept.
        for (var i = 0; i < 2; i++)
        {
            using var missing = await anonymous.GetAsync("/openapi/none.json");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.False(missing.Headers.Contains("Age"));
        }
    }
}
