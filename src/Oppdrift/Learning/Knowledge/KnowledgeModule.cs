using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;

namespace Oppdrift.Learning.Knowledge;

/// <summary>The knowledge bank's services and its search API.</summary>
public static class KnowledgeModule
{
    public static IServiceCollection AddKnowledge(this IServiceCollection services)
    {
        services.AddScoped<KnowledgeIndex>();
        services.AddScoped<KnowledgeSearch>();
        return services;
    }

    /// <summary>The query string the search page and the API share.</summary>
    public sealed record KnowledgeFilter(
        [property: FromQuery(Name = "q")] string? Q,
        [property: FromQuery(Name = "programme")] int? Programme,
        [property: FromQuery(Name = "topic")] string? Topic,
        [property: FromQuery(Name = "tool")] string? Tool,
        [property: FromQuery(Name = "kind")] string? Kind,
        [property: FromQuery(Name = "from")] DateOnly? From,
        [property: FromQuery(Name = "to")] DateOnly? To,
        [property: FromQuery(Name = "page")] int? Page,
        [property: FromQuery(Name = "size")] int? Size)
    {
        public KnowledgeQuery ToQuery() => new()
        {
            Text = Q,
            ProgrammeId = Programme,
            Topic = Topic,
            Tool = Tool,
            Kind = ParseKind(Kind),
            From = From is { } f && To is { } t && f > t ? t : From,
            To = From is { } f2 && To is { } t2 && f2 > t2 ? f2 : To,
            Page = Page ?? 1,
            PageSize = Size ?? KnowledgeSearch.DefaultPageSize,
        };
    }

    public static KnowledgeKind? ParseKind(string? value) =>
        Enum.TryParse<KnowledgeKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !int.TryParse(value, out _) ? kind : null;

    public sealed record SnippetResponse(string Html, string Url, string? Anchor);

    public sealed record HitResponse(string SourceKey, string Kind, string Title, string TitleHtml, string Url, int? ProgrammeId, string? ProgrammeName,
        DateOnly? Date, IReadOnlyList<string> Topics, IReadOnlyList<string> Tools, double Score, IReadOnlyList<SnippetResponse> Snippets, bool Expired);

    public sealed record SearchResponse(string? Query, IReadOnlyList<string> Terms, int Total, int Page, int PageSize, IReadOnlyList<HitResponse> Hits);

    public static void MapKnowledgeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/knowledge").WithTags("Knowledge");
        api.MapGet("/search", SearchAsync).RequireAuthorization(Policies.SignedIn)
            .WithDescription("Searches the knowledge bank: every word of q (any inflected form) must occur; filters programme (id), topic, tool, kind, from and to (dates); ranked by BM25. Snippets are HTML with the matching words in <mark>; a snippet's url jumps to its place (a transcript cue) on the entry's page. expired marks a recording whose video Teams has deleted (its transcript is still searchable).");
    }

    private static async Task<Ok<SearchResponse>> SearchAsync([AsParameters] KnowledgeFilter filter, ClaimsPrincipal user, OppdriftDb db, KnowledgeSearch search,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var results = await search.SearchAsync(filter.ToQuery() with
        {
            HiddenDocumentsOf = await LearningAccess.ProgrammesWithHiddenDocumentsAsync(db, user, cancellationToken),
        }, cancellationToken);
        var expired = await RecordingExpiry.ExpiredKeysAsync(db, results.Hits.Select(h => h.SourceKey), clock.GetUtcNow().UtcDateTime, cancellationToken);
        return TypedResults.Ok(new SearchResponse(filter.Q, results.Terms, results.Total, results.Query.Page, results.Query.PageSize,
            [.. results.Hits.Select(h => new HitResponse(h.SourceKey, h.Kind.ToString(), h.Title, h.TitleHtml, h.Url, h.ProgrammeId, h.ProgrammeName,
                h.Date, h.Topics, h.Tools, h.Score, [.. h.Snippets.Select(s => new SnippetResponse(s.Html, s.Url, s.Anchor))], expired.Contains(h.SourceKey)))]));
    }
}
